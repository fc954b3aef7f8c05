"""Bearer-token authentication for write endpoints. Reading never needs a key."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from registry.auth import service
from registry.auth.principal import Principal, Role
from registry.core.db import WriteSessionDep, get_database
from registry.core.errors import Forbidden, Unauthorized

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="`Authorization: Bearer reg_<prefix>_<secret>`, an API key issued by an admin.",
)


def authenticate(
    session: WriteSessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None:
        raise Unauthorized("this endpoint needs an API key: Authorization: Bearer <key>")
    return service.authenticate(session, credentials.credentials)


def authenticate_briefly(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """``authenticate`` in a short transaction of its own on the primary, released before the
    endpoint runs: for the writes that go through group commit, whose request holds no
    connection while it waits for its batch."""
    if credentials is None:
        raise Unauthorized("this endpoint needs an API key: Authorization: Bearer <key>")
    with get_database(request).session() as session:
        return service.authenticate(session, credentials.credentials)


def require_admin(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    if principal.role is not Role.ADMIN:
        raise Forbidden("only an admin key may do this")
    return principal


def require_funder(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    if principal.role is not Role.FUNDER or principal.organization_id is None:
        raise Forbidden("only a funder's key may do this")
    return principal


def require_funder_briefly(
    principal: Annotated[Principal, Depends(authenticate_briefly)],
) -> Principal:
    return require_funder(principal)


def require_organization_key(
    principal: Annotated[Principal, Depends(authenticate)],
) -> Principal:
    """A funder's or an overseer's key: the service decides which of them may act."""
    if principal.role not in (Role.FUNDER, Role.OVERSEER) or principal.organization_id is None:
        raise Forbidden("only a funder's or an overseer's key may do this")
    return principal


def require_overseer(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    if principal.role is not Role.OVERSEER or principal.organization_id is None:
        raise Forbidden("only an overseer's key may do this")
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]
FunderDep = Annotated[Principal, Depends(require_funder)]
GroupedFunderDep = Annotated[Principal, Depends(require_funder_briefly)]
"""A funder's key, checked without holding a connection: for group-committed writes."""
OverseerDep = Annotated[Principal, Depends(require_overseer)]
OrganizationKeyDep = Annotated[Principal, Depends(require_organization_key)]
