from typing import Annotated

from fastapi import APIRouter, Path, Request

from registry.auth import service
from registry.auth.dependencies import AdminDep, checked_keys
from registry.auth.schemas import ApiKeyCreate, ApiKeyIssued, ApiKeyRead, ApiKeyRevoke
from registry.core import idempotency
from registry.core.db import WriteSessionDep
from registry.core.errors import Unprocessable, problem_responses
from registry.core.idempotency import IdempotencyKey
from registry.core.json_body import JsonBodyRoute

router = APIRouter(prefix="/keys", tags=["keys"], route_class=JsonBodyRoute)

WRITE_PROBLEMS = problem_responses(401, 403, 422)


@router.post(
    "",
    summary="Issue an API key (admin); the token is shown once",
    response_model=ApiKeyIssued,
    status_code=201,
    responses=WRITE_PROBLEMS,
)
def create_key(
    request: Request,
    session: WriteSessionDep,
    principal: AdminDep,
    data: ApiKeyCreate,
    idempotency_key: IdempotencyKey = None,
) -> object:
    if idempotency_key is not None:
        # A replay would have to show the secret again, so it would have to be stored.
        raise Unprocessable.for_field(
            f"header.{idempotency.HEADER}",
            "not accepted when issuing a key: the token is shown once and never stored",
        )

    def produce() -> ApiKeyIssued:
        issued = service.create_key(
            session,
            actor=principal.actor,
            role=data.role,
            organization_id=data.organization_id,
            label=data.label,
            expires_at=data.expires_at,
        )
        return ApiKeyIssued(
            **ApiKeyRead.model_validate(issued.key).model_dump(), token=issued.token
        )

    return idempotency.respond(
        session,
        request=request,
        scope=principal.key_prefix,
        key=idempotency_key,
        body=data,
        status=201,
        produce=produce,
    )


@router.post(
    "/{prefix}/revoke",
    summary="Revoke an API key (admin)",
    response_model=ApiKeyRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def revoke_key(
    request: Request,
    session: WriteSessionDep,
    principal: AdminDep,
    prefix: Annotated[str, Path(max_length=16)],
    data: ApiKeyRevoke,
    idempotency_key: IdempotencyKey = None,
) -> object:
    def produce() -> ApiKeyRead:
        key = service.revoke_key(session, actor=principal.actor, prefix=prefix, reason=data.reason)
        checked_keys(request).forget(prefix)
        return ApiKeyRead.model_validate(key)

    return idempotency.respond(
        session,
        request=request,
        scope=principal.key_prefix,
        key=idempotency_key,
        body=data,
        status=200,
        produce=produce,
    )
