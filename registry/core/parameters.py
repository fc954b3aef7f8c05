"""Checks every request's parameters share, before any route reads them.

A NUL character is valid in a URL (``%00``) and in a Python string, but PostgreSQL refuses it
in any text value, so a query or path parameter carrying one reached the database as a 500.
No identifier, code or search text of the registry contains one; it is refused up front, the
same on both databases, as a 400 naming the parameter.
"""

from fastapi import Request

from registry.core.errors import BadRequest, FieldError

NUL = "\x00"


def refuse_nul_characters(request: Request) -> None:
    """An app-wide dependency: a 400 naming every query or path parameter holding a NUL."""
    offending = [
        f"query.{name}" for name, value in request.query_params.multi_items() if NUL in value
    ]
    offending += [f"path.{name}" for name, value in request.path_params.items() if NUL in value]
    if offending:
        fields = list(dict.fromkeys(offending))
        raise BadRequest(
            "; ".join(f"{field}: contains a NUL character" for field in fields),
            errors=[
                FieldError(field=field, message="contains a NUL character") for field in fields
            ],
        )
