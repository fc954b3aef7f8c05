"""HEAD on every GET route: the GET's status and headers, without its body.

RFC 9110 §9.3.2: "The HEAD method is identical to GET except that the server MUST NOT send
content in the response", and §9.1: "All general-purpose servers MUST support the methods GET
and HEAD". FastAPI routes answer only the methods they declare, so a HEAD was a 405 on every
page and every API route. ``HeadAsGet`` is an ASGI middleware in front of the application: a
HEAD request is routed and answered as the GET of the same address (its checks, its 400s and
404s, its headers: ``Content-Type``, ``Content-Length``, a download's
``Content-Disposition``), and only the status and headers are sent.

A download streams its body after its headers. Its HEAD is answered as soon as the first
chunk comes (the client has all it asked for then): the response is complete, so the server
tells the application that the exchange is over (``http.disconnect``), Starlette stops the
stream, and ``ClosingStreamingResponse`` gives its snapshot's connection back to the
downloads' pool, as for a cancelled download: a HEAD costs a download's first chunk.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        finished = False

        async def headers_only(message: Message) -> None:
            nonlocal finished
            if message["type"] != "http.response.body":
                await send(message)
            elif not finished:
                finished = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, headers_only)
