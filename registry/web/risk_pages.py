"""Risk indicators as the portal shows them: each flag's explanation said in the reader's
language from its template (``registry.risks.indicators``, a ``Rule``) through the catalogs,
its values written in the reader's locale (a date as the language writes dates, "3 дня",
"96 %", money as the pages write it; identifiers as they are), while the API keeps the
English text. The award page lists an award's flags; the competition page those its awards
raise, each said once however many of its awards raise it (the indicators about the
competition itself: its window, when it was entered, how many it admitted)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel import numbers
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from registry.core.messages import Money, Rule, english
from registry.publication import search
from registry.reference.money import format_amount
from registry.risks import service as risk_service
from registry.risks.indicators import Days, Flag, Indicator, Months, Percent, Recorded, Thresholds
from registry.web import i18n


@dataclass
class ShownFlag:
    """A flag as a page lists it: its indicator (and case, which names its heading), its
    explanation, the ledger entries it rests on, and the awards that raise it (on a
    competition's page). The explanation is said when the page is rendered, in the language
    the page is rendered in (a route runs before the page's language is set)."""

    indicator: str
    case: str | None
    rule: Rule
    seqs: list[int]
    award_ids: list[str] = field(default_factory=list)

    @property
    def explanation(self) -> Markup:
        return explained(self.rule)

    @property
    def english(self) -> bool:
        """Whether it is the API's English for want of a translation (marked lang="en")."""
        return in_english(self.rule)


def explained(rule: Rule) -> Markup:
    """A flag's explanation (or a part of one) in the reader's language: its template through
    the catalogs, each value in the reader's locale. A text recorded in no stated language
    (a reason) is marked ``lang=""``, as the pages mark such texts."""
    formats = i18n.formats(i18n.current())
    values = {name: _value(formats, value) for name, value in rule.values}
    return Markup(escape(i18n.gettext(rule.template))) % values  # noqa: S704 - escaped above


def _value(formats: i18n.Formats, value: object) -> Markup | str:  # noqa: PLR0911 - one a kind
    if isinstance(value, Rule):
        return explained(value)
    if isinstance(value, Recorded):
        return Markup('<span lang="">{}</span>').format(value)
    if isinstance(value, Days):
        return _days(formats, value.count)
    if isinstance(value, Months):
        return i18n.ngettext("%(num)s month", "%(num)s months", value.count) % {
            "num": formats.number(value.count)
        }
    if isinstance(value, Percent):
        # Whole percent, as the API rounds them ("96%"), as the language writes them ("96 %").
        return numbers.format_percent(value.share, locale=formats.locale)
    if isinstance(value, Money):
        return formats.money(format_amount(value.minor, value.currency), value.currency)
    if isinstance(value, date):
        return formats.date(value)
    if isinstance(value, Decimal):
        return formats.number(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return formats.number(int(value))  # a Grouped too, whose own text is the API's "1,000"
    return english(value)  # an identifier, a currency's code, a year: as it is


def _days(formats: i18n.Formats, count: int | Decimal) -> str:
    """A number of days in the reader's language. A whole number takes the form its number
    asks for ("1 день", "3 дня", "5 дней"); a fraction (a median, "12,5 дня") the form the
    languages give a fraction, which is 2's in each of ours (Russian's "дня", English's
    "days")."""
    whole = count == int(count)
    form = int(count) if whole else 2
    return i18n.ngettext("%(num)s day", "%(num)s days", form) % {
        "num": formats.number(int(count) if whole else count)
    }


def in_english(rule: Rule) -> bool:
    """Whether an explanation is shown in the API's English on a page in another language
    (marked ``lang="en"``): its template, or a part's, is in no catalog yet."""
    if i18n.current().code == "en":
        return False
    parts = [rule, *(value for _, value in rule.values if isinstance(value, Rule))]
    return any(i18n.gettext(part.template) == part.template for part in parts)


def shown(flag: Flag) -> ShownFlag:
    return ShownFlag(
        indicator=flag.indicator.value,
        case=flag.case.value if flag.case else None,
        rule=flag.explanation,
        seqs=list(flag.seqs),
    )


def of_award(session: Session, limits: Thresholds, award_id: str) -> list[ShownFlag]:
    """An award's flags, as ``/api/v1/risks?award=…`` would explain them."""
    return [
        shown(flag) for flag in risk_service.flags_of_awards(session, limits, [award_id])[award_id]
    ]


def of_competition(session: Session, limits: Thresholds, competition_id: str) -> list[ShownFlag]:
    """The flags a competition's awards raise, as ``/api/v1/risks?competition=…`` gives them
    (the same service), each explanation said once with every award that raises it and the
    entries they rest on: an indicator about the competition (its window, when it was entered
    into the ledger, a single admitted application) explains itself in the same words on each
    of its awards. In the indicators' order, then the order the API lists awards (newest
    entry first)."""
    newest_first, by_award = risk_service.flags_of_filtered(
        session, limits, search.AwardFilters(competition=(competition_id,))
    )
    said: dict[tuple[Indicator, str], tuple[Flag, ShownFlag]] = {}
    for _, award_id in newest_first:
        for flag in by_award.get(award_id, ()):
            key = (flag.indicator, str(flag.explanation))
            if key not in said:
                said[key] = (flag, shown(flag))
            item = said[key][1]
            item.award_ids.append(award_id)
            item.seqs = sorted({*item.seqs, *flag.seqs})
    order = {indicator: position for position, indicator in enumerate(Indicator)}
    return [
        item
        for _, (_, item) in sorted(
            said.items(), key=lambda entry: order[entry[0][0]]
        )  # a stable sort: awards keep their order within an indicator
    ]
