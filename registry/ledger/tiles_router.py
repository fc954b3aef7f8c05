"""The log as C2SP tlog-tiles under ``/tiles/``: the files ``registry tiles export`` writes.

The paths and their meaning are the spec's (``shared/standards/c2sp/tlog-tiles.md``), not this
API's, so they sit outside ``/api/v1`` and outside the OpenAPI document; the README describes
them. Every response is computed from the database for the latest signed checkpoint only.

Caching follows the spec: full tiles and entry bundles never change, so caches may keep them
for a year; the checkpoint changes, so it is cached for seconds. A partial tile's bytes never
change either, but it may be deleted once its full tile exists, so it is cached briefly.
"""

import gzip
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import Response

from registry.core.db import SessionDep
from registry.core.errors import NotFound
from registry.ledger import tile_service, tiles

IMMUTABLE: Final = "public, max-age=31536000, immutable"
"""Full tiles and full entry bundles: tlog-tiles says "caching headers SHOULD be long-lived"."""

CHECKPOINT_CACHE: Final = "public, max-age=5"
"""The checkpoint: "its headers SHOULD prevent caching beyond a few seconds"."""

PARTIAL_CACHE: Final = "public, max-age=60"
"""Partial tiles and bundles: superseded within minutes on a busy log, then deletable."""

OCTET_STREAM: Final = "application/octet-stream"
CHECKPOINT_MEDIA_TYPE: Final = "text/plain; charset=utf-8"


# Outside the portal (registry.web.security.NOT_PORTAL): errors are problem+json, not pages.
router = APIRouter(prefix="/tiles", tags=["tiles"], include_in_schema=False)


@router.api_route(
    "/checkpoint", methods=["GET", "HEAD"], summary="The latest signed checkpoint (tlog-tiles)"
)
def get_checkpoint(session: SessionDep) -> Response:
    note = tile_service.checkpoint(session).note
    return Response(
        note.encode("utf-8"),
        media_type=CHECKPOINT_MEDIA_TYPE,
        headers={"Cache-Control": CHECKPOINT_CACHE},
    )


@router.api_route(
    "/{path:path}", methods=["GET", "HEAD"], summary="A hash tile or an entry bundle (tlog-tiles)"
)
def get_tile(session: SessionDep, request: Request, path: str) -> Response:
    try:
        tile = tiles.parse_path(path)
    except ValueError as exc:
        raise NotFound.for_field("path.path", str(exc)) from exc
    tree_size = tile_service.tree_size(session)
    try:
        data = tile_service.read(session, tile, tree_size=tree_size)
    except NotFound as exc:  # beyond the latest checkpoint: the path names what is not there
        raise NotFound.for_field("path.path", exc.detail) from exc
    headers = {"Cache-Control": IMMUTABLE if tile.is_full else PARTIAL_CACHE}
    if isinstance(tile, tiles.EntryBundle):
        # tlog-tiles: "Entry bundles SHOULD be compressed at the HTTP layer."
        headers["Vary"] = "Accept-Encoding"
        if _accepts_gzip(request.headers.get("accept-encoding", "")):
            data = gzip.compress(data, mtime=0)
            headers["Content-Encoding"] = "gzip"
    return Response(data, media_type=OCTET_STREAM, headers=headers)


def _accepts_gzip(accept_encoding: str) -> bool:
    """Whether ``Accept-Encoding`` (RFC 9110 §12.5.3) allows gzip: listed, or ``*``, without
    ``q=0``."""
    allowed: dict[str, bool] = {}
    for item in accept_encoding.split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        refused = any(
            name.strip().lower() == "q" and _is_zero(value)
            for name, _, value in (parameter.partition("=") for parameter in parameters)
        )
        if coding:
            allowed[coding.lower()] = not refused
    return allowed.get("gzip", allowed.get("x-gzip", allowed.get("*", False)))


def _is_zero(quality: str) -> bool:
    stripped = quality.strip()
    return stripped.startswith("0") and stripped.strip("0.") == ""
