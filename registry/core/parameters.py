"""Checks every request's parameters share, before any route reads them.

A NUL character is valid in a URL (``%00``) and in a Python string, but PostgreSQL refuses it
in any text value, so a query or path parameter carrying one reached the database as a 500.
No identifier, code or search text of the registry contains one; it is refused up front, the
same on both databases, as a 400 naming the parameter.
"""

import enum
from typing import TypeVar

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from registry.core.errors import BadRequest, FieldError

NUL = "\x00"
E = TypeVar("E", bound=enum.Enum)


async def refuse_nul_characters(request: Request) -> None:
    """An app-wide dependency: a 400 naming every query or path parameter holding a NUL. (A
    coroutine because it only reads the request: FastAPI would run a plain function in a
    thread, a hop for every request.)"""
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


def _query_names(dependant: Dependant) -> frozenset[str]:
    names = {parameter.alias for parameter in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return frozenset(names)


_known: dict[tuple[str, frozenset[str]], frozenset[str]] = {}


def _route_query_names(route: APIRoute) -> frozenset[str]:
    """A route's query parameters, its dependencies' included: read once per route (keyed by
    path and methods, as routes are not hashable; every app mounts the same routers)."""
    key = (route.path, frozenset(route.methods or ()))
    if key not in _known:
        _known[key] = _query_names(route.dependant)
    return _known[key]


async def refuse_unknown_parameters(request: Request) -> None:
    """A route dependency: a 400 naming each query parameter the route does not take, with the
    ones it does, so that a misspelt filter (``stauts=overdue``) is never silently ignored.
    (A coroutine, as ``refuse_nul_characters`` is.)"""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _route_query_names(route)
    # An empty name (``?=x``, ``?&``) is noise a client's URL builder left, not a filter.
    unknown = [name for name in dict.fromkeys(request.query_params) if name and name not in known]
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        message = f"not a parameter of this endpoint; it takes {allowed}"
        raise BadRequest(
            "; ".join(f"query.{name}: {message}" for name in unknown),
            errors=[FieldError(field=f"query.{name}", message=message) for name in unknown],
        )


def enum_values(raw: list[str] | None, kind: type[E], field: str) -> tuple[E, ...]:
    """A list parameter's values (repeated or comma-separated) as members of ``kind``; a 400
    naming the parameter and the allowed values for anything else."""
    values = tuple(part.strip() for value in raw or () for part in value.split(",") if part.strip())
    try:
        return tuple(kind(value) for value in values)
    except ValueError as exc:
        allowed = ", ".join(str(member.value) for member in kind)
        raise BadRequest.for_field(f"query.{field}", f"{exc}; one of {allowed}") from exc
