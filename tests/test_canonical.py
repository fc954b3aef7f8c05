"""RFC 8785 (JCS) canonicalisation against the published cyberphone vectors and properties."""

import json
import math
import struct
import sys
from collections import OrderedDict
from decimal import Decimal
from enum import IntEnum
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.ledger.canonical import (
    MAX_NESTING_DEPTH,
    MAX_SAFE_INTEGER,
    CanonicalizationError,
    canonicalize,
)

JCS_VECTORS = Path(__file__).parent / "vectors" / "jcs"
VECTOR_NAMES = sorted(path.name for path in (JCS_VECTORS / "input").glob("*.json"))
ES6_NUMBERS = JCS_VECTORS / "es6testfile-first10000.txt"
ES6_LINE_COUNT = 10_000


def test_all_six_vector_files_are_present() -> None:
    assert VECTOR_NAMES == [
        "arrays.json",
        "french.json",
        "structures.json",
        "unicode.json",
        "values.json",
        "weird.json",
    ]


@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_published_vectors_byte_for_byte(name: str) -> None:
    value = json.loads((JCS_VECTORS / "input" / name).read_text(encoding="utf-8"))
    expected = (JCS_VECTORS / "output" / name).read_bytes()
    assert canonicalize(value) == expected


@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_outhex_agrees_with_output(name: str) -> None:
    hex_text = (JCS_VECTORS / "outhex" / name.replace(".json", ".txt")).read_text()
    value = json.loads((JCS_VECTORS / "input" / name).read_text(encoding="utf-8"))
    assert canonicalize(value) == bytes.fromhex(hex_text)


def _double_from_bits(hex_bits: str) -> float:
    value: float = struct.unpack(">d", int(hex_bits, 16).to_bytes(8, "big"))[0]
    return value


def test_es6_number_serialisation_first_10000_lines() -> None:
    lines = ES6_NUMBERS.read_text(encoding="ascii").splitlines()
    assert len(lines) == ES6_LINE_COUNT
    mismatches = []
    for line in lines:
        hex_bits, expected = line.split(",")
        got = canonicalize(_double_from_bits(hex_bits)).decode("ascii")
        if got != expected:
            mismatches.append((hex_bits, expected, got))
    assert mismatches == []


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (-1.5, "-1.5"),
        (56.0, "56"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"),
        (1e30, "1e+30"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (2e-3, "0.002"),
        (4.50, "4.5"),
        (333333333.33333329, "333333333.3333333"),
        (2.0**53, "9007199254740992"),
        (2.0**60, "1152921504606847000"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (-1.7976931348623157e308, "-1.7976931348623157e+308"),
    ],
)
def test_es6_number_layout(number: float, expected: str) -> None:
    assert canonicalize(number) == expected.encode()


def test_string_escapes_follow_section_3_2_2_2() -> None:
    short_forms = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}
    for code in range(0x20):
        expected = short_forms.get(code, f"\\u{code:04x}")
        assert canonicalize(chr(code)) == f'"{expected}"'.encode()
    assert canonicalize('"\\') == b'"\\"\\\\"'
    # Not escaped: solidus, DEL, C1 controls, line separators, non-BMP characters.
    raw = "/\x7f\x80\u2028\u2029\ufeff\U0001f602"
    assert canonicalize(raw) == f'"{raw}"'.encode()


def test_no_unicode_normalisation() -> None:
    assert canonicalize("A\u030a") == '"A\u030a"'.encode()
    assert canonicalize("\u00c5") == '"\u00c5"'.encode()


def test_member_names_sort_by_utf16_code_units_not_code_points() -> None:
    # U+1F600 is the surrogate pair D83D DE00, which sorts before U+E000 in UTF-16 but
    # after it by code point.
    value = {"\ue000": 1, "\U0001f600": 2, "a": 3}
    assert canonicalize(value) == '{"a":3,"\U0001f600":2,"\ue000":1}'.encode()


def test_member_order_does_not_depend_on_insertion_order() -> None:
    forward = {"b": 1, "a": 2, "é": 3, "\U0001f602": 4}
    backward = dict(reversed(list(forward.items())))
    assert canonicalize(forward) == canonicalize(backward)


def test_literals_and_bool_is_not_int() -> None:
    assert canonicalize([None, True, False, 1, 0]) == b"[null,true,false,1,0]"
    assert canonicalize({"a": True}) == b'{"a":true}'


def test_empty_containers_and_tuples() -> None:
    assert canonicalize({"a": [], "b": {}, "c": ()}) == b'{"a":[],"b":{},"c":[]}'
    assert canonicalize((1, (2, [3]))) == b"[1,[2,[3]]]"


def test_subclasses_are_written_as_their_base_type() -> None:
    class Kind(IntEnum):
        GRANT = 7

    class Name(str):
        __slots__ = ()

    value = OrderedDict([("z", Kind.GRANT), ("a", Name("x"))])
    assert canonicalize(value) == b'{"a":"x","z":7}'


def test_integer_limits() -> None:
    assert canonicalize(MAX_SAFE_INTEGER) == b"9007199254740991"
    assert canonicalize(-MAX_SAFE_INTEGER) == b"-9007199254740991"
    for too_big in (MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1, 10**30):
        with pytest.raises(CanonicalizationError, match="I-JSON"):
            canonicalize({"a": [too_big]})


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_rejected(number: float) -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize(number)
    with pytest.raises(CanonicalizationError):
        canonicalize({"x": [number]})


@pytest.mark.parametrize("key", [1, None, 1.5, True, ("a",), b"a"])
def test_non_str_member_names_rejected(key: object) -> None:
    with pytest.raises(CanonicalizationError, match="member names must be str"):
        canonicalize({key: 1})
    with pytest.raises(CanonicalizationError, match="member names must be str"):
        canonicalize({"ok": 1, "é": 2, key: 3})


@pytest.mark.parametrize(
    "value",
    [
        "\ud800",
        "a\udfffb",
        ["ok", "\ud83d"],
        {"\ud800": 1},
        {"é": 1, "\udc00": 2},
        {"\U0001f602": 1, "\ud800x": 2},
    ],
)
def test_lone_surrogates_rejected(value: object) -> None:
    with pytest.raises(CanonicalizationError, match="lone surrogate"):
        canonicalize(value)


def test_floats_rejected_anywhere_when_not_allowed() -> None:
    for value in (1.0, [1, 2.5], {"a": {"b": [0.0]}}, (math.nan,)):
        with pytest.raises(CanonicalizationError, match="floats are not allowed"):
            canonicalize(value, allow_floats=False)
    assert canonicalize({"a": [1, "2.5", None, True]}, allow_floats=False) == (
        b'{"a":[1,"2.5",null,true]}'
    )


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        (b"bytes", "bytes"),
        ({1, 2}, "set"),
        (Decimal("1.5"), "Decimal"),
        (object(), "object"),
        ({"a": [1, frozenset()]}, "frozenset"),
        (1j, "complex"),
    ],
)
def test_unsupported_types_rejected_by_name(value: object, type_name: str) -> None:
    with pytest.raises(CanonicalizationError, match=type_name):
        canonicalize(value)


def _nest(depth: int, *, as_object: bool) -> object:
    value: object = 1
    for _ in range(depth):
        value = {"a": value} if as_object else [value]
    return value


@pytest.mark.parametrize("as_object", [False, True])
def test_deep_nesting_is_fine_and_independent_of_the_callers_stack(as_object: bool) -> None:
    value = _nest(500, as_object=as_object)
    expected = canonicalize(value)
    assert json.loads(expected) == value

    def call_from_deep_stack(frames_left: int) -> bytes:
        if frames_left == 0:
            return canonicalize(value)
        return call_from_deep_stack(frames_left - 1)

    headroom = sys.getrecursionlimit() - 100
    assert call_from_deep_stack(headroom) == expected


@pytest.mark.parametrize("as_object", [False, True])
def test_nesting_limit(as_object: bool) -> None:
    assert canonicalize(_nest(MAX_NESTING_DEPTH, as_object=as_object))
    with pytest.raises(CanonicalizationError, match="nested deeper"):
        canonicalize(_nest(MAX_NESTING_DEPTH + 1, as_object=as_object))


def test_self_referencing_value_is_rejected_not_looped() -> None:
    cycle: list[object] = []
    cycle.append(cycle)
    with pytest.raises(CanonicalizationError, match="nested deeper"):
        canonicalize(cycle)


_SAFE_INTEGERS = st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
_JSON_WITHOUT_FLOATS = st.recursive(
    st.none() | st.booleans() | _SAFE_INTEGERS | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=40,
)


@given(_JSON_WITHOUT_FLOATS)
def test_round_trips_through_json_loads(value: object) -> None:
    assert json.loads(canonicalize(value)) == value


@given(_JSON_WITHOUT_FLOATS)
def test_idempotent_on_its_own_output(value: object) -> None:
    once = canonicalize(value)
    assert canonicalize(json.loads(once)) == once
    assert canonicalize(value, allow_floats=False) == once


@given(_JSON_WITHOUT_FLOATS)
def test_output_is_compact_sorted_json(value: object) -> None:
    text = canonicalize(value).decode("utf-8")
    # For these values only member order can differ from json.dumps' compact form, and
    # json.dumps sorts by code point, which agrees with UTF-16 order for BMP-only names.
    if not any(ord(ch) > 0xFFFF for ch in text):
        expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        assert text == expected


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_double_round_trips(number: float) -> None:
    text = canonicalize(number)
    assert float(text) == number
    # Integral doubles print without a fraction, and json.loads would read them back as
    # int (possibly beyond the I-JSON range), so stay in the double domain.
    assert canonicalize(json.loads(text, parse_int=float)) == text
