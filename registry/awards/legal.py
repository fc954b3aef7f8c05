"""An award's amount in legal units, and the two rules the law states in them.

- Kazakhstan: a grant stated in MCI falls in a size band (short 500–3,000 MCI for 3–12
  months, medium 3,000–10,000 MCI for 1–2 years, long ≥ 10,000 MCI for 2–3 years), and its
  period must be that band's length. At exactly 3,000 or 10,000 MCI either neighbouring band
  is accepted, since the law's bands share their ends.
- Uzbekistan: an award without a competition may not exceed 1,000 × BRV on its award date
  (decree UP-124 of 26 August 2024) unless a recorded ``cap_override`` says which legal basis
  allows it; an override on an award within the cap is refused, so that it means something.
"""

import calendar
import enum
import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from registry.core.errors import Unprocessable
from registry.core.messages import N_, Amount, Grouped, Money, Rule, said
from registry.core.schemas import Instrument, LegalUnitStatement
from registry.reference import legal_units
from registry.reference.countries import HOME_COUNTRIES
from registry.reference.legal_units import COUNTRY, LegalUnit, UnknownUnitValue
from registry.reference.money import (
    InvalidAmount,
    format_amount,
    normalize_currency,
    parse_amount,
)
from registry.reference.zones import local_zone

INSTRUMENTS_BY_COUNTRY: Final = {
    "UZ": frozenset({"grant", "subsidy", "social_contract"}),
    "KZ": frozenset({"grant", "social_contract", "strategic_partnership", "prize"}),
}
"""The forms of state support each country's law knows: Uzbekistan's Law "On Social
Partnership" (subsidy, social order, grant); Kazakhstan's Law No. 36 (state social order,
grant, strategic partnership order, prize). A funder of another country is not judged."""


def check_instrument(instrument: str, funder_id: str, *, field: str = "instrument") -> None:
    """The instrument is one the funder's country's law provides (``INSTRUMENTS_BY_COUNTRY``)."""
    country = funder_id[:2]
    known = INSTRUMENTS_BY_COUNTRY.get(country)
    if known is not None and instrument not in known:
        listed = functools.reduce(
            lambda first, second: Rule("%(first)s, %(second)s", first=first, second=second),
            [_instrument(name) for name in sorted(known)],
        )
        raise Unprocessable.for_field(
            field,
            Rule(NOT_IN_LAW[country], instrument=_instrument(instrument), known=listed)
            if country in NOT_IN_LAW
            else f"{instrument} is not a form of state support for NGOs in {country}; "
            f"{country}'s law knows {', '.join(sorted(known))}",
        )


NOT_IN_LAW: Final = {
    "UZ": N_(
        "%(instrument)s is not a form of state support for NGOs in UZ; UZ's law knows %(known)s"
    ),
    "KZ": N_(
        "%(instrument)s is not a form of state support for NGOs in KZ; KZ's law knows %(known)s"
    ),
}
"""An instrument its funder's country's law does not know, one sentence for each country (each
language names the country in the case its sentence needs); the instruments by the names the
pages give them."""


def _instrument(name: str) -> "Instrument | str":
    """An instrument as a rule names it (the portal by its name), or the text given."""
    return Instrument(name) if name in {item.value for item in Instrument} else name


NATIONAL_CURRENCY: Final = {"UZ": "UZS", "KZ": "KZT"}
DONOR_CURRENCIES: Final = frozenset({"USD", "EUR"})
"""What a state body gives besides its own country's money: donor co-funding (DOMAIN.md)."""


def check_currency(currency: str, funder_id: str) -> None:
    """A funder of Uzbekistan or Kazakhstan gives its own country's currency, or USD and EUR
    for donor co-funding: a Kazakh operator's award in UZS is a mistake (found by a funder's
    integrator), which no table of its would add up. A funder of another country (an
    international donor) is not judged."""
    own = NATIONAL_CURRENCY.get(funder_id[:2])
    if own is None or currency == own or currency in DONOR_CURRENCIES:
        return
    donors = functools.reduce(
        lambda first, second: Rule("%(first)s or %(second)s", first=first, second=second),
        sorted(DONOR_CURRENCIES),
    )
    raise Unprocessable.for_field(
        "currency",
        Rule(
            "%(funder)s gives %(own)s, or %(donors)s for donor co-funding, not %(currency)s",
            funder=funder_id,
            own=own,
            donors=donors,
            currency=currency,
        ),
    )


def check_unit(statement: LegalUnitStatement | None, funder_id: str) -> None:
    """An amount is stated in the legal unit of the funder's country's law (BRV in
    Uzbekistan, MCI in Kazakhstan), as its instrument is one that law provides: a Kazakh
    body's budget in BRV would be UZS fixed by an Uzbek decree. A funder of another country
    (an international donor) is not judged."""
    country = funder_id[:2]
    if statement is None or country not in HOME_COUNTRIES or COUNTRY[statement.unit] == country:
        return
    # Two home countries, one unit each: the funder's own is the other unit.
    raise Unprocessable.for_field(
        "legal_unit.unit", Rule(OTHER_COUNTRYS_UNIT[statement.unit], funder=funder_id)
    )


OTHER_COUNTRYS_UNIT: Final = {
    LegalUnit.BRV: N_(
        "BRV is Uzbekistan's unit of account; %(funder)s states amounts in MCI or in money"
    ),
    LegalUnit.MCI: N_(
        "MCI is Kazakhstan's unit of account; %(funder)s states amounts in BRV or in money"
    ),
}
"""What a funder that states an amount in another country's unit is told, by the unit (the
units by their names in the reader's language)."""
UNIT_CURRENCY: Final = {
    LegalUnit.BRV: N_("amounts in BRV are in UZS"),
    LegalUnit.MCI: N_("amounts in MCI are in KZT"),
}
"""What an amount stated in a unit but given in another currency than the unit's is told."""
UNIT_AMOUNT: Final = {
    LegalUnit.BRV: N_("%(multiplier)s BRV on %(on)s is %(derived)s, not %(amount)s"),
    LegalUnit.MCI: N_("%(multiplier)s MCI on %(on)s is %(derived)s, not %(amount)s"),
}
"""What an amount given beside a statement in a unit, and not what the statement makes, is
told."""


DIRECT_AWARD_CAP_BRV: Final = 1_000
"""Decree UP-124 of 26 August 2024: awards without a competition up to 1,000 × BRV."""


class SizeBand(enum.StrEnum):
    """A Kazakh grant's size, from its amount in MCI on its award date."""

    BELOW = "below"
    """Less than the short band's 500 MCI."""
    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"


@dataclass(frozen=True)
class Band:
    name: str
    smallest: int
    """In MCI, inclusive."""
    largest: int | None
    """In MCI, inclusive (None: no upper end)."""
    shortest_months: int
    longest_months: int


BANDS: Final = (
    Band(SizeBand.SHORT.value, 500, 3_000, 3, 12),
    Band(SizeBand.MEDIUM.value, 3_000, 10_000, 12, 24),
    Band(SizeBand.LONG.value, 10_000, None, 24, 36),
)


def band_of(mci: Decimal) -> str:
    """The size band a grant of ``mci`` falls in for search and statistics (the lower band
    at a shared end is not chosen: 3,000 MCI is medium, 10,000 long)."""
    if mci < BANDS[0].smallest:
        return SizeBand.BELOW.value
    for band in reversed(BANDS):
        if mci >= band.smallest:
            return band.name
    raise AssertionError("unreachable")


def kazakh_band(
    currency: str,
    instrument: str,
    amount_minor: int,
    award_date: date,
    statement: dict[str, Any] | None = None,
) -> str | None:
    """The size band of a Kazakh grant: from its statement in MCI if it has one (the band
    its period was checked against), else from its money amount in MCI on its award date
    (with this release's table: a projection, which a replay recomputes); None for anything
    else, or a date before the MCI table."""
    if currency != legal_units.CURRENCY[LegalUnit.MCI] or instrument != "grant":
        return None
    if statement is not None and statement.get("unit") == LegalUnit.MCI:
        return band_of(Decimal(statement["multiplier"]))
    try:
        mci = legal_units.in_units(LegalUnit.MCI, amount_minor, award_date)
    except UnknownUnitValue:
        return None
    return band_of(mci)


def currency_of(currency: str | None, statement: LegalUnitStatement | None) -> str:
    """The currency of an amount or a budget: as given (an ISO 4217 code the registry
    accepts), or, left out, its legal unit's (BRV: UZS, MCI: KZT), since the unit fixes it;
    ``stated_amount`` refuses one given that contradicts the unit."""
    if currency is None:
        if statement is None:
            raise Unprocessable.for_field(
                "currency",
                Rule("required unless legal_unit states the amount (its unit fixes it)"),
            )
        return legal_units.CURRENCY[statement.unit]
    try:
        return normalize_currency(currency)
    except InvalidAmount as exc:
        raise Unprocessable.for_field("currency", said(exc)) from exc


def stated_amount(
    statement: LegalUnitStatement | None,
    amount: str | None,
    currency: str,
    *,
    amount_field: str = "amount",
) -> tuple[str | None, dict[str, Any] | None]:
    """The money amount a statement gives (``format_amount`` form) and the statement as the
    ledger records it; (None, None) without one. ``amount``, if given, must equal it."""
    if statement is None:
        return None, None
    unit = statement.unit
    unit_currency = legal_units.CURRENCY[unit]
    if currency != unit_currency:
        raise Unprocessable.for_field(
            "currency",
            Rule(UNIT_CURRENCY[unit]),
        )
    try:
        multiplier = legal_units.parse_multiplier(statement.multiplier)
    except InvalidAmount as exc:
        raise Unprocessable.for_field("legal_unit.multiplier", said(exc)) from exc
    today = datetime.now(local_zone(COUNTRY[unit])).date()
    if statement.on > today:
        raise Unprocessable.for_field(
            "legal_unit.on",
            Rule("after today (%(today)s): its value is not known yet", today=today),
        )
    try:
        value = legal_units.value_on(unit, statement.on)
        derived_minor = legal_units.amount_minor(unit, multiplier, statement.on)
        derived = format_amount(derived_minor, currency)
    except UnknownUnitValue as exc:
        raise Unprocessable.for_field("legal_unit.on", said(exc)) from exc
    except InvalidAmount as exc:
        raise Unprocessable.for_field("legal_unit.multiplier", said(exc)) from exc
    if amount is not None and amount != derived:
        raise Unprocessable.for_field(
            amount_field,
            Rule(
                UNIT_AMOUNT[unit],
                # As typed (1.5, 2000), and as the reader's language writes numbers (1,5).
                multiplier=Decimal(legal_units.format_multiplier(multiplier)),
                on=statement.on,
                derived=Money(derived_minor, currency),
                # The amount given, as the API read it (1000.00), or as money on the portal.
                amount=Amount(parse_amount(amount, currency), currency),
            ),
        )
    return derived, {
        "unit": unit.value,
        "multiplier": legal_units.format_multiplier(multiplier),
        "on": statement.on.isoformat(),
        "value": str(value.value),
    }


def check_band(
    statement: dict[str, Any] | None,
    instrument: str,
    start: date,
    end: date,
    *,
    prefix: str = "",
) -> None:
    """A Kazakh grant stated in MCI: its period must be its size band's length (checked at
    publication and whenever an amendment or correction moves the period; ``prefix`` is
    "changes." for a correction)."""
    if statement is None or statement["unit"] != LegalUnit.MCI or instrument != "grant":
        return
    mci = Decimal(statement["multiplier"])
    if mci < BANDS[0].smallest:
        raise Unprocessable.for_field(
            "legal_unit.multiplier",
            Rule(
                "a Kazakh grant is at least %(smallest)s MCI (the short band)",
                smallest=BANDS[0].smallest,
            ),
        )
    fitting = [
        band
        for band in BANDS
        if band.smallest <= mci and (band.largest is None or mci <= band.largest)
    ]
    if any(_lasts(band, start, end) for band in fitting):
        return
    names = functools.reduce(
        lambda first, second: Rule("%(first)s or %(second)s", first=first, second=second),
        (_band_text(band) for band in fitting),
    )
    raise Unprocessable.for_field(
        prefix + "period",
        Rule("%(bands)s; this period is %(length)s", bands=names, length=_months_text(start, end)),
    )


def check_direct_cap(
    *,
    competition_id: str | None,
    funder_id: str,
    currency: str,
    amount_minor: int,
    award_date: date,
    cap_override: str | None,
    later: bool = False,
    prefix: str = "",
    amount_field: str = "amount",
) -> None:
    """An Uzbek award without a competition: at most 1,000 × BRV on its award date, unless
    ``cap_override`` records why. Not checked before the BRV table begins. ``later``: an
    amendment or correction that moves the amount or the date, judged only for passing the
    cap (an override already recorded may outlive a lower amount). ``amount_field``: what a
    publication's amount is named by (``legal_unit.multiplier`` if it was stated only so)."""
    if later:
        cap = direct_award_cap(funder_id, currency, award_date)
        if competition_id is None and cap is not None and amount_minor > cap and not cap_override:
            raise Unprocessable.for_field(
                prefix + "amount",
                Rule(
                    "above %(units)s × BRV on %(date)s (%(cap)s), the cap for an award without "
                    "a competition, and no cap_override was recorded",
                    **_cap_values(cap, currency, award_date),
                ),
            )
        return
    if competition_id is not None:
        if cap_override is not None:
            raise Unprocessable.for_field(
                "cap_override", Rule("only an award without a competition has a cap to override")
            )
        return
    cap = direct_award_cap(funder_id, currency, award_date)
    if cap is None:
        if cap_override is not None:
            raise Unprocessable.for_field(
                "cap_override", Rule("no cap in legal units applies to this award")
            )
        return
    if amount_minor > cap and cap_override is None:
        raise Unprocessable.for_field(
            amount_field,
            Rule(
                "above %(units)s × BRV on %(date)s (%(cap)s), the cap for an award without a "
                "competition; give cap_override with the legal basis that allows it",
                **_cap_values(cap, currency, award_date),
            ),
        )
    if amount_minor <= cap and cap_override is not None:
        raise Unprocessable.for_field(
            "cap_override",
            Rule(
                "the amount is within %(units)s × BRV (%(cap)s): there is nothing to override",
                units=Grouped(DIRECT_AWARD_CAP_BRV),
                cap=Money(cap, currency),
            ),
        )


def _cap_values(cap: int, currency: str, award_date: date) -> dict[str, object]:
    """What a refusal over the cap names: how many BRV, on which day, and what they make."""
    return {
        "units": Grouped(DIRECT_AWARD_CAP_BRV),
        "date": award_date,
        "cap": Money(cap, currency),
    }


def direct_award_cap(funder_id: str, currency: str, award_date: date) -> int | None:
    """1,000 × BRV on ``award_date`` in minor units, for an Uzbek funder's UZS award; None
    when the cap does not apply or the BRV table does not reach back to that date."""
    if not funder_id.startswith("UZ-") or currency != legal_units.CURRENCY[LegalUnit.BRV]:
        return None
    try:
        return legal_units.amount_minor(LegalUnit.BRV, Decimal(DIRECT_AWARD_CAP_BRV), award_date)
    except UnknownUnitValue:
        return None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day if it has fewer days."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _lasts(band: Band, start: date, end: date) -> bool:
    """Whether the period (both days included) is at least the band's shortest and at most
    its longest length."""
    after = end + timedelta(days=1)
    return (
        add_months(start, band.shortest_months) <= after <= add_months(start, band.longest_months)
    )


BAND_TEXTS: Final = {
    SizeBand.SHORT.value: N_(
        "a short grant (%(smallest)s–%(largest)s MCI) runs %(shortest)s–%(longest)s months"
    ),
    SizeBand.MEDIUM.value: N_(
        "a medium grant (%(smallest)s–%(largest)s MCI) runs %(shortest)s–%(longest)s months"
    ),
    SizeBand.LONG.value: N_(
        "a long grant (≥ %(smallest)s MCI) runs %(shortest)s–%(longest)s months"
    ),
}
"""How a period that does not fit is told each band it could have been (its sizes, the last
one without an upper end, and its lengths)."""


def _band_text(band: Band) -> Rule:
    sizes: dict[str, object] = {"smallest": Grouped(band.smallest)}
    if band.largest is not None:
        sizes["largest"] = Grouped(band.largest)
    return Rule(
        BAND_TEXTS[band.name],
        **sizes,
        shortest=band.shortest_months,
        longest=band.longest_months,
    )


def _months_text(start: date, end: date) -> Rule:
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if add_months(start, months) > after:
        months -= 1
    days = (after - add_months(start, months)).days
    if days:
        return Rule("%(months)s months and %(days)s days", months=months, days=days)
    return Rule("%(months)s months", months=months)
