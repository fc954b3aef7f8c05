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
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Request, Response
from sqlalchemy import ForeignKey, LargeBinary, String, delete, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from registry.auth import service as auth_service
from registry.auth.principal import Principal
from registry.core import clock
from registry.core.db import Base
from registry.core.errors import Unauthorized
from registry.ledger.keys import derive_secret

COOKIE: Final = "desk_session"
LOGIN_COOKIE: Final = "desk_login"
COOKIE_PATH: Final = "/desk"
HOST_PREFIX: Final = "__Host-"
"""Over HTTPS the cookies are named ``__Host-…``: a browser then takes them only from this
very host, Secure, for the whole site (``Path=/``), so a sibling subdomain or a man in the
middle on plain HTTP cannot plant a session of its own (cookie tossing)."""
KEY_INFO: Final = b"registry/desk session HMAC-SHA256 v1"
TOKEN_BYTES: Final = 32
MAX_HOURS: Final = 8
LOGIN_MINUTES: Final = 30
TOUCH_EVERY: Final = timedelta(minutes=1)


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
        return cls(key=derive_secret(private_key, KEY_INFO))

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
        if not value or not _equal(tag, self._tag(purpose, value)):
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


def open_session(session: Session, request: Request, response: Response, token: str) -> Current:
    """Check an API key and open a session for it, its cookie set on ``response``; the new
    session (its own CSRF token); ``Unauthorized`` if the key is not good."""
    principal = auth_service.authenticate(session, token)
    forget_old(session, request)
    if principal.organization_id is None:
        raise Unauthorized("the desk is for an organization's key (a funder's or an overseer's)")
    session_token = secrets.token_urlsafe(TOKEN_BYTES)
    now = clock.now()
    row = DeskSession(
        token_sha256=_digest(session_token),
        key_prefix=principal.key_prefix,
        csrf=secrets.token_hex(32),
        created_at=now,
        last_seen_at=now,
        ended_at=None,
    )
    session.add(row)
    set_cookie(request, response, COOKIE, signer(request).sign(COOKIE, session_token))
    name, path = cookie_name(request, LOGIN_COOKIE)
    response.delete_cookie(name, path=path, secure=path == "/")
    return Current(principal=principal, csrf=row.csrf, row=row)


def current(session: Session, request: Request) -> Current | None:
    """The request's live session, its idle clock restarted (to the minute); None if there is
    none (no cookie, a forged one, signed out, idle too long, too old, or its key revoked or
    expired)."""
    token = signer(request).unsign(COOKIE, request.cookies.get(cookie_name(request, COOKIE)[0]))
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
    if now - row.last_seen_at >= TOUCH_EVERY:
        _touch(request, row.token_sha256, now)
    return Current(principal=principal, csrf=row.csrf, row=row)


def _touch(request: Request, token_sha256: bytes, now: datetime) -> None:
    """Restart a session's idle clock, in a short write of its own: pages read, and only one
    request a minute per session writes."""
    with request.app.state.database.session(write=True) as session:
        session.execute(
            update(DeskSession)
            .where(DeskSession.token_sha256 == token_sha256)
            .values(last_seen_at=now)
        )


def forget_old(session: Session, request: Request) -> None:
    """Delete sessions that can no longer be used (ended, idle too long, too old)."""
    now = clock.now()
    session.execute(
        delete(DeskSession).where(
            (DeskSession.ended_at.is_not(None))
            | (DeskSession.last_seen_at < now - idle_limit(request))
            | (DeskSession.created_at < now - timedelta(hours=MAX_HOURS))
        )
    )


def close(session: Session, request: Request, found: Current, response: Response) -> None:
    found.row.ended_at = clock.now()
    session.flush()
    name, path = cookie_name(request, COOKIE)
    response.delete_cookie(name, path=path, secure=path == "/", httponly=True)


def login_nonce(request: Request) -> str:
    """The sign-in form's CSRF value: the one the browser's login cookie holds, or a new one
    (``set_login_cookie`` pairs it with the cookie)."""
    sent = request.cookies.get(cookie_name(request, LOGIN_COOKIE)[0])
    existing = signer(request).unsign(LOGIN_COOKIE, sent)
    return existing or secrets.token_hex(16)


def set_login_cookie(request: Request, response: Response, nonce: str) -> None:
    signed = signer(request).sign(LOGIN_COOKIE, nonce)
    set_cookie(request, response, LOGIN_COOKIE, signed, max_age=LOGIN_MINUTES * 60)


def login_nonce_matches(request: Request, submitted: str | None) -> bool:
    sent = request.cookies.get(cookie_name(request, LOGIN_COOKIE)[0])
    nonce = signer(request).unsign(LOGIN_COOKIE, sent)
    return bool(nonce and submitted) and _equal(nonce or "", submitted or "")


def csrf_matches(found: Current, submitted: str | None) -> bool:
    return bool(submitted) and _equal(found.csrf, submitted or "")


def _equal(expected: str, given: str) -> bool:
    """Constant-time equality of any two texts (``compare_digest`` refuses non-ASCII str)."""
    return hmac.compare_digest(expected.encode(), given.encode())


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site (``Origin`` or
    ``Sec-Fetch-Site``); a request that says nothing (an old browser, a test) passes to the
    CSRF token check. The registry's own origin is the one the request was made to, or the
    one ``REGISTRY_PUBLIC_URL`` names (behind a proxy that rewrites the Host header)."""
    if request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    own = {f"{request.url.scheme}://{request.url.netloc}", _public_origin(request)}
    return origin in own


def from_own_page(request: Request) -> bool:
    """True only when the browser says the request comes from the registry's own pages:
    ``Sec-Fetch-Site: same-origin``, or an ``Origin`` that is the registry's. A request that
    says neither is not vouched for: what it carries is not shown back as the official's."""
    if not same_origin(request):
        return False
    if request.headers.get("sec-fetch-site") == "same-origin":
        return True
    return request.headers.get("origin") is not None  # same_origin: it is the registry's


def _public_origin(request: Request) -> str:
    public = urlsplit(request.app.state.settings.public_url)
    return f"{public.scheme}://{public.netloc}"


def cookie_name(request: Request, purpose: str) -> tuple[str, str]:
    """The name and path a desk cookie has on this request: ``__Host-<purpose>`` on ``/``
    when cookies are Secure, ``<purpose>`` on ``/desk`` on plain HTTP to this machine."""
    if secure_cookies(request):
        return HOST_PREFIX + purpose, "/"
    return purpose, COOKIE_PATH


def set_cookie(
    request: Request, response: Response, purpose: str, value: str, *, max_age: int | None = None
) -> None:
    name, path = cookie_name(request, purpose)
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        secure=secure_cookies(request),
        httponly=True,
        samesite="strict",
    )


def secure_cookies(request: Request) -> bool:
    """Secure everywhere but plain HTTP to this machine (``make run`` on 127.0.0.1 or
    localhost) when ``REGISTRY_PUBLIC_URL`` is not HTTPS: no one else can see the cookie
    there, and some browsers drop a Secure cookie sent over HTTP."""
    host = request.url.hostname or ""
    loopback = host in ("localhost", "127.0.0.1", "::1")
    public_https = _public_origin(request).startswith("https:")
    return request.url.scheme == "https" or public_https or not loopback
