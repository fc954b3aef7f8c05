"""Business rules' messages that a person may read in another language than the API's.

A service refuses a write with a ``Rule``: a template with named placeholders
(``%(amount)s``, gettext's form) and the values it names. It *is* the English text the API
has always said (a ``str``, built from the template and the values written as the API writes
them: a date as YYYY-MM-DD, an amount as ``"10000000.00 UZS"``), so the problem+json
``detail`` and ``errors[].message`` are unchanged, and every caller that joins, compares or
prefixes messages keeps working. The portal says the same refusal from the template, through
its catalogs, with each value written in the reader's locale (``10 000 000 soʻm``, a date as
the language writes dates, a stage by the name the pages give it).

The templates are extracted by Babel (``babel.cfg`` knows ``Rule`` and ``N_`` in
``registry/``) into the portal's catalogs, and translated there.
"""

import ast
import enum
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Self

from registry.reference.money import format_amount
from registry.reference.refusals import Refusal
from registry.reference.regions import region_name


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "extract this, translate later"
    """Marks a rule's template for the catalogs where it is declared apart from its ``Rule``
    (one template of several a rule chooses from)."""
    return message


@dataclass(frozen=True)
class Money:
    """An amount in its currency's minor units: ``10000000.00 UZS`` in the API's words, as
    the pages write money in the reader's language on the portal."""

    minor: int
    currency: str

    def __str__(self) -> str:
        return f"{format_amount(self.minor, self.currency)} {self.currency}"


@dataclass(frozen=True)
class Amount(Money):
    """An amount as it was given, in the currency the sentence names elsewhere: ``1000.00``
    in the API's words (no code after it), while the portal writes it as money in the
    reader's language like any other (``1 000 UZS``)."""

    def __str__(self) -> str:
        return format_amount(self.minor, self.currency)


@dataclass(frozen=True)
class LocalTime:
    """A time of day where it is counted (a competition's deadline in its zone), to the
    minute: ``2026-05-01 18:00`` in the API's words, or with ``offset`` as ISO 8601 gives it,
    ``2026-05-01T18:00+05:00``."""

    at: datetime
    offset: bool = False

    def __str__(self) -> str:
        if self.offset:
            return self.at.isoformat(timespec="minutes")
        return self.at.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Region:
    """A region or a country by its code: named as pycountry names it in the API's words
    (``Uzbekistan``), as the pages name it in the reader's language (``Узбекистан``)."""

    code: str

    def __str__(self) -> str:
        return region_name(self.code)


class Grouped(int):
    """A count the API writes with its thousands grouped by commas (``1,000 × BRV``, a band
    of ``3,000–10,000 MCI``), as the portal writes any count with the reader's grouping."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{int(self):,}"

    def __repr__(self) -> str:
        return f"Grouped({int(self)})"


class Alternatives(tuple[str, ...]):
    """Values one of which is asked for (a choice's): ``'grant', 'subsidy' or 'prize'`` in
    pydantic's words (each as Python quotes it, the last after "or"), as the reader's
    language lists alternatives on the portal."""

    __slots__ = ()

    @classmethod
    def read(cls, listed: str) -> "Alternatives | str":
        """The values pydantic lists in an error's ``expected``; the text itself where it
        is not read back as written."""
        found = cls(ast.literal_eval(part) for part in _QUOTED.findall(listed))
        return found if found and str(found) == listed else listed

    def __str__(self) -> str:
        quoted = [repr(value) for value in self]
        return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]


_QUOTED = re.compile(r"'[^'\\]*'|\"[^\"\\]*\"")


def english(value: object) -> str:
    """A value as the API writes it in a message: a date as YYYY-MM-DD, an enumeration by its
    value (a stage as ``applications_closed``), a number in plain digits (a ``Decimal`` with
    a point and no exponent: ``1.5``, ``2000``)."""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class Rule(str):
    """A rule's message: the English text itself, with the template and the values it was
    said from (``Rule("adds up to %(sum)s, not %(total)s", sum=35, total=40)`` is the text
    ``adds up to 35, not 40``).

    A value is given as what it is, for the portal to write it in the reader's locale: a
    ``date``, an ``int`` that counts something (its digits grouped there), a ``Decimal`` (a
    multiplier, ``1.5``, with the reader's decimal mark there), a ``Money`` (an ``Amount``
    where the API names no currency after it), a ``LocalTime``, an enumeration the portal
    names (a competition's stage, an instrument), a ``Region`` (a country, named), the
    ``Alternatives`` one of which is asked for (listed as the reader's language lists them); an
    identifier (an entry's number, an id, a zone) or a number that counts nothing (a year, a
    round's number) as a ``str``, which every language writes as it is; a part of the
    sentence that is itself said in words (one of several bands, a length of months and days)
    as a ``Rule``, said in the reader's language in its turn."""

    __slots__ = ("template", "values")
    template: str
    values: tuple[tuple[str, object], ...]

    def __new__(cls, template: str, /, **values: object) -> Self:
        text = template % {name: english(value) for name, value in values.items()}
        made = super().__new__(cls, text)
        made.template = template
        made.values = tuple(values.items())
        return made

    def __reduce__(self) -> tuple[object, ...]:
        # Copied or pickled as what it is, not as the plain text.
        return (_rule, (self.template, self.values))


def _rule(template: str, values: tuple[tuple[str, object], ...]) -> Rule:
    return Rule(template, **dict(values))


def rule_of(refusal: Refusal) -> Rule:
    """A refusal of the reference data (an amount, a legal unit's date) as a service's rule,
    for the portal to say it in the reader's language; the same English text."""
    return Rule(refusal.template, **refusal.values)


def said(error: BaseException) -> str:
    """An error's message as a ``Rule`` when it carries one, as its first argument (a
    validator's ``ValueError(Rule(…))``, which pydantic keeps as the error it caught) or as a
    ``Refusal``'s template; else its text. ``str(error)`` would be the text alone."""
    if isinstance(error, Refusal):
        return rule_of(error)
    if error.args and isinstance(error.args[0], Rule):
        return error.args[0]
    return str(error)
