"""Response headers that make the portal's pages inert to hostile data and to framing.

The pages run no inline script or style and load nothing from other origins, so the
Content-Security-Policy can say exactly that. The API keeps its own responses (the interactive
documentation at ``/docs`` loads Swagger UI with an inline script), but every response gets
``nosniff`` and a referrer policy.
"""

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "form-action 'self'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)
COMMON_HEADERS: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)
NOT_PORTAL: Final = ("/api/", "/docs", "/redoc", "/openapi.json", "/tiles/")


def is_portal_path(path: str) -> bool:
    return not path.startswith(NOT_PORTAL)


def headers_for(path: str) -> list[tuple[bytes, bytes]]:
    """The headers every response to ``path`` carries."""
    headers = list(COMMON_HEADERS)
    if is_portal_path(path):
        headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
        headers.append((b"x-frame-options", b"DENY"))
    return headers


class SecurityHeaders:
    """A plain ASGI middleware (no buffering: downloads stream through it untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = headers_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in extra if name not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
