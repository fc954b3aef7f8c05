"""RFC 8785 JSON Canonicalization Scheme (JCS): one byte string per JSON value.

Every ledger leaf is hashed over its canonical form, so two parties that hold the same
JSON value must derive the same bytes, whatever language or JSON library produced it.
RFC 8785 (https://www.rfc-editor.org/rfc/rfc8785) fixes that form:

* §3.1 input is I-JSON (RFC 7493): no NaN or Infinity, numbers that fit an IEEE 754
  double, strings of Unicode scalar values (no lone surrogates);
* §3.2.1 no whitespace between tokens;
* §3.2.2.1 ``null``, ``true`` and ``false`` as literals;
* §3.2.2.2 strings escape only ``"``, ``\\`` and U+0000..U+001F (``\\b \\t \\n \\f \\r``
  short forms, otherwise ``\\u00xx`` in lowercase hex); everything else is emitted raw,
  with no Unicode normalisation;
* §3.2.2.3 numbers in the ECMAScript ``Number.prototype.toString`` form (ES6 §7.1.12.1);
* §3.2.3 object members sorted by the UTF-16 code units of their names;
* §3.2.4 the result is encoded as UTF-8.

Integers are limited to the I-JSON safe range ±(2**53 - 1) (RFC 7493 §2.2): a larger
Python int has no exact double, so another implementation would read it back as a
different number and derive different bytes.
"""

import json
from json.encoder import encode_basestring
from math import isfinite
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "MAX_NESTING_DEPTH",
    "MAX_SAFE_INTEGER",
    "CanonicalizationError",
    "canonicalize",
    "parse_canonical",
]

MAX_SAFE_INTEGER = 2**53 - 1
"""RFC 7493 §2.2 (I-JSON): the largest integer every JSON implementation reads exactly."""

MAX_NESTING_DEPTH = 1000
"""Arrays and objects nested deeper than this are rejected.

RFC 8785 sets no limit, but a fixed one makes acceptance depend on the value alone, not on
how deep the caller's stack happens to be when it calls :func:`canonicalize`.
"""

ES6_MAX_FIXED_EXPONENT = 21
"""ES6 §7.1.12.1 steps 6-7: with value = 0.ddd × 10**n, n <= 21 (value < 1e21) is written
in plain decimal; larger values take the exponent form (``1e+21``)."""

ES6_MIN_FIXED_EXPONENT = -6
"""ES6 §7.1.12.1 step 8: n > -6 (value >= 1e-6) is written as ``0.00ddd``; smaller values
take the exponent form (``1e-7``)."""

_EXACT_FLOAT_INTEGER_LIMIT = float(2**53)
"""Integral doubles up to 2**53 print as their exact integer: ES6 and ``int()`` agree."""


_END: Final = object()
"""Marks an exhausted container iterator."""


class CanonicalizationError(ValueError):
    """The value has no RFC 8785 canonical form (NaN, big integer, lone surrogate, ...)."""


def canonicalize(value: object, *, allow_floats: bool = True) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON-like Python value.

    ``value`` may be built from dict (str keys), list, tuple, str, int, float, bool and
    None; subclasses (``IntEnum``, ``OrderedDict``, ...) are written as their base type.
    With ``allow_floats=False`` any float is rejected: ledger leaves carry amounts as
    decimal strings or integer minor units, so a float there is a bug upstream.

    Raises :class:`CanonicalizationError` for anything outside the I-JSON domain.
    """
    parts = _serialize(value, allow_floats)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as exc:
        # RFC 8785 §3.1 / RFC 7493 §2.1: strings must be Unicode scalar values.
        raise CanonicalizationError("a string contains a lone surrogate") from exc


def parse_canonical(data: bytes) -> Any:
    """The JSON value ``data`` holds, if ``data`` is exactly its canonical form, as every
    ledger leaf must be: a leaf with a member named twice (which value counts?), a float, or
    any byte ``canonicalize`` would not write (a space, members out of order, an escape it
    would not use) is refused with :class:`CanonicalizationError`. An auditor checks this of
    every leaf, or a server could sign two readings of one entry."""
    try:
        value = json.loads(data, object_pairs_hook=_unique_members, parse_constant=_no_constant)
    except RecursionError:
        raise CanonicalizationError("nested too deeply") from None
    except CanonicalizationError:
        raise
    except ValueError as exc:
        raise CanonicalizationError(f"not valid JSON ({exc})") from None
    if canonicalize(value, allow_floats=False) != data:
        raise CanonicalizationError(
            "not in its RFC 8785 canonical form (spacing, member order, escapes or numbers "
            "differ from it)"
        )
    return value


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for name, value in pairs:
        if name in members:
            raise CanonicalizationError(f"the member {name!r} is given more than once")
        members[name] = value
    return members


def _no_constant(name: str) -> Any:
    raise CanonicalizationError(f"{name} is not JSON")


# One flat loop on purpose: this is the per-append hot path, and a helper call per leaf
# costs more than the branches.
def _serialize(root: object, allow_floats: bool) -> list[str]:  # noqa: C901, PLR0912, PLR0915
    """Return the canonical text of ``root`` as a list of fragments (RFC 8785 §3.2).

    The walk is iterative, with an explicit stack of open arrays and objects, so whether a
    value is accepted depends only on the value (see :data:`MAX_NESTING_DEPTH`), never on
    the caller's Python stack depth. ``bool`` is tested before ``int`` because it is a
    subclass of it; strings go through the C encoder of the ``json`` module, which escapes
    exactly the RFC 8785 §3.2.2.2 set (``"``, ``\\``, U+0000..U+001F, with the five
    short forms and lowercase ``\\u00xx``) and nothing else.
    """
    parts: list[str] = []
    append = parts.append
    # One entry per open container: the iterator over its elements (array) or sorted member
    # names (object), and the object itself (None for an array).
    stack: list[tuple[Iterator[Any], dict[Any, object] | None]] = []
    value = root
    while True:
        if isinstance(value, str):
            append(encode_basestring(value))
        elif isinstance(value, dict):
            if value:
                if len(stack) >= MAX_NESTING_DEPTH:
                    raise CanonicalizationError(f"value is nested deeper than {MAX_NESTING_DEPTH}")
                names = iter(_sorted_names(value))
                stack.append((names, value))
                name = next(names)
                append("{")
                append(encode_basestring(name))
                append(":")
                value = value[name]
                continue
            append("{}")
        elif isinstance(value, (list, tuple)):
            if value:
                if len(stack) >= MAX_NESTING_DEPTH:
                    raise CanonicalizationError(f"value is nested deeper than {MAX_NESTING_DEPTH}")
                items = iter(value)
                stack.append((items, None))
                append("[")
                value = next(items)
                continue
            append("[]")
        elif isinstance(value, bool):
            append("true" if value else "false")
        elif isinstance(value, int):
            append(_format_integer(value))
        elif value is None:
            append("null")
        elif isinstance(value, float):
            if not allow_floats:
                raise CanonicalizationError("floats are not allowed in this value")
            append(_format_float(value))
        else:
            raise CanonicalizationError(
                f"cannot canonicalize a value of type {type(value).__qualname__}"
            )
        # The value is complete: move to the next element of the innermost open container,
        # closing every container that has run out.
        while stack:
            iterator, members = stack[-1]
            following: Any = next(iterator, _END)
            if following is _END:
                stack.pop()
                append("]" if members is None else "}")
            elif members is None:
                append(",")
                value = following
                break
            else:
                append(",")
                append(encode_basestring(following))
                append(":")
                value = members[following]
                break
        else:
            return parts


def _sorted_names(members: dict[Any, object]) -> list[str]:
    """Return the member names in RFC 8785 §3.2.3 order, rejecting non-str names.

    Python compares str by code point, which equals UTF-16 code unit order except when a
    character above U+FFFF (a surrogate pair, 0xD800..0xDFFF) meets one in
    U+E000..U+FFFF. ASCII-only names (the ledger's case) therefore use plain ``sort``;
    any other name set is sorted by its UTF-16-BE bytes, whose byte order is code unit
    order.
    """
    names: list[str] = list(members)
    all_ascii = True
    for name in names:
        if not isinstance(name, str):
            raise CanonicalizationError(
                f"object member names must be str, not {type(name).__qualname__}"
            )
        if all_ascii and not name.isascii():
            all_ascii = False
    if all_ascii:
        names.sort()
        return names
    try:
        return sorted(names, key=_utf16_sort_key)
    except UnicodeEncodeError as exc:
        raise CanonicalizationError("member name contains a lone surrogate") from exc


def _utf16_sort_key(name: str) -> bytes:
    return name.encode("utf-16-be")


def _format_integer(value: int) -> str:
    """RFC 8785 §3.2.2.3 for integers: within ±(2**53 - 1) the ES6 form is the decimal."""
    if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return int.__repr__(value)
    raise CanonicalizationError(
        f"integer {value} is outside the I-JSON range ±(2**53 - 1) (RFC 7493 §2.2)"
    )


def _format_float(value: float) -> str:
    """Serialise a double exactly as ES6 ``Number.prototype.toString`` (RFC 8785 §3.2.2.3).

    Python's ``repr`` already yields the shortest digit string that round-trips, choosing
    the one closest to the exact value (the ES6 §7.1.12.1 step 5 choice); only the layout
    differs, so the digits and exponent are taken from ``repr`` and laid out per ES6.
    """
    if not isfinite(value):
        raise CanonicalizationError(f"{value!r} is not a JSON number (RFC 8785 §3.2.2.3)")
    if value == 0:
        return "0"  # ES6 step 2: both +0 and -0 print as "0".
    if value.is_integer() and -_EXACT_FLOAT_INTEGER_LIMIT <= value <= _EXACT_FLOAT_INTEGER_LIMIT:
        return int.__repr__(int(value))
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = float.__repr__(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    # ES6 names the digits s (k of them) and the exponent n: value = 0.s * 10**n.
    point = len(whole) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    n = point
    if k <= n <= ES6_MAX_FIXED_EXPONENT:
        text = digits + "0" * (n - k)
    elif 0 < n <= ES6_MAX_FIXED_EXPONENT:
        text = f"{digits[:n]}.{digits[n:]}"
    elif ES6_MIN_FIXED_EXPONENT < n <= 0:
        text = f"0.{'0' * -n}{digits}"
    else:
        e = n - 1
        e_text = f"+{e}" if e >= 0 else str(e)
        text = f"{digits}e{e_text}" if k == 1 else f"{digits[0]}.{digits[1:]}e{e_text}"
    return sign + text
