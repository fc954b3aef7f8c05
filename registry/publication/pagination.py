"""Keyset pagination: an opaque, signed cursor naming the last row's sort key and id.

Page 10,000 costs what page 1 costs: the next page starts with ``(key, id) > (last key, last
id)`` on an index, never with OFFSET.

A cursor is ``<payload>.<tag>``: the payload is base64url JSON of the position, and the tag is
an HMAC-SHA256 (RFC 2104), truncated to 128 bits, over the payload and the cursor's *scope*
(the list and sort order that issued it). So a client cannot forge a position (the values that
reach SQL are ones this server wrote), and a cursor from another list or sort order is refused
rather than silently starting somewhere meaningless. The HMAC key is derived with HKDF
(RFC 5869) from the log's signing key, which the server already keeps secret: nothing new to
configure, and cursors stay valid across restarts and between workers. Replacing the signing
key invalidates outstanding cursors (a 400; the client starts again from the first page).
"""

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from typing import Annotated, Any, Self

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Depends, Request

from registry.core.errors import BadRequest
from registry.ledger.keys import derive_secret

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
MAX_CURSOR_LENGTH = 500  # the ``cursor`` query parameter's bound; issued cursors are far shorter

CURSOR_KEY_INFO = b"registry/publication cursor HMAC-SHA256 v1"  # HKDF "info": domain separation
CURSOR_KEY_BYTES = 32
TAG_BYTES = 16
TAG_SEPARATOR = "."
NOT_ISSUED = "not a cursor this API issued for this list and sort order"


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64decode(text: str) -> bytes:
    """Strict base64url without padding; ValueError on anything else."""
    if not text.isascii():
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class CursorCodec:
    """Signs and checks cursors with one secret key."""

    key: bytes = field(repr=False)

    @classmethod
    def from_signing_key(cls, private_key: Ed25519PrivateKey) -> Self:
        """The cursor key for a log: HKDF-SHA256 of its Ed25519 seed, labelled for cursors, so
        it reveals nothing about the signing key and is never used for anything else."""
        return cls(key=derive_secret(private_key, CURSOR_KEY_INFO))

    @classmethod
    def ephemeral(cls) -> Self:
        """A random key: its cursors no other codec accepts (a stranger's, in tests)."""
        return cls(key=secrets.token_bytes(CURSOR_KEY_BYTES))

    def _tag(self, scope: str, payload: str) -> bytes:
        message = scope.encode() + b"\n" + payload.encode()
        return hmac.new(self.key, message, hashlib.sha256).digest()[:TAG_BYTES]

    def encode(self, values: list[Any], *, scope: str) -> str:
        payload = _b64encode(json.dumps(values, separators=(",", ":")).encode())
        return f"{payload}{TAG_SEPARATOR}{_b64encode(self._tag(scope, payload))}"

    def decode(self, cursor: str, *, scope: str, length: int) -> list[Any]:
        """The values of a cursor this codec issued for ``scope``; a 400 naming
        ``query.cursor`` for anything else (tampered, truncated, another list's)."""
        payload, _, tag = cursor.partition(TAG_SEPARATOR)
        try:
            valid = hmac.compare_digest(_b64decode(tag), self._tag(scope, payload))
            values = json.loads(_b64decode(payload)) if valid else None
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise BadRequest.for_field("query.cursor", NOT_ISSUED) from exc
        if not isinstance(values, list) or len(values) != length:
            raise BadRequest.for_field("query.cursor", NOT_ISSUED)
        return values


def cursor_codec(request: Request) -> CursorCodec:
    codec: CursorCodec = request.app.state.cursors
    return codec


CursorsDep = Annotated[CursorCodec, Depends(cursor_codec)]


def next_url(request: Request, cursor: str | None) -> str | None:
    """The full URL of the next page: the same query with the new cursor."""
    if cursor is None:
        return None
    return str(request.url.include_query_params(cursor=cursor))
