"""The most of a request body the registry reads: a 413 problem above it, before the body is
held in memory.

Every write reads its whole body before it is validated, and before its API key is checked
(FastAPI reads a body before it solves the dependencies), so without a bound anyone could make
the server hold a body as large as they care to send. ``BodyLimit`` is an ASGI middleware in
front of the whole application: a request whose ``Content-Length`` is over its limit is
refused where the application first reads it, without reading a byte of it; a body sent
without a length (chunked) is counted as it arrives, and the request that crosses the limit
is refused there, with nothing written. A batch (``POST /api/v1/batches``, up to 1,000
writes) has a limit of its own. The API answers a 413 problem, the portal (the desk's forms)
its error page.
"""

from collections.abc import Mapping
from typing import ClassVar, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry.core.errors import FieldError, RefusedBody, RegistryError

DEFAULT_MAX_BODY_BYTES: Final = 1024 * 1024
"""1 MiB: a write's ledger entry holds at most 65,535 bytes, and a body that fills it, sent
with every letter escaped (``\\u0416``, three times the bytes it records), is about 200 KB."""
DEFAULT_MAX_BATCH_BODY_BYTES: Final = 8 * 1024 * 1024
"""8 MiB: a batch of 1,000 writes of 8 KiB each on average (an award with its texts in two
languages is about 1 KiB). Reading a JSON body takes some 25 times its size in memory until
it is validated, and the body is read before its key is checked, so the limits are no larger
than a real write needs."""
MAX_LENGTH_DIGITS: Final = 18
_BODILESS: Final = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ContentTooLarge(RegistryError):
    status = 413
    title = "Content too large"
    slug = "content-too-large"
    # The rest of the body is never read: the server closes the connection after the answer
    # rather than read and discard whatever the client goes on sending.
    headers: ClassVar[dict[str, str]] = {"Connection": "close"}


def too_large(limit: int, path: str) -> ContentTooLarge:
    message = f"is larger than {limit:,} bytes, the most the registry reads of a body for {path}"
    return ContentTooLarge(f"body: {message}", errors=[FieldError(field="body", message=message)])


class BodyLimit:
    """Refuses (413) a request body over ``max_bytes``, or over the limit ``by_path`` gives
    its path (a batch's), without reading more of it than that."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int = DEFAULT_MAX_BODY_BYTES,
        by_path: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.by_path = dict(by_path or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _BODILESS:
            await self.app(scope, receive, send)
            return
        path = _route_path(scope)
        limit = self.by_path.get(path.rstrip("/") or "/", self.max_bytes)
        declared = _content_length(scope)
        received = 0

        async def counted() -> Message:
            # Raised where the body is read, before a byte of it is when its declared length
            # is over the limit: an HTTPException, the one kind FastAPI lets out of its body
            # reading, answered as the API's problem or, on the portal (the desk's forms),
            # as its error page.
            nonlocal received
            if declared is not None and declared > limit:
                raise RefusedBody(too_large(limit, path))
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise RefusedBody(too_large(limit, path))
            return message

        await self.app(scope, counted, send)


def _route_path(scope: Scope) -> str:
    """The path the application routes by: behind a proxy's prefix (``uvicorn --root-path``)
    the server puts the prefix before it, as Starlette's routing takes it off."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _content_length(scope: Scope) -> int | None:
    """The declared length; any length of more than 18 digits is over every limit (and is
    never given to ``int``, which refuses over 4,300 digits)."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit():
            return int(value) if len(value) <= MAX_LENGTH_DIGITS else 10**MAX_LENGTH_DIGITS
    return None
