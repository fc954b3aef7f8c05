"""Static files under ``/static/<version>/…``: the version is a hash of the whole tree, so every
URL changes when any file does, and files are cached for a year.

The version is in the path rather than a query string so that ES modules importing each other
by relative paths (``./rfc6962.js``) are versioned too. A request with an old version is still
answered (a page rendered before a deploy keeps working) but not cached.
"""

import hashlib
from functools import cache
from pathlib import Path
from typing import Final

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR: Final = Path(__file__).parent / "static"
IMMUTABLE: Final = "public, max-age=31536000, immutable"
REVALIDATE: Final = "no-cache"


@cache
def version() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STATIC_DIR).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def static_url(path: str) -> str:
    return f"/static/{version()}/{path.lstrip('/')}"


class VersionedStaticFiles(StaticFiles):
    """Starlette's static files (safe paths, ETags, ranges) with the version segment dropped."""

    def get_path(self, scope: Scope) -> str:
        path = super().get_path(scope)
        _, _, rest = path.partition("/")
        return rest

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        requested_version = super().get_path(scope).partition("/")[0]
        current = requested_version == version()
        response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
        return response
