"""How the registry's HTTP servers run uvicorn: the API and portal (``registry serve``), the
witness (``registry witness serve``), the benchmarks and the tests' live servers alike.

uvicorn parses HTTP with h11 here, never httptools (which it would pick when installed): h11
caps a request's line and headers at 16 KiB and answers a larger head with a 400, while
uvicorn's httptools protocol buffers a header of any length (a reviewer's one connection
sending a 200 MiB header grew the server by 264 MB, with no answer). The body is bounded by
``registry.core.body_limit``. The event loop is uvloop when installed (a dependency: less CPU
per request than asyncio's own loop; ``registry bench awards``).
"""

from typing import Any, Final

import uvicorn

HTTP: Final = "h11"
LOOP: Final = "auto"


def config(app: Any, *, host: str, port: int, **options: Any) -> uvicorn.Config:
    """A uvicorn configuration for ``app`` (an application or its import string)."""
    return uvicorn.Config(app, host=host, port=port, http=HTTP, loop=LOOP, **options)


def run(
    app: Any, *, host: str, port: int, workers: int = 1, forwarded_allow_ips: str | None = None
) -> None:
    """Serve ``app``; behind a reverse proxy, ``forwarded_allow_ips`` names the proxies whose
    ``X-Forwarded-*`` headers are believed (uvicorn's default: 127.0.0.1)."""
    uvicorn.run(
        app,
        host=host,
        port=port,
        workers=workers,
        http=HTTP,
        loop=LOOP,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
    )


def command_line_options() -> list[str]:
    """The same choices as ``uvicorn`` command-line options (for a server run as a process)."""
    return ["--http", HTTP, "--loop", LOOP]
