"""Streamed downloads that let go of what they hold as soon as their response ends.

A download's body is a generator that holds a database session on the downloads' small pool
(``Database.snapshot``) for as long as it streams. Starlette's ``StreamingResponse`` stops
iterating a body whose client has gone, but never closes it: the generator, and so its
connection, was let go only when the garbage collector reached it, which in a quiet server
took minutes, so four cancelled downloads left every download a 503 for that long.
``ClosingStreamingResponse`` closes its body when the response ends, whether it was sent,
failed or was abandoned by the client.
"""

from collections.abc import Iterator
from typing import Any

import anyio
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send


class ClosingStreamingResponse(StreamingResponse):
    """A ``StreamingResponse`` of a synchronous generator, closed (on a worker thread, as its
    chunks are read) once the response is over, however it ended. ``holds``: the generator
    that holds the download's snapshot, when ``content`` wraps it; it is closed too, for a
    response can end before ``content`` has begun (a client gone while the endpoint ran),
    and closing a generator that has not begun runs none of its code."""

    def __init__(
        self, content: Iterator[Any], *, holds: Iterator[Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(content, **kwargs)
        self._sources = [content] if holds is None else [content, holds]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Shielded: a cancelled request (the client gone) still closes its body. No worker
            # thread runs the generator by now: Starlette's reads of it are not abandoned on
            # cancellation, they are waited for.
            with anyio.CancelScope(shield=True):
                for source in self._sources:
                    await anyio.to_thread.run_sync(_close, source)


def _close(source: Iterator[Any]) -> None:
    close = getattr(source, "close", None)
    if close is not None:
        close()
