"""Keyset pagination: an opaque cursor naming the last row's sort key and id.

Page 10,000 costs what page 1 costs: the next page starts with ``(key, id) > (last key, last
id)`` on an index, never with OFFSET.
"""

import base64
import json
from typing import Any

from fastapi import Request

from registry.core.errors import BadRequest

MAX_LIMIT = 500
DEFAULT_LIMIT = 100


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, length: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest.for_field("query.cursor", "not a cursor this API issued") from exc
    if not isinstance(values, list) or len(values) != length:
        raise BadRequest.for_field("query.cursor", "not a cursor this API issued")
    return values


def next_url(request: Request, cursor: str | None) -> str | None:
    """The full URL of the next page: the same query with the new cursor."""
    if cursor is None:
        return None
    return str(request.url.include_query_params(cursor=cursor))
