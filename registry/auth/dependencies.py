"""Bearer-token authentication for write endpoints. Reading never needs a key."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from registry.auth import service
from registry.auth.principal import Principal, Role
from registry.core.db import WriteSessionDep, get_database
from registry.core.errors import Forbidden, Unauthorized
from registry.core.messages import Rule

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


async def authenticate_briefly(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """``authenticate`` for the writes that go through group commit, whose request holds
    neither a connection nor a thread while it waits for its batch: a key this process has
    checked lately is let in at once (``CheckedKeys``), any other is checked in a short
    transaction of its own on the primary. The batch confirms the key again
    (``service.confirm``) in the write's own transaction."""
    if credentials is None:
        raise Unauthorized("this endpoint needs an API key: Authorization: Bearer <key>")
    token = credentials.credentials
    keys = checked_keys(request)
    principal = keys.get(token)
    if principal is not None:
        return principal

    def check() -> Principal:
        with get_database(request).session() as session:
            return keys.check(session, token)

    return await run_in_threadpool(check)


@contextmanager
def forgotten_if_refused(request: Request, principal: Principal) -> Iterator[None]:
    """Around a group-committed write: a key its batch found revoked or expired is forgotten
    by this process, so the key's next request is refused before its body is validated."""
    try:
        yield
    except Unauthorized:
        checked_keys(request).forget(principal.key_prefix)
        raise


def checked_keys(request: Request) -> service.CheckedKeys:
    """The application's ``CheckedKeys``."""
    keys: service.CheckedKeys = request.app.state.keys
    return keys


def require_admin(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    if principal.role is not Role.ADMIN:
        raise Forbidden(Rule("only an admin key may do this"))
    return principal


def require_funder(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    if principal.role is not Role.FUNDER or principal.organization_id is None:
        raise Forbidden(Rule("only a funder's key may do this"))
    return principal


async def require_funder_briefly(
    principal: Annotated[Principal, Depends(authenticate_briefly)],
) -> Principal:
    return require_funder(principal)


def require_organization_key(
    principal: Annotated[Principal, Depends(authenticate)],
) -> Principal:
    """A funder's or an overseer's key: the service decides which of them may act."""
    if principal.role not in (Role.FUNDER, Role.OVERSEER) or principal.organization_id is None:
        raise Forbidden(Rule("only a funder's or an overseer's key may do this"))
    return principal


def require_overseer(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    if principal.role is not Role.OVERSEER or principal.organization_id is None:
        raise Forbidden(Rule("only an overseer's key may do this"))
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]
FunderDep = Annotated[Principal, Depends(require_funder)]
GroupedFunderDep = Annotated[Principal, Depends(require_funder_briefly)]
"""A funder's key, checked without holding a connection or a thread: for group-committed
writes, whose operation must ``service.confirm`` it in the batch."""
OverseerDep = Annotated[Principal, Depends(require_overseer)]
OrganizationKeyDep = Annotated[Principal, Depends(require_organization_key)]
