"""Legal units of account: the amounts that Uzbek and Kazakh law states its caps and grant
sizes in, by the date from which each value applies.

- **BRV** (*bazaviy hisoblash miqdori*, base calculation amount), Uzbekistan, in UZS: set by
  presidential decree from a given day. Awards without a competition may reach 1,000 × BRV
  (decree UP-124 of 26 August 2024).
- **MCI** (*айлық есептік көрсеткіш*, monthly calculation index), Kazakhstan, in KZT: set for a
  calendar year by the law on the republican budget (sometimes changed within the year).
  Grant sizes are bands of MCI (short, medium, long).

A statement in a legal unit is (unit, multiplier, date): the registry keeps all three and the
money amount they give, multiplier × the unit's value on that date, in the currency's minor
units. A date before a unit's first row here is refused, never computed from a guess.

The values are data kept here with their sources; a new value is a new row (a release of the
registry), never an edit of an old one, since amounts already in the ledger were derived
from it. ``registry reference`` lists them.
"""

import enum
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Final

from registry.reference.money import MAX_MINOR_UNITS, InvalidAmount, minor_units
from registry.reference.refusals import Refusal


class LegalUnit(enum.StrEnum):
    BRV = "BRV"
    MCI = "MCI"


CURRENCY: Final = {LegalUnit.BRV: "UZS", LegalUnit.MCI: "KZT"}
COUNTRY: Final = {LegalUnit.BRV: "UZ", LegalUnit.MCI: "KZ"}
NAME: Final = {
    LegalUnit.BRV: "base calculation amount (Uzbekistan)",
    LegalUnit.MCI: "monthly calculation index (Kazakhstan)",
}


@dataclass(frozen=True)
class UnitValue:
    unit: LegalUnit
    effective: date
    """The first day on which this value applies; it applies until the next row's."""
    value: int
    """In whole units of the unit's currency."""
    source: str


VALUES: Final = (
    UnitValue(
        LegalUnit.BRV,
        date(2023, 5, 1),
        330_000,
        "Presidential decree of 2023 on raising wages, pensions and allowances from 1 May 2023 "
        "(reported by Bank va biznes, bankvabiznes.uz: 330,000 from 1 May 2023, before 300,000)",
    ),
    UnitValue(
        LegalUnit.BRV,
        date(2023, 10, 1),
        340_000,
        "Presidential decree of 2023 raising the BRV from 1 October 2023",
    ),
    UnitValue(
        LegalUnit.BRV,
        date(2024, 10, 1),
        375_000,
        "Presidential decree of 2024 raising the BRV from 1 October 2024 (the Ministry of "
        "Justice's reminder of current amounts gives 375,000)",
    ),
    UnitValue(
        LegalUnit.BRV,
        date(2025, 8, 1),
        412_000,
        "Presidential decree of June 2025 on social protection: the BRV is 412,000 from "
        "1 August 2025 (reported by UPL.uz and one.uz)",
    ),
    UnitValue(
        LegalUnit.MCI,
        date(2021, 1, 1),
        2_917,
        "Law of the Republic of Kazakhstan on the republican budget for 2021-2023",
    ),
    UnitValue(
        LegalUnit.MCI,
        date(2022, 1, 1),
        3_063,
        "Law of the Republic of Kazakhstan on the republican budget for 2022-2024",
    ),
    UnitValue(
        LegalUnit.MCI,
        date(2022, 4, 1),
        3_180,
        "Law of 2022 amending the republican budget for 2022-2024 (3,180 from 1 April 2022)",
    ),
    UnitValue(
        LegalUnit.MCI,
        date(2023, 1, 1),
        3_450,
        "Law of the Republic of Kazakhstan on the republican budget for 2023-2025",
    ),
    UnitValue(
        LegalUnit.MCI,
        date(2024, 1, 1),
        3_692,
        "Law of the Republic of Kazakhstan on the republican budget for 2024-2026",
    ),
    UnitValue(
        LegalUnit.MCI,
        date(2025, 1, 1),
        3_932,
        "Law of the Republic of Kazakhstan on the republican budget for 2025-2027",
    ),
    UnitValue(
        LegalUnit.MCI,
        date(2026, 1, 1),
        4_325,
        "Law of the Republic of Kazakhstan on the republican budget for 2026-2028, signed "
        "8 December 2025 (reported by Akorda, lada.kz, kt.kz)",
    ),
)

MAX_MULTIPLIER_DIGITS: Final = 4
"""A multiplier has at most this many decimal places ("2.5 MCI" and "0.25 BRV" happen)."""


class UnknownUnitValue(Refusal):
    """No value of the unit is known for the date asked."""


def values(unit: LegalUnit | None = None) -> list[UnitValue]:
    """The table, oldest first, for one unit or both."""
    return [row for row in VALUES if unit is None or row.unit is unit]


def value_on(unit: LegalUnit, day: date) -> UnitValue:
    """The value that applies on ``day``."""
    applies = [row for row in values(unit) if row.effective <= day]
    if not applies:
        first = values(unit)[0].effective
        # One sentence for each unit, as each language names it (БРВ, МРП).
        if unit is LegalUnit.BRV:
            raise UnknownUnitValue(
                "the registry knows the BRV only from %(first)s; state the amount in money",
                first=first,
            )
        raise UnknownUnitValue(
            "the registry knows the MCI only from %(first)s; state the amount in money",
            first=first,
        )
    return applies[-1]


def parse_multiplier(text: str) -> Decimal:
    """A positive decimal string with at most ``MAX_MULTIPLIER_DIGITS`` decimal places."""
    try:
        multiplier = Decimal(text)
    except InvalidOperation as exc:
        raise InvalidAmount(
            "%(multiplier)s is not a decimal number", multiplier=repr(text)
        ) from exc
    if not multiplier.is_finite() or multiplier <= 0:
        raise InvalidAmount("must be a positive decimal number")
    exponent = multiplier.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_MULTIPLIER_DIGITS:
        raise InvalidAmount("at most %(places)s decimal places", places=MAX_MULTIPLIER_DIGITS)
    return multiplier


def amount_minor(unit: LegalUnit, multiplier: Decimal, day: date) -> int:
    """multiplier × the unit's value on ``day``, in minor units of its currency."""
    return minor_amount_of(multiplier, value_on(unit, day).value, CURRENCY[unit])


def minor_amount_of(multiplier: Decimal, value: int, currency: str) -> int:
    """multiplier × value (whole currency units) in minor units, rounded half to even to the
    minor unit (exact for any multiplier of up to two decimal places)."""
    scale = 10 ** minor_units(currency)
    minor = int((multiplier * value * scale).to_integral_value(rounding=ROUND_HALF_EVEN))
    if minor > MAX_MINOR_UNITS:
        raise InvalidAmount("the amount this gives is too large")
    return minor


def in_units(unit: LegalUnit, minor: int, day: date) -> Decimal:
    """An amount in minor units expressed in the unit on ``day`` (for bands and caps)."""
    scale = 10 ** minor_units(CURRENCY[unit])
    return Decimal(minor) / Decimal(value_on(unit, day).value * scale)


def format_multiplier(multiplier: Decimal) -> str:
    """The canonical text of a multiplier: no exponent, no trailing zeros ("3000", "2.5")."""
    return format(multiplier.normalize(), "f")
