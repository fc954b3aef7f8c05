from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from registry.auth.dependencies import authenticate
from registry.auth.principal import Principal
from registry.awards.models import Award
from registry.awards.router import to_read as award_read
from registry.batches import service
from registry.batches.schemas import MAX_OPERATIONS, BatchCreate, BatchRead, OperationResult
from registry.competitions.models import Competition
from registry.competitions.router import to_read as competition_read
from registry.core import idempotency
from registry.core.db import WriteSessionDep
from registry.core.errors import problem_responses
from registry.core.idempotency import IdempotencyKey
from registry.core.json_body import JsonBodyRoute
from registry.organizations.router import to_read as organization_read

router = APIRouter(prefix="/batches", tags=["batches"], route_class=JsonBodyRoute)


@router.post(
    "",
    summary=f"Apply up to {MAX_OPERATIONS} writes at once: all of them, or none",
    response_model=BatchRead,
    status_code=201,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def create_batch(
    request: Request,
    session: WriteSessionDep,
    principal: Annotated[Principal, Depends(authenticate)],
    batch: BatchCreate,
    idempotency_key: IdempotencyKey = None,
) -> object:
    return idempotency.respond(
        session,
        request=request,
        scope=principal.key_prefix,
        key=idempotency_key,
        body=batch,
        status=201,
        produce=lambda: _read(session, service.apply(session, principal=principal, batch=batch)),
    )


def _read(session: Session, applied: service.Applied) -> BatchRead:
    results = []
    for op, object_id, obj in applied.written:
        if isinstance(obj, Award):
            resource = award_read(session, obj).model_dump(mode="json")
        elif isinstance(obj, Competition):
            resource = competition_read(session, obj).model_dump(mode="json")
        else:
            resource = organization_read(obj).model_dump(mode="json")
        results.append(OperationResult(op=op, id=object_id, resource=resource))
    return BatchRead(first_seq=applied.first_seq, last_seq=applied.last_seq, results=results)
