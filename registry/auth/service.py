"""API keys: issued and revoked through the ledger, checked on every write request.

A token is ``reg_<prefix>_<secret>``: the prefix names the key in logs and in the ledger, the
secret is 256 random bits shown once. Only SHA-256 of the whole token is stored (and
recorded in the ledger, so that a replay can rebuild the key table): with 256 bits of
entropy a fast hash is enough, and nothing stored can be turned back into a token.
"""

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import journal
from registry.auth.models import ApiKey
from registry.auth.principal import Principal, Role
from registry.core import clock
from registry.core.errors import Conflict, NotFound, Unauthorized, Unprocessable
from registry.ledger import service as ledger_service
from registry.ledger.service import NewEntry
from registry.organizations import service as organization_service
from registry.organizations.schemas import CIVIL_SOCIETY_KINDS, OrganizationKind

TOKEN_SCHEME = "reg"  # noqa: S105 - the token format's label, not a secret
PREFIX_BYTES = 6
SECRET_BYTES = 32
OVERSEER_KINDS = CIVIL_SOCIETY_KINDS
"""Who may hold an overseer key: civil society (NGOs, public councils, associations)."""
FUNDER_KINDS = frozenset(OrganizationKind) - {OrganizationKind.NGO}
"""Who may hold a funder key: whoever gives state money (state bodies, public funds, grant
operators, and other bodies the admin judges so); never an NGO, which receives it."""


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
                "organization_id", f"{role.key_with_article} acts for one organization"
            )
        organization = organization_service.get(session, organization_id, field="organization_id")
        if role is Role.OVERSEER and organization.kind not in OVERSEER_KINDS:
            raise Unprocessable.for_field(
                "organization_id",
                f"{organization.org_id} is a {organization.kind}; an overseer key is for an NGO, "
                "a public council or an association (kind ngo or other)",
            )
        if role is Role.FUNDER and organization.kind not in FUNDER_KINDS:
            raise Unprocessable.for_field(
                "organization_id",
                f"{organization.org_id} is an NGO; a funder key is for a body that gives state "
                "support (kind state_body, public_fund, grant_operator or other)",
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
        raise Conflict.for_field("path.prefix", "this key is already revoked")
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
    """The key with this prefix; ``NotFound`` naming the path parameter it comes in."""
    key = session.get(ApiKey, prefix)
    if key is None:
        raise NotFound.for_field("path.prefix", f"no API key {prefix}")
    return key


def authenticate(session: Session, token: str) -> Principal:
    """The principal a bearer token stands for; ``Unauthorized`` for anything else."""
    return _principal(_key_of(session, token))


def _key_of(session: Session, token: str) -> ApiKey:
    scheme, _, rest = token.partition("_")
    prefix, _, secret = rest.partition("_")
    key = session.get(ApiKey, prefix) if scheme == TOKEN_SCHEME and prefix and secret else None
    if key is None or not hmac.compare_digest(key.token_sha256, _digest(token)):
        raise Unauthorized("the API key is not valid")
    return key


def confirm(session: Session, principals: Iterable[Principal]) -> None:
    """Check again, in the write's own transaction, that the keys these principals were let
    in on are neither revoked nor expired: one query for all of them; ``Unauthorized`` for
    the first that is. A group-committed write is let in on ``CheckedKeys`` and confirmed
    in its batch, so no write is made with a key revoked before its transaction began."""
    wanted = list(principals)
    prefixes = {principal.key_prefix for principal in wanted}
    rows = session.execute(
        select(ApiKey.prefix, ApiKey.revoked_at, ApiKey.expires_at).where(
            ApiKey.prefix.in_(prefixes)
        )
    )
    found = {prefix: (revoked_at, expires_at) for prefix, revoked_at, expires_at in rows}
    now = clock.now()
    for principal in wanted:
        if principal.key_prefix not in found:
            raise Unauthorized("the API key is not valid")
        revoked_at, expires_at = found[principal.key_prefix]
        _refuse_if_lapsed(revoked_at, expires_at, now)


def _refuse_if_lapsed(
    revoked_at: datetime | None, expires_at: datetime | None, now: datetime
) -> None:
    if revoked_at is not None:
        raise Unauthorized("the API key has been revoked")
    if expires_at is not None and expires_at <= now:
        raise Unauthorized("the API key has expired")


@dataclass(frozen=True)
class _Checked:
    principal: Principal
    expires_at: datetime | None
    until: float
    """``time.monotonic()`` after which the key is checked in the database again."""


class CheckedKeys:
    """The keys this process has found valid in the last ``seconds``, by their token's
    SHA-256 (never the token): a group-committed write is let in on one of them without a
    database round trip of its own, so a bad key is still refused before its body is validated.

    Only valid keys are remembered (at most ``size``, the least recently used forgotten
    first), so no caller can fill it with guesses. A key revoked meanwhile, here or in
    another process, writes nothing: the write's batch ``confirm``s every key in its own
    transaction. What the memory changes is only the order of refusals: for up to
    ``seconds`` after a revocation made elsewhere (until the key's next write is refused),
    a revoked key's request with an invalid body gets its 422 before its 401. A key
    ``forget``-ten is not remembered again for ``seconds`` (of the last ``size`` forgotten),
    so a check that read it just before its revocation committed cannot bring it back.
    """

    def __init__(self, *, seconds: float = 60.0, size: int = 1024) -> None:
        self._seconds = seconds
        self._size = size
        self._lock = threading.Lock()
        self._checked: OrderedDict[bytes, _Checked] = OrderedDict()
        self._forgotten: OrderedDict[str, float] = OrderedDict()

    def get(self, token: str) -> Principal | None:
        """The principal of a key checked lately and not expired since, else ``None``."""
        digest = _digest(token)
        with self._lock:
            checked = self._checked.get(digest)
            if checked is None:
                return None
            lapsed = checked.expires_at is not None and checked.expires_at <= clock.now()
            if lapsed or checked.until <= time.monotonic():
                del self._checked[digest]
                return None
            self._checked.move_to_end(digest)
            return checked.principal

    def check(self, session: Session, token: str) -> Principal:
        """``authenticate``, remembering the key if it is valid (and not lately forgotten)."""
        key = _key_of(session, token)
        principal = _principal(key)
        now = time.monotonic()
        digest = _digest(token)
        with self._lock:
            self._drop_old_forgotten(now)
            if key.prefix not in self._forgotten:
                self._checked[digest] = _Checked(principal, key.expires_at, now + self._seconds)
                self._checked.move_to_end(digest)
                while len(self._checked) > self._size:
                    self._checked.popitem(last=False)
        return principal

    def forget(self, prefix: str) -> None:
        """Forget a key (revoked, or refused by a batch), and remember none under its prefix
        for ``seconds``."""
        now = time.monotonic()
        with self._lock:
            for digest in [d for d, c in self._checked.items() if c.principal.key_prefix == prefix]:
                del self._checked[digest]
            self._drop_old_forgotten(now)
            self._forgotten[prefix] = now + self._seconds
            self._forgotten.move_to_end(prefix)
            while len(self._forgotten) > self._size:
                self._forgotten.popitem(last=False)

    def _drop_old_forgotten(self, now: float) -> None:
        while self._forgotten and next(iter(self._forgotten.values())) <= now:
            self._forgotten.popitem(last=False)


def principal_of_prefix(session: Session, prefix: str) -> Principal:
    """The principal of a key already checked once (a desk session names its key by prefix):
    ``Unauthorized`` if it has since been revoked or has expired."""
    key = session.get(ApiKey, prefix)
    if key is None:
        raise Unauthorized("the API key is not valid")
    return _principal(key)


def _principal(key: ApiKey) -> Principal:
    _refuse_if_lapsed(key.revoked_at, key.expires_at, clock.now())
    return Principal(
        role=Role(key.role), key_prefix=key.prefix, organization_id=key.organization_id
    )
