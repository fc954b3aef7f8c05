"""Request bodies read as I-JSON (RFC 7493): UTF-8, and no object naming a member twice.

Python's ``json`` module, which FastAPI reads bodies with, keeps the last of two members of
the same name (``{"amount": "1", "amount": "2"}`` is 2) and takes ``NaN``; a reviewer's
parser may keep the first, or refuse the body. The ledger is RFC 8785 canonical JSON, which
is I-JSON: names are unique (RFC 7493 §2.3), and ``NaN`` is no JSON number (RFC 8259 §6). So
a body that two parsers could read differently is refused, naming the member given twice,
before any field is validated and before anything is written.

``JsonBodyRoute`` is the hook: a route class whose requests parse their body with ``loads``
instead of ``json.loads``. Every API router that takes a JSON body uses it (a test checks).
The check rides on the one parse FastAPI does anyway: an ``object_pairs_hook`` that only
compares two lengths per object, so a body without a repeated name costs about a microsecond
more than before (README, "API"); finding *where* the name is repeated parses the body a
second time, on that error path only.
"""

import json
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn

from fastapi import Request, Response
from fastapi.routing import APIRoute

from registry.core.errors import RefusedBody, Unprocessable

UTF8_ENCODINGS = frozenset({"utf-8", "utf-8-sig"})
"""What ``json.detect_encoding`` says of a body in UTF-8, with or without a byte order mark
(RFC 8259 §8.1 lets a parser ignore one)."""


class DuplicateMember(ValueError):
    """An object names the same member twice. ``field`` is its path, as errors name fields
    (``amount``, ``period.start``, ``operations.0.body.amount``)."""

    def __init__(self, path: tuple[str | int, ...]) -> None:
        self.field = ".".join(str(part) for part in path)
        super().__init__(f'"{path[-1]}" is given twice in the same object')


class NotIJson(ValueError):
    """A body ``json.loads`` would take but I-JSON refuses, or cannot parse at all."""


class _Repeated(Exception):
    pass


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _Repeated
    return members


def _refuse_constant(name: str) -> NoReturn:
    raise NotIJson(f"{name} is not a JSON number: numbers are finite, written in digits")


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_members, parse_constant=_refuse_constant)


def loads(text: str) -> Any:
    """``text`` parsed as I-JSON. Raises ``DuplicateMember``, ``NotIJson`` (NaN, Infinity, or
    nested too deep to parse) or ``json.JSONDecodeError`` (not JSON)."""
    try:
        return _DECODER.decode(text)
    except _Repeated:
        raise DuplicateMember(_repeated_path(text)) from None
    except RecursionError:
        raise NotIJson("is nested too deeply to read") from None


def decode(body: bytes) -> str:
    """The body's text; ``NotIJson`` unless it is UTF-8 (RFC 8259 §8.1, RFC 7493 §2.1)."""
    encoding = json.detect_encoding(body)
    if encoding not in UTF8_ENCODINGS:
        raise NotIJson(f"is not UTF-8 (it looks like {encoding.upper()}): send JSON in UTF-8")
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise NotIJson(
            f"is not UTF-8: byte {exc.start} (0x{body[exc.start]:02x}) {exc.reason}"
        ) from None


class _Members(dict[str, Any]):
    repeated: str | None = None


def _members_noting_repeats(pairs: list[tuple[str, Any]]) -> _Members:
    members = _Members(pairs)
    if len(members) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                members.repeated = name
                break
            seen.add(name)
    return members


def _repeated_path(text: str) -> tuple[str | int, ...]:
    """Where ``text`` first repeats a name (objects before their members, in order)."""
    found = _find_repeat(json.loads(text, object_pairs_hook=_members_noting_repeats), ())
    assert found is not None, "called only for a text whose parse met a repeated name"
    return found


def _find_repeat(node: object, path: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    if isinstance(node, _Members):
        if node.repeated is not None:
            return (*path, node.repeated)
        children: Any = node.items()
    elif isinstance(node, list):
        children = enumerate(node)
    else:
        return None
    for key, child in children:
        found = _find_repeat(child, (*path, key))
        if found is not None:
            return found
    return None


class IJsonRequest(Request):
    """A request whose ``json()`` is ``loads`` of its UTF-8 body."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            try:
                self._json = loads(decode(await self.body()))
            except DuplicateMember as exc:
                raise RefusedBody(
                    Unprocessable.for_field(
                        exc.field,
                        "is given twice in the same object: give each field once (I-JSON, "
                        "RFC 7493), so that every reader takes the body the same way",
                    )
                ) from exc
            except NotIJson as exc:
                raise RefusedBody(Unprocessable.for_field("body", str(exc))) from exc
        return self._json


class JsonBodyRoute(APIRoute):
    """A route whose JSON body is read by ``IJsonRequest`` (FastAPI's "custom Request and
    APIRoute class"): a repeated member name, NaN, bad UTF-8 or a body nested too deeply is a
    422 problem naming the field, as a body that is not JSON at all already is."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_with_ijson(request: Request) -> Response:
            return await handle(IJsonRequest(request.scope, request.receive))

        return handle_with_ijson
