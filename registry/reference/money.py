"""Amounts of money as integers of the currency's minor unit, never as floats.

A float cannot hold 0.10 exactly, and the ledger's canonical JSON must not depend on how a
float is printed; so an amount is an ``int`` count of minor units (tiyin for UZS and KZT,
cents for USD) from the moment it enters the registry, and is written out as a decimal
string with exactly the currency's minor-unit digits (``"12500000.00"``).

The minor units are ISO 4217's, read from the ``iso4217`` package, which ships the ISO 4217
maintenance agency's (SIX) published table. CLDR (and so Babel) gives 0 digits for UZS and
KZT because cash is counted in whole units, but ISO 4217 says 2, and payment orders and
budget lines do carry tiyin; ISO is what the registry follows.

Different currencies are never added together: nothing here converts between them.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Final

from iso4217 import Currency, raw_xml

from registry.reference.refusals import Refusal

__all__ = [
    "MAX_MINOR_UNITS",
    "InvalidAmount",
    "UnknownCurrency",
    "format_amount",
    "minor_units",
    "normalize_currency",
    "parse_amount",
    "supported_currencies",
]

MAX_MINOR_UNITS: Final = 10**18
"""The largest amount accepted, in minor units: 10 quadrillion UZS, far past any grant.

It keeps an amount inside a signed 64-bit column (BIGINT) with room to sum many of them,
and turns a misplaced decimal point or a pasted account number into an error rather than
a record. Note that the ledger's canonical JSON (RFC 7493 I-JSON) carries integers only up
to 2**53 - 1 exactly; amounts above that must go into leaves as decimal strings
(``format_amount``), as the house style asks anyway.
"""

_DECIMAL: Final = re.compile(r"(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]+))?")
"""A plain decimal: ASCII digits, at most one point with digits on both sides, no sign."""

_MAX_WHOLE_DIGITS: Final = len(str(MAX_MINOR_UNITS))
"""More integer digits than this can only exceed MAX_MINOR_UNITS; checked before int()."""

_NOT_A_NUMBER_WORDS: Final = frozenset({"nan", "snan", "inf", "infinity"})
_EXPONENT_MARKERS: Final = frozenset("eE")
_GROUP_SEPARATORS: Final = frozenset(",_' \u00a0\u202f")
"""Thousands separators people type or paste: comma, underscore, apostrophe and spaces."""


class InvalidAmount(Refusal):
    """An amount or currency the registry does not accept; the message says why (an amount
    as given, quoted as Python quotes it: ``'1.999'``)."""


class UnknownCurrency(InvalidAmount):
    """The currency is not an ISO 4217 currency the registry accepts."""


def supported_currencies() -> frozenset[str]:
    """Every currency code accepted: those of ISO 4217 with a numeric minor unit, less funds.

    That excludes ISO's codes that are not money one is paid in: precious metals, SDRs and
    the test and "no currency" codes (their minor unit is "N.A."), and the fund codes
    (units of account such as CLF or USN, marked IsFund in the ISO table).
    """
    return frozenset(_exponents())


def normalize_currency(code: str) -> str:
    """The upper-case ISO 4217 code; raises UnknownCurrency if the registry does not accept it."""
    candidate = code.strip().upper()
    if candidate not in _exponents():
        raise UnknownCurrency(
            "%(code)s is not an ISO 4217 currency code the registry accepts "
            "(e.g. UZS, KZT, USD, EUR)",
            code=repr(code),
        )
    return candidate


def minor_units(currency: str) -> int:
    """ISO 4217's number of minor-unit digits of ``currency``: 2 for UZS, KZT, USD; 0 for JPY."""
    return _exponents()[normalize_currency(currency)]


def parse_amount(value: str | int | Decimal, currency: str, *, allow_zero: bool = False) -> int:
    """The amount ``value`` (in whole currency units) as an integer of minor units.

    ``value`` is a plain decimal string (``"12500000"``, ``"12500000.5"``,
    ``"12500000.50"``), an ``int`` or a ``Decimal``, in units of the currency (so
    ``parse_amount("12.5", "USD") == 1250``). Rejected, each with its own message: floats,
    negative amounts, zero (unless ``allow_zero``, for a correction that cancels a tranche),
    signs, exponents, NaN and infinities, thousands separators, more decimal places than the
    currency has minor-unit digits (even trailing zeros, so a JPY amount never shows
    cents), and more than ``MAX_MINOR_UNITS``.
    """
    exponent = minor_units(currency)
    # bool is an int subclass, and True is not an amount.
    if isinstance(value, bool):
        raise InvalidAmount("%(amount)s is a boolean, not an amount", amount=repr(value))
    if isinstance(value, float):
        raise InvalidAmount(
            "%(amount)s is a float, and floats cannot hold most decimal amounts exactly; "
            "pass a decimal string such as '12500000.50'",
            amount=repr(value),
        )
    if isinstance(value, int):
        amount = value * _scale(exponent)
    elif isinstance(value, Decimal):
        amount = _parse_decimal(value, exponent)
    elif isinstance(value, str):
        amount = _parse_text(value, exponent)
    else:
        raise InvalidAmount(
            "an amount is a decimal string, int or Decimal, not %(amount)s", amount=repr(value)
        )
    return _checked(amount, value, allow_zero=allow_zero)


def format_amount(minor_units: int, currency: str) -> str:
    """The decimal string for ``minor_units`` of ``currency``, with every minor-unit digit.

    ``format_amount(1250000000, "UZS") == "12500000.00"``; JPY has none, so no point.
    ``parse_amount(format_amount(n, c), c) == n`` for every accepted amount ``n``.
    """
    if isinstance(minor_units, bool) or not isinstance(minor_units, int):
        raise InvalidAmount("minor units are an int, not %(minor)s", minor=repr(minor_units))
    if minor_units < 0 or minor_units > MAX_MINOR_UNITS:
        raise InvalidAmount(
            "%(minor)s minor units is outside 0..%(most)s",
            minor=str(minor_units),
            most=str(MAX_MINOR_UNITS),
        )
    return amount_formatter(currency)(minor_units)


@cache
def amount_formatter(currency: str) -> Callable[[int], str]:
    """``format_amount`` for one currency, without the checks: for amounts the registry has
    already stored (a download formats three per row, millions of rows)."""
    exponent = _exponents()[normalize_currency(currency)]
    if exponent == 0:
        return str
    scale = _scale(exponent)

    def formatted(minor_units: int) -> str:
        whole, fraction = divmod(minor_units, scale)
        return f"{whole}.{fraction:0{exponent}d}"

    return formatted


@dataclass(frozen=True)
class Given:
    """An amount given as text, in a refusal: quoted as the API has always quoted it,
    ``'1.999'`` (``repr``), while the portal writes it, where it is a plain decimal, as the
    reader's language writes numbers (the desk's reader typed ``1,999`` in Russian)."""

    text: str

    def __str__(self) -> str:
        return repr(self.text)


def _quoted(value: object) -> object:
    """An amount as a refusal names it: a text given (``Given``), else as Python writes it."""
    return Given(value) if isinstance(value, str) else repr(value)


def _parse_text(text: str, exponent: int) -> int:
    stripped = text.strip()
    match = _DECIMAL.fullmatch(stripped)
    if match is None:
        raise _why_not_decimal(text, stripped)
    whole, fraction = match["whole"], match["fraction"] or ""
    _check_places(Given(text), len(fraction), exponent)
    if len(whole.lstrip("0")) > _MAX_WHOLE_DIGITS:
        raise _too_large(Given(text))
    return int(whole) * _scale(exponent) + int(fraction.ljust(exponent, "0") or "0")


def _parse_decimal(value: Decimal, exponent: int) -> int:
    if not value.is_finite():
        raise InvalidAmount("%(amount)s is not a finite number", amount=repr(value))
    if value.is_signed():
        raise InvalidAmount("%(amount)s is negative; amounts are positive", amount=repr(value))
    # Judge a Decimal by its digits as written, like a string: Decimal("5.000") has three
    # places. Looking at the exponent first also keeps Decimal("1E-99999") cheap.
    places = -int(value.as_tuple().exponent)
    _check_places(repr(value), places, exponent)
    if value.adjusted() >= _MAX_WHOLE_DIGITS:
        raise _too_large(repr(value))
    return int(value.scaleb(exponent))


def _scale(exponent: int) -> int:
    """Minor units per whole unit; typed, since ``int ** int`` may be a float to mypy."""
    return int(10**exponent)


def _check_places(shown: object, places: int, exponent: int) -> None:
    if places > exponent:
        raise InvalidAmount(
            "%(amount)s has %(places)s decimal place(s); the currency has %(digits)s "
            "minor-unit digit(s)",
            amount=shown,
            places=places,
            digits=exponent,
        )


def _checked(amount: int, shown: object, *, allow_zero: bool) -> int:
    if amount < 0:
        raise InvalidAmount("%(amount)s is negative; amounts are positive", amount=_quoted(shown))
    if amount == 0 and not allow_zero:
        raise InvalidAmount(
            "%(amount)s is zero; an award or tranche has a positive amount",
            amount=_quoted(shown),
        )
    if amount > MAX_MINOR_UNITS:
        raise _too_large(_quoted(shown))
    return amount


def _too_large(shown: object) -> InvalidAmount:
    # The limit in plain digits, as the API has always written it (not a count to group).
    return InvalidAmount(
        "%(amount)s is larger than %(most)s minor units", amount=shown, most=str(MAX_MINOR_UNITS)
    )


def _why_not_decimal(text: str, stripped: str) -> InvalidAmount:
    """The most useful reason a string is not a plain decimal: the first that applies."""
    if not stripped:
        return InvalidAmount("the amount is empty")
    characters = set(stripped)
    shown = Given(text)
    reasons = (
        (
            stripped.startswith("-"),
            InvalidAmount("%(amount)s is negative; amounts are positive", amount=shown),
        ),
        (
            stripped.startswith("+"),
            InvalidAmount("%(amount)s has a sign; write the digits alone", amount=shown),
        ),
        (
            stripped.casefold() in _NOT_A_NUMBER_WORDS,
            InvalidAmount("%(amount)s is not a finite number", amount=shown),
        ),
        (
            bool(_EXPONENT_MARKERS & characters),
            InvalidAmount(
                "%(amount)s uses an exponent; write the amount out in full", amount=shown
            ),
        ),
        (
            bool(_GROUP_SEPARATORS & characters),
            InvalidAmount(
                "%(amount)s contains a thousands separator or a decimal comma; "
                "write digits with at most one '.' for the decimal point",
                amount=shown,
            ),
        ),
    )
    return next(
        (reason for applies, reason in reasons if applies),
        InvalidAmount(
            "%(amount)s is not a plain decimal number such as '12500000.50'", amount=shown
        ),
    )


@cache
def _exponents() -> dict[str, int]:
    """Accepted currency code -> ISO 4217 minor-unit digits, read once from the ISO table."""
    funds = {
        entry.findtext("Ccy")
        for entry in raw_xml.iter("CcyNtry")
        if entry.find("CcyNm[@IsFund='true']") is not None
    }
    return {
        currency.code: currency.exponent
        for currency in Currency
        if currency.exponent is not None and currency.code not in funds
    }
