"""Desk sessions: an organization signs in once with its API key and then uses forms.

The key itself is never kept: signing in checks it, then the server opens a session that names
the key by its prefix (so a revoked or expired key ends every session at once) and gives the
browser a random session token in a cookie. The cookie is signed (HMAC-SHA256 with a key
derived from the log's signing key, as list cursors are), HttpOnly, SameSite=Strict, Secure,
and scoped to ``/desk``. The server stores only the token's SHA-256, so a copy of the database
opens no session. A session ends on sign-out, after ``idle_minutes`` without a request, and
after ``MAX_HOURS`` at most.

Every form carries the session's CSRF token (a synchronizer token, compared in constant time),
and a POST whose ``Origin`` is another site is refused before anything else. The sign-in form,
which has no session yet, pairs a signed nonce in a short-lived cookie with the same nonce in
the form (double submit).

Sessions are operational state, like idempotency records: not registry data, not in the ledger.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Request, Response
from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from registry.auth import service as auth_service
from registry.auth.principal import Principal
from registry.core import clock
from registry.core.db import Base
from registry.core.errors import Unauthorized

COOKIE: Final = "desk_session"
LOGIN_COOKIE: Final = "desk_login"
COOKIE_PATH: Final = "/desk"
KEY_INFO: Final = b"registry/desk session HMAC-SHA256 v1"
TOKEN_BYTES: Final = 32
MAX_HOURS: Final = 8
LOGIN_MINUTES: Final = 30


class DeskSession(Base):
    __tablename__ = "desk_sessions"

    token_sha256: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    key_prefix: Mapped[str] = mapped_column(String(16), ForeignKey("api_keys.prefix"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


@dataclass(frozen=True)
class Signer:
    """Signs and checks the desk's cookie values."""

    key: bytes

    @classmethod
    def from_signing_key(cls, private_key: Ed25519PrivateKey) -> "Signer":
        seed = private_key.private_bytes(
            encoding=serialization.Encoding.Raw,
            format=serialization.PrivateFormat.Raw,
            encryption_algorithm=serialization.NoEncryption(),
        )
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO)
        return cls(key=hkdf.derive(seed))

    def _tag(self, purpose: str, value: str) -> str:
        message = f"{purpose}\n{value}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def sign(self, purpose: str, value: str) -> str:
        return f"{value}.{self._tag(purpose, value)}"

    def unsign(self, purpose: str, signed: str | None) -> str | None:
        """The value, if ``signed`` is one this server signed for ``purpose``; else None."""
        if not signed:
            return None
        value, _, tag = signed.rpartition(".")
        if not value or not hmac.compare_digest(tag, self._tag(purpose, value)):
            return None
        return value


@dataclass(frozen=True)
class Current:
    """A live session: who is signed in, and the CSRF token its forms must carry."""

    principal: Principal
    csrf: str
    row: DeskSession


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def signer(request: Request) -> Signer:
    found: Signer = request.app.state.desk_signer
    return found


def idle_limit(request: Request) -> timedelta:
    return timedelta(minutes=request.app.state.settings.desk_idle_minutes)


def open_session(session: Session, request: Request, response: Response, token: str) -> Principal:
    """Check an API key and open a session for it; ``Unauthorized`` if the key is not good."""
    principal = auth_service.authenticate(session, token)
    if principal.organization_id is None:
        raise Unauthorized("the desk is for an organization's key (a funder's or an overseer's)")
    session_token = secrets.token_urlsafe(TOKEN_BYTES)
    now = clock.now()
    session.add(
        DeskSession(
            token_sha256=_digest(session_token),
            key_prefix=principal.key_prefix,
            csrf=secrets.token_hex(32),
            created_at=now,
            last_seen_at=now,
            ended_at=None,
        )
    )
    set_cookie(request, response, COOKIE, signer(request).sign(COOKIE, session_token))
    response.delete_cookie(LOGIN_COOKIE, path=COOKIE_PATH)
    return principal


def current(session: Session, request: Request) -> Current | None:
    """The request's live session, its idle clock restarted; None if there is none (no cookie,
    a forged one, signed out, idle too long, too old, or its key revoked or expired)."""
    token = signer(request).unsign(COOKIE, request.cookies.get(COOKIE))
    if token is None:
        return None
    row = session.get(DeskSession, _digest(token))
    now = clock.now()
    if (
        row is None
        or row.ended_at is not None
        or now - row.last_seen_at > idle_limit(request)
        or now - row.created_at > timedelta(hours=MAX_HOURS)
    ):
        return None
    try:
        principal = auth_service.principal_of_prefix(session, row.key_prefix)
    except Unauthorized:
        return None
    row.last_seen_at = now
    return Current(principal=principal, csrf=row.csrf, row=row)


def close(session: Session, found: Current, response: Response) -> None:
    found.row.ended_at = clock.now()
    session.flush()
    response.delete_cookie(COOKIE, path=COOKIE_PATH)


def login_nonce(request: Request) -> str:
    """The sign-in form's CSRF value: the one the browser's login cookie holds, or a new one
    (``set_login_cookie`` pairs it with the cookie)."""
    existing = signer(request).unsign(LOGIN_COOKIE, request.cookies.get(LOGIN_COOKIE))
    return existing or secrets.token_hex(16)


def set_login_cookie(request: Request, response: Response, nonce: str) -> None:
    signed = signer(request).sign(LOGIN_COOKIE, nonce)
    set_cookie(request, response, LOGIN_COOKIE, signed, max_age=LOGIN_MINUTES * 60)


def login_nonce_matches(request: Request, submitted: str | None) -> bool:
    nonce = signer(request).unsign(LOGIN_COOKIE, request.cookies.get(LOGIN_COOKIE))
    return bool(nonce and submitted) and hmac.compare_digest(nonce or "", submitted or "")


def csrf_matches(found: Current, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(found.csrf, submitted or "")


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site (``Origin`` or
    ``Sec-Fetch-Site``); a request that says nothing (an old browser, a test) passes to the
    CSRF token check."""
    if request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return False
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"


def set_cookie(
    request: Request, response: Response, name: str, value: str, *, max_age: int | None = None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        secure=secure_cookies(request),
        httponly=True,
        samesite="strict",
    )


def secure_cookies(request: Request) -> bool:
    """Secure everywhere but plain HTTP to this machine (``make run`` on 127.0.0.1), where no
    one else can see the cookie and some browsers drop a Secure cookie sent over HTTP."""
    host = request.url.hostname or ""
    loopback = host in ("localhost", "127.0.0.1", "::1")
    return request.url.scheme == "https" or not loopback
