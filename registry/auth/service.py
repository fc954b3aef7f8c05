"""API keys: issued and revoked through the ledger, checked on every write request.

A token is ``reg_<prefix>_<secret>``: the prefix names the key in logs and in the ledger, the
secret is 256 random bits shown once. Only SHA-256 of the whole token is stored (and
recorded in the ledger, so that a replay can rebuild the key table): with 256 bits of
entropy a fast hash is enough, and nothing stored can be turned back into a token.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from registry import journal
from registry.auth.models import ApiKey
from registry.auth.principal import Principal, Role
from registry.core import clock
from registry.core.errors import Conflict, NotFound, Unauthorized, Unprocessable
from registry.ledger import service as ledger_service
from registry.ledger.service import NewEntry
from registry.organizations import service as organization_service
from registry.organizations.schemas import OrganizationKind

TOKEN_SCHEME = "reg"  # noqa: S105 - the token format's label, not a secret
PREFIX_BYTES = 6
SECRET_BYTES = 32
OVERSEER_KINDS = frozenset({OrganizationKind.NGO, OrganizationKind.OTHER})
"""Who may hold an overseer key: civil society (NGOs, public councils, associations)."""


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    token: str


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def create_key(
    session: Session,
    *,
    actor: str,
    role: Role,
    organization_id: str | None,
    label: str | None = None,
    expires_at: datetime | None = None,
) -> IssuedKey:
    ledger_service.lock(session)
    if role in (Role.FUNDER, Role.OVERSEER):
        if organization_id is None:
            raise Unprocessable.for_field(
                "organization_id", f"a {role.value} key acts for one organization"
            )
        organization = organization_service.get(session, organization_id)
        if role is Role.OVERSEER and organization.kind not in OVERSEER_KINDS:
            raise Unprocessable.for_field(
                "organization_id",
                f"{organization.org_id} is a {organization.kind}; an overseer key is for an NGO, "
                "a public council or an association (kind ngo or other)",
            )
        organization_id = organization.org_id
    elif organization_id is not None:
        raise Unprocessable.for_field("organization_id", "an admin key belongs to no organization")
    if expires_at is not None and expires_at <= clock.now():
        raise Unprocessable.for_field("expires_at", "must be in the future")
    prefix = secrets.token_hex(PREFIX_BYTES)
    token = f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    body = {
        "prefix": prefix,
        "role": role.value,
        "organization_id": organization_id,
        "label": label,
        "expires_at": expires_at.astimezone(UTC).isoformat() if expires_at else None,
        "token_sha256": _digest(token).hex(),
    }
    journal.record(
        session, [NewEntry(kind="api_key.created", subject=f"key:{prefix}", actor=actor, body=body)]
    )
    return IssuedKey(key=get(session, prefix), token=token)


def revoke_key(session: Session, *, actor: str, prefix: str, reason: str | None = None) -> ApiKey:
    ledger_service.lock(session)
    key = get(session, prefix)
    if key.revoked_at is not None:
        raise Conflict.for_field("prefix", "this key is already revoked")
    journal.record(
        session,
        [
            NewEntry(
                kind="api_key.revoked",
                subject=f"key:{prefix}",
                actor=actor,
                body={"prefix": prefix, "reason": reason},
            )
        ],
    )
    return get(session, prefix)


def get(session: Session, prefix: str) -> ApiKey:
    key = session.get(ApiKey, prefix)
    if key is None:
        raise NotFound.for_field("prefix", f"no API key {prefix}")
    return key


def authenticate(session: Session, token: str) -> Principal:
    """The principal a bearer token stands for; ``Unauthorized`` for anything else."""
    scheme, _, rest = token.partition("_")
    prefix, _, secret = rest.partition("_")
    key = session.get(ApiKey, prefix) if scheme == TOKEN_SCHEME and prefix and secret else None
    if key is None or not hmac.compare_digest(key.token_sha256, _digest(token)):
        raise Unauthorized("the API key is not valid")
    return _principal(key)


def principal_of_prefix(session: Session, prefix: str) -> Principal:
    """The principal of a key already checked once (a desk session names its key by prefix):
    ``Unauthorized`` if it has since been revoked or has expired."""
    key = session.get(ApiKey, prefix)
    if key is None:
        raise Unauthorized("the API key is not valid")
    return _principal(key)


def _principal(key: ApiKey) -> Principal:
    if key.revoked_at is not None:
        raise Unauthorized("the API key has been revoked")
    if key.expires_at is not None and key.expires_at <= clock.now():
        raise Unauthorized("the API key has expired")
    return Principal(
        role=Role(key.role), key_prefix=key.prefix, organization_id=key.organization_id
    )
