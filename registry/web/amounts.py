"""Amounts typed as the portal writes them in the reader's language.

The API takes an amount in decimal digits with a decimal point (``1500.50``); the pages write
one in the reader's language (``1 500,50`` in Russian, ``1,500.50`` in English). A person
copies what a page shows, so a page reads an amount in its language's conventions (Babel,
CLDR) before the API's parser sees it: the search's filters and the desk's forms alike.
"""

import re
from typing import Final

from babel import Locale, numbers

from registry.core.schemas import AMOUNT_PATTERN

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
