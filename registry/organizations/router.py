from fastapi import APIRouter, Request

from registry.auth.dependencies import AdminDep
from registry.core import idempotency
from registry.core.created import created_responses, located
from registry.core.db import WriteSessionDep
from registry.core.idempotency import IdempotencyKey
from registry.core.json_body import JsonBodyRoute
from registry.organizations import service
from registry.organizations.models import Organization
from registry.organizations.schemas import OrganizationCreate, OrganizationRead

router = APIRouter(prefix="/organizations", tags=["organizations"], route_class=JsonBodyRoute)


def to_read(organization: Organization) -> OrganizationRead:
    return OrganizationRead(
        org_id=organization.org_id,
        name={
            "uz": organization.name_uz,
            "ru": organization.name_ru,
            "kk": organization.name_kk,
            "en": organization.name_en,
        },
        kind=organization.kind,
        legal_form=organization.legal_form,
        country=organization.country,
        region=organization.region,
        registration_date=organization.registration_date,
        recorded_at=organization.registered_at,
        registered_at=organization.registered_at,
        registered_seq=organization.registered_seq,
    )


@router.post(
    "",
    summary="Register an organization, funder or recipient (admin)",
    response_model=OrganizationRead,
    status_code=201,
    responses=created_responses(401, 403, 409, 422),
)
def create_organization(
    request: Request,
    session: WriteSessionDep,
    principal: AdminDep,
    data: OrganizationCreate,
    idempotency_key: IdempotencyKey = None,
) -> object:
    registered = idempotency.respond(
        session,
        request=request,
        scope=principal.key_prefix,
        key=idempotency_key,
        body=data,
        status=201,
        produce=lambda: to_read(service.register(session, actor=principal.actor, data=data)),
    )
    return located(request, registered, "get_organization", param="org_id", member="org_id")
