"""RFC 9457 problem details: one error shape for every failure the API reports.

Every expected failure is a ``RegistryError`` subclass carrying its HTTP status, a short
title and a stable ``type`` URI; one handler renders them as ``application/problem+json``.
Request validation errors become a 400 (a malformed query or path parameter) or a 422 (a body
that parses but breaks a rule), each with an ``errors`` list naming the offending field.
"""

from collections.abc import Sequence
from http import HTTPStatus
from typing import Annotated, Any, ClassVar, Final, Self

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, ValidatorFunctionWrapHandler, WrapValidator
from starlette.exceptions import HTTPException as StarletteHTTPException

from registry.core.messages import N_, Alternatives, Grouped, Rule, said
from registry.core.schemas import (
    BLANK_MESSAGE,
    DATE_MESSAGE,
    DATETIME_MESSAGE,
    NULL_TEXT_MESSAGE,
    PATTERN_FALLBACK,
    PATTERN_MESSAGES,
    SURROUNDING_SPACE_MESSAGE,
    TEXT_MODELS,
    objects_of_field,
)
from registry.ledger.canonical import CanonicalizationError

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "/problems/"
PROBLEM_SCHEMA_REF = "#/components/schemas/Problem"
PARAMETER_LOCATIONS = frozenset({"query", "path", "header", "cookie"})


def _kept_rule(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    """A ``Rule`` kept as it is (pydantic would make it a plain ``str``), so that the portal
    can say it in the reader's language; the API writes it as the text it is."""
    return value if isinstance(value, Rule) else handler(value)


class FieldError(BaseModel):
    """One offending input: where it is (a JSON pointer-like path) and what is wrong."""

    field: str
    message: Annotated[str, WrapValidator(_kept_rule)]


class Problem(BaseModel):
    """The RFC 9457 §3.1 members, plus ``errors`` when fields are at fault (§3.2 extension)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None


class RegistryError(Exception):
    status: ClassVar[int] = HTTPStatus.INTERNAL_SERVER_ERROR
    title: ClassVar[str] = "Internal error"
    slug: ClassVar[str] = "internal-error"
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, detail: str, *, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors)

    @classmethod
    def for_field(cls, field: str, message: str) -> Self:
        """The common case: one named field is wrong, and the detail says so."""
        return cls(f"{field}: {message}", errors=[FieldError(field=field, message=message)])

    def problem(self, instance: str | None = None) -> Problem:
        return Problem(
            type=PROBLEM_TYPE_BASE + self.slug,
            title=self.title,
            status=self.status,
            detail=self.detail,
            instance=instance,
            errors=self.errors or None,
        )


AUTHORIZATION = "header.authorization"


class _KeyProblem(RegistryError):
    """A problem with the API key: it names the Authorization header unless a body field is
    to blame (a funder key writing for another organization names ``funder_id``)."""

    def __init__(
        self, detail: str, *, errors: Sequence[FieldError] = (), field: str = AUTHORIZATION
    ) -> None:
        super().__init__(detail, errors=errors or [FieldError(field=field, message=detail)])


class Unauthorized(_KeyProblem):
    status = HTTPStatus.UNAUTHORIZED
    title = "Unauthorized"
    slug = "unauthorized"
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="registry"'}


class Forbidden(_KeyProblem):
    status = HTTPStatus.FORBIDDEN
    title = "Forbidden"
    slug = "forbidden"


class BadRequest(RegistryError):
    status = HTTPStatus.BAD_REQUEST
    title = "Bad request"
    slug = "bad-request"


class NotFound(RegistryError):
    status = HTTPStatus.NOT_FOUND
    title = "Not found"
    slug = "not-found"


class Conflict(RegistryError):
    status = HTTPStatus.CONFLICT
    title = "Conflict"
    slug = "conflict"


class Unprocessable(RegistryError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY
    title = "Unprocessable content"
    slug = "unprocessable"


class ServiceUnavailable(RegistryError):
    """A temporary shortage (every download connection busy): retry later, as the header says."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    title = "Service unavailable"
    slug = "service-unavailable"
    headers: ClassVar[dict[str, str]] = {"Retry-After": "60"}


class RefusedBody(StarletteHTTPException):
    """A request body refused while it is read (``registry.core.json_body``), with the problem
    to answer. An ``HTTPException`` because FastAPI lets only those (and a JSON syntax error)
    out of its body reading: any other error there becomes a bare 400 that names no field."""

    def __init__(self, problem: RegistryError) -> None:
        super().__init__(problem.status, problem.detail)
        self.problem = problem


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _field_path(location: Sequence[Any]) -> str:
    return ".".join(str(part) for part in location)


def field_name(location: Sequence[Any], body: object = None) -> str:
    """One form for every field an error names, from schema checks and business rules alike:
    a parameter as ``query.limit``, ``path.seq`` or ``header.authorization``; a field of the
    JSON body as its path in the body (``amount``, ``period.start``, ``attachments.0.sha256``),
    without the discriminator tags pydantic puts in a union's path, at any depth
    (``amended.reason`` is ``reason`` when that object's ``type`` is ``amended``, and
    ``awards.create.body`` is ``body`` when an operation's ``op`` is ``awards.create``)."""
    parts = list(location)
    if parts[:1] != ["body"]:
        return _field_path(parts)
    kept: list[Any] = []
    node = body
    for part in parts[1:]:
        if isinstance(node, dict) and part not in node and part in _tags(node):
            continue  # a union's tag: the same object, not a field of it
        kept.append(part)
        node = _child(node, part)
    return _field_path(kept) or "body"


def _tags(node: dict[Any, Any]) -> set[object]:
    """The values an object's union tags have: an event's ``type``, a batch operation's
    ``op``."""
    return {node.get("type"), node.get("op")} - {None}


def _child(node: object, part: Any) -> object:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


AMOUNT_FIELDS = frozenset({"amount", "budget", "original_amount", "disbursed"})
STRICT_TYPE_MESSAGES = {
    "int_type": "must be a whole number written as a JSON integer, such as 2 (not in quotes, "
    "no decimal point)",
    "bool_type": "must be true or false, written as JSON's true or false (not in quotes)",
}
"""A body's integers and booleans keep their JSON type, as its amounts are strictly strings:
"2" and 2.0 would be a second way to write the same number."""


DATE_ERRORS = frozenset({"date_type", "date_parsing", "date_from_datetime_parsing"})
DATETIME_ERRORS = frozenset({"datetime_type", "datetime_parsing", "timezone_aware"})


WITH_REASON: Final = {
    DATE_MESSAGE: N_('must be a date written as YYYY-MM-DD, such as "2026-03-01" (%(reason)s)'),
    DATETIME_MESSAGE: N_(
        "must be a date and time written as YYYY-MM-DDThh:mm:ss with its UTC offset, such as "
        '"2026-03-01T09:00:00+05:00" (%(reason)s)'
    ),
}
"""A date or a time not read, with pydantic's reason after it."""

DATE_REASONS: Final = (
    N_("day value is outside expected range"),
    N_("month value is outside expected range of 1-12"),
    N_("hour value is outside expected range of 0-23"),
    N_("minute value is outside expected range of 0-59"),
    N_("input is too short"),
    N_("unexpected extra characters at the end of the input"),
)
"""Pydantic's reasons a date or a time typed on the desk's forms is not read (its date box
sends YYYY-MM-DD, so only a day or a month out of range, or what follows them), in the
catalogs for ``WITH_REASON``; any other is said in pydantic's words."""


def _date_message(kind: str, reason: object) -> str | None:
    """What a date or time that pydantic could not read is told: what is expected (as
    ``IsoDate`` says it of a number), then pydantic's reason, where it is about the text
    ("day value is outside expected range"). Not its "Datetimes provided to dates should have
    zero time", nor the reason it gives when a time failed and its fallback reading as a date
    failed too (an hour of 25 is "unexpected extra characters at the end of the input")."""
    if kind == "date_from_datetime_inexact":
        return Rule('must be a date written as YYYY-MM-DD, such as "2026-03-01", without a time')
    if kind == "datetime_from_date_parsing":
        return DATETIME_MESSAGE
    if kind in DATE_ERRORS or kind in DATETIME_ERRORS:
        expected = DATE_MESSAGE if kind in DATE_ERRORS else DATETIME_MESSAGE
        if not reason or "%" in str(reason):  # a reason that is no template: as it is
            return f"{expected} ({reason})" if reason else expected
        # Pydantic's reason, a sentence of its own (a Rule of no values), translated where
        # the catalogs have it ("day value is outside expected range").
        return Rule(WITH_REASON[expected], reason=Rule(str(reason)))
    return None


OBJECT_ERRORS = frozenset({"model_attributes_type", "model_type", "dict_type"})
"""Pydantic's errors for a value that is not the object a field takes."""


def _null_object_message(error: Any) -> str | None:
    """What a nested object given as ``null`` is told (``{"title": null}``, ``{"period":
    null}``). Pydantic's words, "Input should be a valid dictionary or object to extract fields
    from", name no model on FastAPI's path, so the field is found by its name, the last one in
    the error's location (an item of a list is its list's), among the request models' fields:
    a multilingual text is told to give its texts by language, an object of one model the
    fields it takes; any other (a free-form object, or a name given to objects of several
    models, as a batch operation's ``body`` is) that it must be an object. None for any other
    error."""
    if error.get("type") not in OBJECT_ERRORS or error.get("input", ...) is not None:
        return None
    location = error.get("loc") or ()
    name = next((part for part in reversed(location) if isinstance(part, str)), "")
    objects = objects_of_field(name)
    # The error's type tells a model from a mapping where fields of one name differ (an
    # answer's reasons are a text, a compliance check's a mapping).
    wanted = dict if error["type"] == "dict_type" else BaseModel
    if any(issubclass(kind, wanted) for kind in objects):
        objects = frozenset(kind for kind in objects if issubclass(kind, wanted))
    if objects and objects <= TEXT_MODELS:
        return NULL_TEXT_MESSAGE
    (model,) = objects if len(objects) == 1 else (dict,)
    if issubclass(model, BaseModel):
        fields = list(model.model_fields)
        listed = ", ".join(fields[:-1]) + f" and {fields[-1]}" if len(fields) > 1 else fields[0]
        return f"must be an object with {listed}, not null"
    return "must be an object, not null"


REQUIRED: Final = N_("is required")
NOT_A_FIELD: Final = N_(
    "is not a field the registry takes here: check its name in the API's document"
)
PLAIN_MESSAGES: Final = {"missing": REQUIRED, "extra_forbidden": NOT_A_FIELD}
"""Pydantic's "Field required" and "Extra inputs are not permitted", said plainly."""


def human_message(error: Any) -> str:
    """Pydantic's message, said for a person where it would show a pattern (a regular
    expression, which says nothing to most people), take a JSON number for an amount, a text
    or a fraction for an integer, not read a date, or find null for an object. The API, the
    portal's desk and the imports' reports all say it so.

    Where the catalogs have its words, it is a ``Rule`` (``said_as_rule``), the same text, so
    that the portal's desk says it in the reader's language."""
    return said_as_rule(error, _english_message(error))


FIXED_MESSAGES: Final = frozenset(
    {
        REQUIRED,
        NOT_A_FIELD,
        DATE_MESSAGE,
        DATETIME_MESSAGE,
        BLANK_MESSAGE,
        SURROUNDING_SPACE_MESSAGE,
        PATTERN_FALLBACK,
        *PATTERN_MESSAGES.values(),
    }
)
"""The messages of no values ``human_message`` says, each in the catalogs as it is."""

PYDANTIC_RULES: Final = {
    "greater_than_equal": (N_("Input should be greater than or equal to %(ge)s"), ("ge",)),
    "greater_than": (N_("Input should be greater than %(gt)s"), ("gt",)),
    "less_than_equal": (N_("Input should be less than or equal to %(le)s"), ("le",)),
    "less_than": (N_("Input should be less than %(lt)s"), ("lt",)),
    "enum": (N_("Input should be %(expected)s"), ("expected",)),
    "literal_error": (N_("Input should be %(expected)s"), ("expected",)),
    "too_long": (
        N_("List should have at most %(max_length)s items after validation, not %(actual_length)s"),
        ("max_length", "actual_length"),
    ),
    "http_url": (
        N_("must be an absolute http or https URL, such as https://example.uz/report.pdf; %(why)s"),
        ("why",),
    ),
}
"""Pydantic's own messages that the desk's forms can meet (a number out of its bounds, a
choice none of a select's, too many themes, a link that is none), by the error's ``type``:
its template, in pydantic's words, and the values of its context it names. A bound or a
length is written as given (a year, never grouped); the values one of which is asked for as
the reader's language lists them (``Alternatives``); a link's reason is a rule itself."""


def said_as_rule(error: Any, text: str) -> str:
    """``text``, what the API says of ``error``, as a ``Rule`` where the catalogs have its
    template: one of ``FIXED_MESSAGES``, or pydantic's own of ``PYDANTIC_RULES``. A rule is
    taken only when it is the very text (the API's words never change); anything else, and a
    validator's words that are no rule, stay the text."""
    if isinstance(text, Rule):
        return text
    if text in FIXED_MESSAGES and "%" not in text:
        return Rule(text)
    template, names = PYDANTIC_RULES.get(error.get("type"), ("", ()))
    context = error.get("ctx") or {}
    if not template or any(context.get(name) is None for name in names):
        return text
    rule = Rule(template, **{name: _context_value(name, context[name]) for name in names})
    return rule if rule == text else text


def _context_value(name: str, value: object) -> object:
    """A value of an error's context as a rule names it: a rule as it is (a link's reason),
    the values one of which is asked for as ``Alternatives``, any other as its text."""
    if isinstance(value, Rule):
        return value
    return Alternatives.read(str(value)) if name == "expected" else str(value)


def _english_message(error: Any) -> str:
    kind = error.get("type")
    if kind == "string_pattern_mismatch":
        pattern = str((error.get("ctx") or {}).get("pattern"))
        return PATTERN_MESSAGES.get(pattern, PATTERN_FALLBACK)
    location = error.get("loc") or ()
    if (
        kind == "string_type"
        and isinstance(error.get("input"), int | float)
        and location
        and location[-1] in AMOUNT_FIELDS
    ):
        return (
            'must be a string in quotes, such as "1500.00": numbers are refused, so that no '
            "amount is ever rounded"
        )
    in_body = not (location and location[0] in PARAMETER_LOCATIONS)
    fixed = (
        PLAIN_MESSAGES.get(kind)
        or (STRICT_TYPE_MESSAGES.get(kind) if in_body else None)
        or _text_message(kind, error, in_body=in_body)
    )
    if fixed is not None:
        return fixed
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _tag_message(error)
    if kind == "value_error" and (error.get("ctx") or {}).get("error") is not None:
        # A validator's own words, without pydantic's "Value error, " before them (a Rule
        # kept, for the portal to say it in the reader's language).
        return said(error["ctx"]["error"])
    return (
        _date_message(kind, (error.get("ctx") or {}).get("error"))
        or _null_object_message(error)
        or str(error["msg"])
    )


def _json_kind(value: object) -> str:
    """What JSON calls a value pydantic read: a text field given ``{"en": "…"}`` (an event's
    reason, which is one text, where a title is a text by language) is told it gave an object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "this"


def _text_message(kind: object, error: Any, *, in_body: bool) -> str | None:
    """A text field given another kind of value, or a text too long or too short, with the
    limit and, when too long, its own length (a desk's findings of 4,001 characters were told
    pydantic's "String should have at most 4000 characters")."""
    context = error.get("ctx") or {}
    given = error.get("input")
    if kind == "string_type" and in_body:
        return f"must be a text in quotes, not {_json_kind(given)}"
    if kind == "string_too_long" and isinstance(given, str):
        return Rule(
            "is %(length)s characters long; at most %(most)s are taken",
            length=Grouped(len(given)),
            most=Grouped(context["max_length"]),
        )
    if kind == "string_too_short":
        least = context.get("min_length", 1)
        if least == 1:
            return Rule("must not be empty")
        return Rule("must be at least %(least)s characters long", least=Grouped(least))
    return None


def _tag_message(error: Any) -> str:
    """A union's tag (an event's ``type``) missing (``core.schemas.tag_required``) or of no
    known value: the values it takes."""
    expected = (error.get("ctx") or {}).get("expected_tags")
    if not expected:
        return str(error["msg"])
    if error.get("type") == "union_tag_not_found":
        return f"is required, one of {expected}"
    return f"must be one of {expected}"


def _not_json(error: Any) -> str:
    """A body that is not JSON: where, and why (pydantic puts the character's position in
    the error's location, where a field would be)."""
    reason = (error.get("ctx") or {}).get("error") or error["msg"]
    where = error["loc"][1:2]
    return f"not valid JSON at offset {where[0]}: {reason}" if where else f"not JSON: {reason}"


def _union_tag(error: Any) -> bool:
    return error.get("type") in ("union_tag_invalid", "union_tag_not_found")


def _tag_name(error: Any) -> str:
    """The field a union is told apart by (``type``, a batch operation's ``op``), which
    pydantic gives quoted in the error's context."""
    return str((error.get("ctx") or {}).get("discriminator") or "'type'").strip("'")


async def _registry_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RegistryError)
    return problem_response(exc.problem(instance=request.url.path), headers=exc.headers or None)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if _body_not_sent_as_json(request, exc):
        problem = Unprocessable.for_field(
            "header.content-type",
            f"must be application/json (it is {request.headers.get('content-type')}): the body "
            "is read as JSON",
        ).problem(instance=request.url.path)
        return problem_response(problem)
    return problem_response(validation_problem(exc).problem(instance=request.url.path))


def validation_problem(exc: RequestValidationError) -> RegistryError:
    """A validation error as the registry reports it: a 400 (parameters) or a 422 (a body),
    each field named as ``field_name`` does and told what ``human_message`` says. The portal
    shows the very same messages on its pages."""
    errors = [
        FieldError(field="body", message=_not_json(error))
        if error.get("type") == "json_invalid"
        else FieldError(
            field=field_name(
                [*error["loc"], _tag_name(error)] if _union_tag(error) else error["loc"],
                exc.body,
            ),
            message=human_message(error),
        )
        for error in exc.errors()
    ]
    in_parameters = all(
        error["loc"][:1] and error["loc"][0] in PARAMETER_LOCATIONS for error in exc.errors()
    )
    error_class: type[RegistryError] = BadRequest if in_parameters else Unprocessable
    detail = "; ".join(f"{error.field}: {error.message}" for error in errors)
    return error_class(detail, errors=errors)


def _body_not_sent_as_json(request: Request, exc: RequestValidationError) -> bool:
    """A body FastAPI did not read as JSON, because its Content-Type is not JSON's: pydantic
    would say it is not an object, which tells the sender nothing they can act on."""
    whole_body = any(
        tuple(error["loc"]) == ("body",) and error.get("type") != "missing"
        for error in exc.errors()
    )
    media_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    # FastAPI reads a body without a Content-Type as JSON too.
    is_json = not media_type or media_type == "application/json" or media_type.endswith("+json")
    return whole_body and not is_json


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = HTTPStatus(exc.status_code)
    problem = Problem(
        type="about:blank",  # RFC 9457 §4.2.1: the status code says it all
        title=status.phrase,
        status=status.value,
        detail=str(exc.detail) if exc.detail and exc.detail != status.phrase else None,
        instance=request.url.path,
    )
    return problem_response(problem, headers=dict(exc.headers or {}))


async def _refused_body(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RefusedBody)
    problem = exc.problem
    return problem_response(problem.problem(instance=request.url.path), problem.headers or None)


async def _not_canonical(request: Request, exc: Exception) -> JSONResponse:
    # A body pydantic accepted but the ledger cannot record exactly (a number beyond
    # ±(2**53 - 1), NaN): the caller's input, so a 422, never a 500.
    problem = Unprocessable(f"the request cannot be recorded exactly: {exc}").problem(
        instance=request.url.path
    )
    return problem_response(problem)


UNEXPECTED = "an error the server did not expect; it has been logged"


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # noqa: ARG001
    """A bug, not a refusal: still a problem (RFC 9457), never a bare text. Starlette's outermost
    middleware sends it and then raises ``exc`` again, so the server logs it with its traceback."""
    status = HTTPStatus.INTERNAL_SERVER_ERROR
    problem = Problem(
        type="about:blank",
        title=status.phrase,
        status=status.value,
        detail=UNEXPECTED,
        instance=request.url.path,
    )
    return problem_response(problem)


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _unexpected)
    app.add_exception_handler(CanonicalizationError, _not_canonical)
    app.add_exception_handler(RegistryError, _registry_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RefusedBody, _refused_body)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route, so the OpenAPI document shows its problem+json errors."""
    content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}}
    return {
        status: {"description": HTTPStatus(status).phrase, "content": content}
        for status in statuses
    }


def document_validation_problems(spec: dict[str, Any]) -> dict[str, Any]:
    """Make the OpenAPI document tell the truth about validation errors.

    FastAPI documents a JSON ``422 HTTPValidationError`` on every operation with inputs; the
    registry answers a bad parameter with a 400 problem (on every API route, which refuses a
    parameter it does not take), a bad body with a 422 problem and a body over its size limit
    with a 413 problem.
    """
    problem_ref = {"$ref": PROBLEM_SCHEMA_REF}
    content = {PROBLEM_MEDIA_TYPE: {"schema": problem_ref}}
    for path, operations in spec.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.get("responses", {})
            if path.startswith("/api/"):
                # Every API route refuses a query parameter it does not take (and one of one
                # value given twice) with a 400, those without parameters too.
                responses.setdefault("400", {"description": "Bad Request", "content": content})
            if responses.pop("422", None) is None:
                continue
            if operation.get("parameters"):
                responses.setdefault("400", {"description": "Bad Request", "content": content})
            if "requestBody" in operation:
                responses["422"] = {"description": "Unprocessable Content", "content": content}
                # registry.core.body_limit, in front of every route that reads a body
                responses["413"] = {"description": "Content Too Large", "content": content}
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    return spec
