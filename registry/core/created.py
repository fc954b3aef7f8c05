"""A 201 answer names what it created: a ``Location`` header with the new record's URL (RFC 9110
§15.3.2, §10.2.2), so a client follows it instead of building the URL from the body.

The header is made from the body, the same on a first answer and on an idempotent retry's
stored one (which keeps the body, not the headers). Only what has a URL of its own gets one:
an award, a competition, an organization, an oversight conclusion. An event's answer is its
award, competition or conclusion as it is now, not a new record; its ledger entry's URL is in
the body (``events[].proof``).
"""

import json
from http import HTTPStatus
from typing import Any

from fastapi import Request, Response

from registry.core.errors import problem_responses

LOCATION = "Location"


def located(
    request: Request, response: Response, route: str, *, param: str, member: str
) -> Response:
    """``response`` with the ``Location`` of the record its body describes, when it is a 201:
    ``route`` is the name of the GET route that reads it, ``param`` that route's path
    parameter, ``member`` the body's member holding its value."""
    if response.status_code == HTTPStatus.CREATED:
        created = json.loads(bytes(response.body))[member]
        response.headers[LOCATION] = str(request.url_for(route, **{param: created}))
    return response


def created_responses(*problems: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route that creates a record: its 201 with the ``Location`` header,
    and its problem+json errors."""
    return {
        HTTPStatus.CREATED.value: {
            "description": "Created: the new record, whose URL is in `Location`.",
            "headers": {
                LOCATION: {
                    "description": "The URL of the record created (the GET that reads it).",
                    "schema": {"type": "string", "format": "uri"},
                }
            },
        },
        **problem_responses(*problems),
    }
