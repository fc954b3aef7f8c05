"""Checks every request's parameters share, before any route reads them.

A NUL character is valid in a URL (``%00``) and in a Python string, but PostgreSQL refuses it
in any text value, so a query or path parameter carrying one reached the database as a 500.
No identifier, code or search text of the registry contains one; it is refused up front, the
same on both databases, as a 400 naming the parameter.

A parameter's own check is a pydantic validator on its type (``each``, ``member_of``), and a
check of two parameters together (a range: ``refuse_reversed``) is the validator of a query
model holding both, so that FastAPI reports every bad parameter of a request in one 400, never
the first group only.
"""

import enum
import types
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, Union, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import AfterValidator, BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from registry.core.errors import BadRequest, FieldError

NUL = "\x00"
M = TypeVar("M", bound=BaseModel)


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


def _takes_many(annotation: Any) -> bool:
    """Whether a query parameter of this type is a list (``list[str] | None``): FastAPI reads
    every value of such a one, and the last value only of any other."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return any(_takes_many(member) for member in get_args(annotation))
    kind = origin or annotation
    return isinstance(kind, type) and issubclass(kind, list | tuple | set | frozenset)


def _query_names(dependant: Dependant) -> dict[str, bool]:
    """Each query parameter's name, and whether it takes several values (a list)."""
    names: dict[str, bool] = {}
    for parameter in dependant.query_params:
        model = parameter.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):  # a query model's fields
            for name, field in model.model_fields.items():
                names[field.alias or name] = _takes_many(field.annotation)
        else:
            names[parameter.alias] = _takes_many(model)
    for sub in dependant.dependencies:
        for name, many in _query_names(sub).items():
            names[name] = names.get(name, False) or many
    return names


_known: dict[tuple[Callable[..., Any], str, frozenset[str]], dict[str, bool]] = {}


def _route_query_names(route: APIRoute) -> dict[str, bool]:
    """A route's query parameters, its dependencies' included: read once per route (keyed by
    endpoint, path and methods, as routes are not hashable; every app mounts the same
    routers). The endpoint tells apart an API route and the page of the same path: a route's
    path is its router's, without the API's /api/v1 (the portal's /awards and the API's
    /api/v1/awards are both /awards)."""
    key = (route.endpoint, route.path, frozenset(route.methods or ()))
    if key not in _known:
        _known[key] = _query_names(route.dependant)
    return _known[key]


def route_parameters(request: Request) -> frozenset[str] | None:
    """The query parameters the request's route takes (its dependencies' included), or None
    for a request no route answers."""
    route = request.scope.get("route")
    return frozenset(_route_query_names(route)) if isinstance(route, APIRoute) else None


ONE_VALUE_ONLY = "takes one value only; it was given more than once"


def _repeated(request: Request, known: dict[str, bool]) -> list[tuple[str, str]]:
    """Each parameter of one value given more than once (``funder=A&funder=B``), which
    FastAPI would read as its last value only, silently dropping the others."""
    return [
        (name, ONE_VALUE_ONLY)
        for name in dict.fromkeys(request.query_params)
        if name in known and not known[name] and len(request.query_params.getlist(name)) > 1
    ]


def _refuse(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise BadRequest(
            "; ".join(f"query.{name}: {message}" for name, message in problems),
            errors=[
                FieldError(field=f"query.{name}", message=message) for name, message in problems
            ],
        )


async def refuse_unknown_parameters(request: Request) -> None:
    """A route dependency: a 400 naming each query parameter the route does not take, with the
    ones it does, so that a misspelt filter (``stauts=overdue``) is never silently ignored;
    and each parameter of one value given more than once (``_repeated``). (A coroutine, as
    ``refuse_nul_characters`` is.)"""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _route_query_names(route)
    # An empty name (``?=x``, ``?&``) is noise a client's URL builder left, not a filter.
    unknown = [name for name in dict.fromkeys(request.query_params) if name and name not in known]
    allowed = ", ".join(sorted(known)) or "none"
    message = f"not a parameter of this endpoint; it takes {allowed}"
    _refuse([(name, message) for name in unknown] + _repeated(request, known))


async def refuse_repeated_values(request: Request) -> None:
    """A route dependency for the routes that leave unknown parameters be (the ledger's and
    the records' own): a 400 naming each parameter of one value given more than once."""
    route = request.scope.get("route")
    if isinstance(route, APIRoute):
        _refuse(_repeated(request, _route_query_names(route)))


def list_values(raw: Iterable[str] | None) -> tuple[str, ...]:
    """A list parameter's values: repeated, comma-separated, or both."""
    return tuple(part.strip() for value in raw or () for part in value.split(",") if part.strip())


def each(read: Callable[[str], str]) -> AfterValidator:
    """A list parameter's check, as a validator of its type: its values (``list_values``),
    each as ``read`` gives it (a canonical form); ``read``'s ``ValueError`` is the message
    that names the parameter (``human_message`` says a validator's own words)."""

    def check(raw: list[str] | None) -> list[str] | None:
        return None if raw is None else [read(value) for value in list_values(raw)]

    return AfterValidator(check)


def member_of(kind: type[enum.Enum]) -> Callable[[str], str]:
    """For ``each``: the value of ``kind``'s member a value names; anything else is refused
    with the allowed values (an unknown value is never an empty result)."""
    allowed = ", ".join(str(member.value) for member in kind)

    def read(value: str) -> str:
        try:
            return str(kind(value).value)
        except ValueError as exc:
            raise ValueError(f"{exc}; one of {allowed}") from None

    return read


def refuse_reversed(
    model: M,
    low: str,
    high: str,
    *,
    messages: tuple[str, str],
    key: Callable[[Any], Any] = lambda value: value,
) -> M:
    """A query model's check of a range given as two parameters (``awarded_from`` and
    ``awarded_to``): when both are given and ``low`` is past ``high`` (compared by ``key``),
    nothing could match, so both are refused, each with its message of ``messages``. Raised
    as pydantic's own error at each field, so FastAPI names them ``query.<field>`` beside
    every other bad parameter of the request."""
    first, last = getattr(model, low), getattr(model, high)
    if first is None or last is None or key(first) <= key(last):
        return model
    raise ValidationError.from_exception_data(
        type(model).__name__,
        [
            InitErrorDetails(
                type=PydanticCustomError("reversed_range", message), loc=(name,), input=value
            )
            for name, value, message in ((low, first, messages[0]), (high, last, messages[1]))
        ],
    )
