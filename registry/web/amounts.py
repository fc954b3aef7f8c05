"""Amounts typed as the portal writes them in the reader's language.

The API takes an amount in decimal digits with a decimal point (``1500.50``); the pages write
one in the reader's language (``1 500,50`` in Russian, ``1,500.50`` in English). A person
copies what a page shows, so a page reads an amount in its language's conventions (Babel,
CLDR) before the API's parser sees it: the search's filters and the desk's forms alike.
"""

import functools
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from babel import Locale, numbers

from registry.core.schemas import AMOUNT_PATTERN
from registry.reference.money import minor_units, supported_currencies

HINT_CURRENCIES: Final = ("UZS", "KZT", "USD", "EUR", "RUB")
"""The currencies a search's words are read as an amount in: the registry's two and those
people write beside them. Not every ISO code: "all 2024" (ALL), "try 50000" (TRY) and
"2024 cup" (CUP) are words."""
NOT_AMOUNT_DIGITS: Final = frozenset({4, 9})
"""How many digits a number typed bare (no group separator, no currency) more likely is a year
or a decree's number (4) or a taxpayer's number (STIR, 9) than an amount; 12 digits or more
likewise (a BIN), and 8 that read as a date (20240115, ``_is_date``): no amount is read in
them. Eight that are no date ("15000000", the search that asked for the hint) are one."""
NOT_AMOUNT_FROM_DIGITS: Final = 12
DATE_DIGITS: Final = 8
DATE_YEARS: Final = range(1900, 2100)

AMOUNT_MAX_DIGITS: Final = 24
"""More digits than any amount the registry holds (its column is a BIGINT of minor units):
a longer number is left for the API's message, unread."""


def read_amount(value: str, locale: Locale) -> str | None:
    """``value`` as the API writes an amount, when it is not one already and ``locale``
    reads it exactly as a number without a sign or an exponent; else ``None``. Anything
    Babel does not read exactly (a comma that is not this language's decimal mark or
    grouping, a group of the wrong length) is left for the API's message."""
    text = value.strip()
    if re.fullmatch(AMOUNT_PATTERN, text) or not re.fullmatch(r"[0-9\s.,\u00a0\u202f]+", text):
        return None
    if sum(character.isdigit() for character in text) > AMOUNT_MAX_DIGITS:
        return None
    if numbers.get_decimal_symbol(locale) == "," and re.fullmatch(r"[0-9]+,[0-9]{3}", text):
        # "15,000" on a page whose decimal mark is a comma: fifteen thousand written the
        # English way far more often than fifteen with three decimals (found by review).
        return None
    # Spaces typed between digits are read as the language's group separator, so that the
    # strict parse checks where they stand ("1 5" is no number, "100 000" is).
    grouped = re.sub(r"[\s\u00a0\u202f]+", numbers.get_group_symbol(locale), text)
    try:
        amount = numbers.parse_decimal(grouped, locale=locale, strict=True)
    except (numbers.NumberFormatError, ValueError, ArithmeticError):
        return None
    written = format(amount, "f")
    return written if re.fullmatch(AMOUNT_PATTERN, written) else None


@dataclass(frozen=True)
class TypedAmount:
    """An amount a search's words are: as the API writes an amount, and its currency's code
    when one was typed with it."""

    amount: str
    currency: str | None


def amount_in_query(q: str, locale: Locale) -> TypedAmount | None:
    """The amount ``q`` is, when it is one and nothing else: digits, perhaps with
    ``locale``'s group separators and decimal mark ("15 000 000", Russian "1 500,50", English
    "15,000,000"), perhaps with a currency's code or the symbol the page writes it with, before
    or after it ("15 000 000 UZS", "15 000 000 soʻm", "₸ 500 000"). Amounts are not words of
    the search's documents, so such a search finds nothing by them (a number of five digits or
    more may still begin a registration number); the awards' page then offers the amount
    filters instead. None for anything else, for zero, for an amount with more decimals than
    its currency has (or than any of ``HINT_CURRENCIES`` has, typed without one: "1.999 UZS"
    is no amount of sums), and for digits typed bare that more likely are a year, a date or a
    registration number (``NOT_AMOUNT_DIGITS``)."""
    text = q.strip()
    currency = None
    folded = text.casefold()
    for label, code in _currency_labels(str(locale)):
        if folded.startswith(label):
            text, currency = text[len(label) :].strip(), code
            break
        if folded.endswith(label):
            text, currency = text[: len(text) - len(label)].strip(), code
            break
    if not text[:1].isdigit():
        return None
    if currency is None and re.fullmatch(r"[0-9]+", text):
        if len(text) in NOT_AMOUNT_DIGITS or len(text) >= NOT_AMOUNT_FROM_DIGITS:
            return None
        if len(text) == DATE_DIGITS and _is_date(text):
            return None
    amount = text if re.fullmatch(AMOUNT_PATTERN, text) else read_amount(text, locale)
    if amount is None or Decimal(amount) == 0:
        return None
    places = minor_units(currency) if currency else max(minor_units(c) for c in HINT_CURRENCIES)
    if len(amount.partition(".")[2]) > places:
        return None
    return TypedAmount(amount, currency)


def _is_date(digits: str) -> bool:
    """Whether eight digits are a day as YYYYMMDD, in a year of 1900 to 2099."""
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return day.year in DATE_YEARS


@functools.cache
def _currency_labels(locale: str) -> tuple[tuple[str, str], ...]:
    """How a currency of ``HINT_CURRENCIES`` may be typed beside an amount on a page in
    ``locale``: its code, or the symbol the page writes it with ("soʻm", "₸", "$") where no
    other currency has that symbol; casefolded, the longest first (so "US$" is tried before
    "$")."""
    codes = sorted(supported_currencies())
    symbols = {code: numbers.get_currency_symbol(code, locale=locale).casefold() for code in codes}
    shared = Counter(symbols.values())
    labels = {code.casefold(): code for code in HINT_CURRENCIES}
    for code in HINT_CURRENCIES:
        symbol = symbols[code]
        if shared[symbol] == 1 and symbol not in labels and not symbol[:1].isdigit():
            labels[symbol] = code
    labels.update(
        (word.casefold(), code) for code, words in HOME_CURRENCY_WORDS.items() for word in words
    )
    return tuple(sorted(labels.items(), key=lambda label: (-len(label[0]), label[0])))


HOME_CURRENCY_WORDS: Final = {
    "UZS": ("сум", "сўм", "soʻm", "so'm", "so‘m"),
    "KZT": ("тенге", "теңге", "тг", "₸"),
}
"""The words people write after an amount in the registry's two currencies, whatever the
page's language writes ("сум" in Russian, where the Russian page writes UZS)."""
