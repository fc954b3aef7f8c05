"""Risk indicators: patterns in the ledger that a journalist or an auditor may want to look
into, each computed from recorded facts and explaining itself with them and the ledger seqs
they rest on. An indicator is a reason to look, never a finding: a short window may have been
lawful, a repeat winner may simply be the best.

Each indicator is a pure function of the loaded facts (``Facts``) and the thresholds
(``Thresholds``, set in the configuration); ``flags`` runs them all. The facts are those of
every award and competition of the funders concerned, since most indicators compare an award
with its funder's others (a median window, a share of wins, awards within 12 months).
"""

import enum
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final

from registry.awards.legal import DIRECT_AWARD_CAP_BRV, add_months, direct_award_cap
from registry.core.messages import Grouped, Money, Rule
from registry.reference.money import format_amount


class Indicator(enum.StrEnum):
    NEAR_DIRECT_CAP = "near_direct_cap"
    SPLIT_DIRECT_AWARDS = "split_direct_awards"
    AWARDED_BEFORE_CLOSE = "awarded_before_close"
    SHORT_WINDOW = "short_window"
    LATE_ANNOUNCEMENT = "late_announcement"
    WINDOW_BELOW_FUNDER_MEDIAN = "window_below_funder_median"
    DOMINANT_WINNER = "dominant_winner"
    REPEAT_WINNER = "repeat_winner"
    AMOUNT_RAISED = "amount_raised"
    LATE_PUBLICATION = "late_publication"
    SINGLE_ADMITTED = "single_admitted"
    NEW_ORGANIZATION = "new_organization"


@dataclass(frozen=True)
class Thresholds:
    cap_share: Decimal = Decimal("0.9")
    """near_direct_cap: a direct award at least this share of 1,000 × BRV."""
    split_months: int = 12
    """split_direct_awards: direct awards from one funder to one recipient within this many
    months whose total exceeds the cap."""
    short_window_days: int = 10
    """short_window: an application window shorter than this many days."""
    late_announcement_days: int = 10
    """late_announcement: a competition entered into the ledger after its window opened with
    fewer than this many days of it left, or after it closed."""
    median_window_share: Decimal = Decimal("0.5")
    """window_below_funder_median: a window shorter than this share of the funder's median."""
    dominant_share: Decimal = Decimal("0.5")
    """dominant_winner: one recipient with more than this share of the awards of a funder's
    competitions in a year, by count or by money."""
    dominant_min_competitions: int = 2
    """dominant_winner: only for funders with at least this many competitions in the year."""
    repeat_years: int = 3
    """repeat_winner: awards from one funder's competitions in at least this many years."""
    amendment_share: Decimal = Decimal("0.2")
    """amount_raised: amendments raising the amount by more than this share."""
    late_publication_days: int = 30
    """late_publication: entered into the ledger more than this many days after its award date."""
    new_organization_days: int = 180
    """new_organization: the recipient registered less than this many days before the
    competition opened (or, without one, before the award date)."""


@dataclass(frozen=True)
class AwardFacts:
    id: str
    funder_id: str
    recipient_id: str
    competition_id: str | None
    currency: str
    amount_minor: int
    original_amount_minor: int
    award_date: date
    published_on: date
    """The day the ledger recorded it (UTC)."""
    published_seq: int
    award_before_close: str | None
    amendment_seqs: tuple[int, ...] = ()


@dataclass(frozen=True)
class CompetitionFacts:
    id: str
    funder_id: str
    year: int
    opens_on: date
    closes_on: date
    published_seq: int
    applications: int | None
    admitted: int | None
    stage_seqs: tuple[int, ...] = ()
    recorded_on: date | None = None
    """The day the ledger recorded it, in its zone (as its window's days are); None where
    the ledger's day says nothing of when it was announced (an import of a past record)."""
    recorded_after_close: bool = False
    """Recorded at or after its closing instant (on its closing day, the hour decides)."""


@dataclass(frozen=True)
class OrganizationFacts:
    org_id: str
    registration_date: date | None
    registered_seq: int


@dataclass(frozen=True)
class Facts:
    awards: Sequence[AwardFacts]
    competitions: dict[str, CompetitionFacts]
    organizations: dict[str, OrganizationFacts]


@dataclass(frozen=True)
class Days:
    """A number of days (a ``Decimal`` for a median): "3 days" in the API's words, which has
    always said "days" whatever the number, as the portal counts days in the reader's
    language ("3 дня", "5 дней")."""

    count: int | Decimal

    def __str__(self) -> str:
        return f"{self.count:f} days" if isinstance(self.count, Decimal) else f"{self.count} days"


@dataclass(frozen=True)
class Months:
    """A number of months: "12 months" in the API's words, counted in the reader's language
    on the portal."""

    count: int

    def __str__(self) -> str:
        return f"{self.count} months"


@dataclass(frozen=True)
class Percent:
    """A share as a whole percentage: "96%" in the API's words, as the reader's language
    writes a percentage on the portal ("96 %")."""

    share: Decimal

    def __str__(self) -> str:
        return _percent(self.share)


class Recorded(str):
    """A text as its writer recorded it, in no stated language (an award's reason for coming
    before its competition's close): quoted as it is, marked as such on the portal."""

    __slots__ = ()


class Case(enum.StrEnum):
    """Which of an indicator's cases a flag is, where the portal names them apart."""

    SHORTLY_BEFORE_CLOSE = "shortly_before_close"
    AFTER_CLOSE = "after_close"


@dataclass(frozen=True)
class Flag:
    award_id: str
    indicator: Indicator
    explanation: Rule
    """The facts in words: the English text the API gives (a ``Rule`` is that text), said
    from its template and values in the reader's language on the portal."""
    facts: dict[str, str | int] = field(default_factory=dict)
    seqs: tuple[int, ...] = ()
    case: Case | None = None
    """``late_announcement``: entered shortly before its window closed, or after it closed."""


def flags(facts: Facts, thresholds: Thresholds) -> list[Flag]:
    """Every indicator raised by these facts, by award (ordered by award, then indicator)."""
    raised: list[Flag] = []
    for indicator in INDICATORS:
        raised.extend(indicator(facts, thresholds))
    order = {name: n for n, name in enumerate(Indicator)}
    return sorted(raised, key=lambda flag: (flag.award_id, order[flag.indicator]))


def _percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal(1))}%"


def near_direct_cap(facts: Facts, thresholds: Thresholds) -> Iterable[Flag]:
    for award in facts.awards:
        if award.competition_id is not None:
            continue
        cap = direct_award_cap(award.funder_id, award.currency, award.award_date)
        if cap is None or award.amount_minor < cap * thresholds.cap_share:
            continue
        share = Decimal(award.amount_minor) / cap
        yield Flag(
            award.id,
            Indicator.NEAR_DIRECT_CAP,
            Rule(
                "awarded %(amount)s without a competition: %(share)s of the cap of "
                "%(multiple)s × BRV (%(cap)s on %(date)s); the indicator starts at %(threshold)s",
                amount=Money(award.amount_minor, award.currency),
                share=Percent(share),
                multiple=Grouped(DIRECT_AWARD_CAP_BRV),
                cap=Money(cap, award.currency),
                date=award.award_date,
                threshold=Percent(thresholds.cap_share),
            ),
            {"amount": format_amount(award.amount_minor, award.currency), "cap": str(cap)},
            (award.published_seq,),
        )


def split_direct_awards(facts: Facts, thresholds: Thresholds) -> Iterable[Flag]:
    pairs: dict[tuple[str, str, str], list[AwardFacts]] = defaultdict(list)
    for award in facts.awards:
        if award.competition_id is None:
            pairs[(award.funder_id, award.recipient_id, award.currency)].append(award)
    for (funder_id, recipient_id, currency), awards in pairs.items():
        awards.sort(key=lambda award: (award.award_date, award.published_seq))
        flagged: set[str] = set()
        for n, last in enumerate(awards):
            since = add_months(last.award_date, -thresholds.split_months)
            group = [award for award in awards[: n + 1] if award.award_date > since]
            cap = direct_award_cap(funder_id, currency, last.award_date)
            total = sum(award.amount_minor for award in group)
            if len(group) < 2 or cap is None or total <= cap:  # noqa: PLR2004 - a split is two
                continue
            for award in group:
                if award.id in flagged:
                    continue
                flagged.add(award.id)
                yield Flag(
                    award.id,
                    Indicator.SPLIT_DIRECT_AWARDS,
                    Rule(
                        "%(awards)s awards without a competition from %(funder)s to "
                        "%(recipient)s within %(months)s (%(first)s to %(last)s) total "
                        "%(total)s, above the cap of %(cap)s",
                        awards=len(group),
                        funder=funder_id,
                        recipient=recipient_id,
                        months=Months(thresholds.split_months),
                        first=group[0].award_date,
                        last=last.award_date,
                        total=Money(total, currency),
                        cap=Money(cap, currency),
                    ),
                    {"awards": len(group), "total": format_amount(total, currency)},
                    tuple(sorted(award.published_seq for award in group)),
                )


def awarded_before_close(facts: Facts, _thresholds: Thresholds) -> Iterable[Flag]:
    for award in facts.awards:
        competition = facts.competitions.get(award.competition_id or "")
        if competition is None or award.award_date >= competition.closes_on:
            continue
        days = (competition.closes_on - award.award_date).days
        said = {
            "date": award.award_date,
            "days": Days(days),
            "competition": competition.id,
            "closes": competition.closes_on,
        }
        yield Flag(
            award.id,
            Indicator.AWARDED_BEFORE_CLOSE,
            Rule(
                "awarded on %(date)s, %(days)s before its competition %(competition)s closed "
                "(%(closes)s); the recorded reason: %(reason)s",
                **said,
                reason=Recorded(award.award_before_close),
            )
            if award.award_before_close
            else Rule(
                "awarded on %(date)s, %(days)s before its competition %(competition)s closed "
                "(%(closes)s)",
                **said,
            ),
            {"days": days},
            (competition.published_seq, award.published_seq),
        )


def _window_days(competition: CompetitionFacts) -> int:
    return (competition.closes_on - competition.opens_on).days


def short_window(facts: Facts, thresholds: Thresholds) -> Iterable[Flag]:
    for award in facts.awards:
        competition = facts.competitions.get(award.competition_id or "")
        if competition is None or _window_days(competition) >= thresholds.short_window_days:
            continue
        yield Flag(
            award.id,
            Indicator.SHORT_WINDOW,
            Rule(
                "applications to %(competition)s were open %(days)s (%(opens)s to %(closes)s); "
                "the indicator is for windows under %(threshold)s",
                competition=competition.id,
                days=Days(_window_days(competition)),
                opens=competition.opens_on,
                closes=competition.closes_on,
                threshold=Days(thresholds.short_window_days),
            ),
            {"window_days": _window_days(competition)},
            (competition.published_seq, award.published_seq),
        )


def late_announcement(facts: Facts, thresholds: Thresholds) -> Iterable[Flag]:
    """A competition the public register showed only once part of its window had gone by,
    with too few days of it left to prepare an application, or none. One recorded before it
    opened, or on its opening day, had its whole window: if that is short, it is
    ``short_window``'s case, not this one's."""
    for award in facts.awards:
        competition = facts.competitions.get(award.competition_id or "")
        if competition is None or competition.recorded_on is None:
            continue
        recorded_on = competition.recorded_on
        if competition.recorded_after_close:
            days_left, case = 0, Case.AFTER_CLOSE
            after = (recorded_on - competition.closes_on).days
            what = (
                Rule("%(days)s after its window closed", days=Days(after))
                if after
                else Rule("on its closing day, after applications had closed")
            )
        else:
            days_left = (competition.closes_on - recorded_on).days
            if (
                recorded_on <= competition.opens_on
                or days_left >= thresholds.late_announcement_days
            ):
                continue
            case = Case.SHORTLY_BEFORE_CLOSE
            what = (
                Rule("%(days)s before its window closed", days=Days(days_left))
                if days_left
                else Rule("on its closing day, hours before applications closed")
            )
        yield Flag(
            award.id,
            Indicator.LATE_ANNOUNCEMENT,
            Rule(
                "%(competition)s was entered into the ledger on %(recorded_on)s, %(what)s "
                "(applications %(opens)s to %(closes)s); the indicator is for a competition "
                "recorded after it opened with under %(threshold)s of its window left, or "
                "after it closed",
                competition=competition.id,
                recorded_on=recorded_on,
                what=what,
                opens=competition.opens_on,
                closes=competition.closes_on,
                threshold=Days(thresholds.late_announcement_days),
            ),
            {
                "recorded_on": recorded_on.isoformat(),
                "opens_on": competition.opens_on.isoformat(),
                "closes_on": competition.closes_on.isoformat(),
                "days_left": days_left,
            },
            (competition.published_seq, award.published_seq),
            case,
        )


def window_below_funder_median(facts: Facts, thresholds: Thresholds) -> Iterable[Flag]:
    by_funder: dict[str, list[int]] = defaultdict(list)
    for each in facts.competitions.values():
        by_funder[each.funder_id].append(_window_days(each))
    medians = {
        funder_id: Decimal(str(statistics.median(windows)))
        for funder_id, windows in by_funder.items()
    }
    for award in facts.awards:
        competition = facts.competitions.get(award.competition_id or "")
        if competition is None:
            continue
        windows = by_funder[competition.funder_id]
        median = medians[competition.funder_id]
        days = _window_days(competition)
        if len(windows) < 3 or days >= median * thresholds.median_window_share:  # noqa: PLR2004
            continue
        yield Flag(
            award.id,
            Indicator.WINDOW_BELOW_FUNDER_MEDIAN,
            Rule(
                "applications to %(competition)s were open %(days)s; the median window of "
                "%(funder)s is %(median)s over %(competitions)s competitions (the indicator is "
                "for windows under %(share)s of it)",
                competition=competition.id,
                days=Days(days),
                funder=competition.funder_id,
                median=Days(median.normalize()),
                competitions=len(windows),
                share=Percent(thresholds.median_window_share),
            ),
            {"window_days": days, "funder_median_days": f"{median.normalize():f}"},
            (competition.published_seq, award.published_seq),
        )


def _won_by_funder_year(facts: Facts) -> dict[tuple[str, int], dict[str, list[AwardFacts]]]:
    """Per funder and year, each recipient's awards from that funder's competitions."""
    won: dict[tuple[str, int], dict[str, list[AwardFacts]]] = defaultdict(lambda: defaultdict(list))
    for award in facts.awards:
        held_by = facts.competitions.get(award.competition_id or "")
        if held_by is not None:
            won[(held_by.funder_id, held_by.year)][award.recipient_id].append(award)
    return won


def dominant_winner(facts: Facts, thresholds: Thresholds) -> Iterable[Flag]:
    held: dict[tuple[str, int], set[str]] = defaultdict(set)
    for competition in facts.competitions.values():
        held[(competition.funder_id, competition.year)].add(competition.id)
    for (funder_id, year), by_recipient in _won_by_funder_year(facts).items():
        count_held = len(held[(funder_id, year)])
        if count_held < thresholds.dominant_min_competitions or len(by_recipient) < 2:  # noqa: PLR2004
            continue
        totals: dict[str, int] = defaultdict(int)
        everyone = 0
        for awards in by_recipient.values():
            everyone += len(awards)
            for award in awards:
                totals[award.currency] += award.amount_minor
        for recipient_id, awards in by_recipient.items():
            count_share = Decimal(len(awards)) / everyone
            # Money in each currency apart (never summed across): its largest share.
            money_share, currency = (
                max(
                    (
                        Decimal(sum(a.amount_minor for a in awards if a.currency == each))
                        / totals[each],
                        each,
                    )
                    for each in {award.currency for award in awards}
                    if totals[each]
                )
                if any(totals.values())
                else (Decimal(0), awards[0].currency)
            )
            if max(count_share, money_share) <= thresholds.dominant_share:
                continue
            for award in awards:
                yield Flag(
                    award.id,
                    Indicator.DOMINANT_WINNER,
                    Rule(
                        "%(recipient)s received %(awards)s of the %(everyone)s awards of the "
                        "%(held)s competitions %(funder)s held in %(year)s (%(count_share)s) "
                        "and %(money_share)s of their money in %(currency)s; the indicator is "
                        "for more than %(threshold)s of either",
                        recipient=recipient_id,
                        awards=len(awards),
                        everyone=everyone,
                        held=count_held,
                        funder=funder_id,
                        year=str(year),  # a year, not a count: never grouped ("2 026")
                        count_share=Percent(count_share),
                        money_share=Percent(money_share),
                        currency=currency,
                        threshold=Percent(thresholds.dominant_share),
                    ),
                    {"awards": len(awards), "of_awards": everyone},
                    tuple(sorted(a.published_seq for a in awards)),
                )


def repeat_winner(facts: Facts, thresholds: Thresholds) -> Iterable[Flag]:
    years: dict[tuple[str, str], dict[int, list[AwardFacts]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for (funder_id, year), by_recipient in _won_by_funder_year(facts).items():
        for recipient_id, awards in by_recipient.items():
            years[(funder_id, recipient_id)][year].extend(awards)
    for (funder_id, recipient_id), by_year in years.items():
        if len(by_year) < thresholds.repeat_years:
            continue
        listed = ", ".join(str(year) for year in sorted(by_year))
        seqs = tuple(sorted(a.published_seq for awards in by_year.values() for a in awards))
        for awards in by_year.values():
            for award in awards:
                yield Flag(
                    award.id,
                    Indicator.REPEAT_WINNER,
                    Rule(
                        "%(recipient)s won %(funder)s's competitions in %(years)s years "
                        "(%(listed)s); the indicator starts at %(threshold)s",
                        recipient=recipient_id,
                        funder=funder_id,
                        years=len(by_year),
                        listed=listed,
                        threshold=thresholds.repeat_years,
                    ),
                    {"years": len(by_year)},
                    seqs,
                )


def amount_raised(facts: Facts, thresholds: Thresholds) -> Iterable[Flag]:
    for award in facts.awards:
        if not award.original_amount_minor or not award.amendment_seqs:
            continue
        before = award.original_amount_minor
        rise = Decimal(award.amount_minor - before) / before
        if rise <= thresholds.amendment_share:
            continue
        yield Flag(
            award.id,
            Indicator.AMOUNT_RAISED,
            Rule(
                "amendments raised the amount from %(before)s to %(after)s (+%(rise)s); the "
                "indicator is for more than +%(threshold)s",
                before=Money(before, award.currency),
                after=Money(award.amount_minor, award.currency),
                rise=Percent(rise),
                threshold=Percent(thresholds.amendment_share),
            ),
            {"rise": _percent(rise)},
            (award.published_seq, *award.amendment_seqs),
        )


def late_publication(facts: Facts, thresholds: Thresholds) -> Iterable[Flag]:
    for award in facts.awards:
        days = (award.published_on - award.award_date).days
        if days <= thresholds.late_publication_days:
            continue
        yield Flag(
            award.id,
            Indicator.LATE_PUBLICATION,
            Rule(
                "entered into the ledger on %(published_on)s, %(days)s after its award date "
                "(%(award_date)s); the indicator is for more than %(threshold)s",
                published_on=award.published_on,
                days=Days(days),
                award_date=award.award_date,
                threshold=Days(thresholds.late_publication_days),
            ),
            {"days": days},
            (award.published_seq,),
        )


def single_admitted(facts: Facts, _thresholds: Thresholds) -> Iterable[Flag]:
    for award in facts.awards:
        competition = facts.competitions.get(award.competition_id or "")
        if competition is None:
            continue
        admitted = competition.admitted
        if admitted is None and competition.applications == 1:
            admitted = 1
        if admitted != 1:
            continue
        yield Flag(
            award.id,
            Indicator.SINGLE_ADMITTED,
            Rule(
                "%(competition)s admitted a single application of %(applications)s received: it "
                "was not contested",
                competition=competition.id,
                applications=competition.applications,
            )
            if competition.applications
            else Rule(
                "%(competition)s admitted a single application: it was not contested",
                competition=competition.id,
            ),
            {"admitted": 1},
            (*competition.stage_seqs, award.published_seq),
        )


def new_organization(facts: Facts, thresholds: Thresholds) -> Iterable[Flag]:
    for award in facts.awards:
        recipient = facts.organizations.get(award.recipient_id)
        if recipient is None or recipient.registration_date is None:
            continue
        competition = facts.competitions.get(award.competition_id or "")
        if competition is not None:
            start = competition.opens_on
            what = Rule("%(competition)s opened", competition=competition.id)
        else:
            start, what = award.award_date, Rule("the award date")
        days = (start - recipient.registration_date).days
        if days >= thresholds.new_organization_days:
            continue
        when = (
            Rule("%(days)s before", days=Days(days))
            if days >= 0
            else Rule("%(days)s after", days=Days(-days))
        )
        yield Flag(
            award.id,
            Indicator.NEW_ORGANIZATION,
            Rule(
                "%(organization)s was registered on %(registered)s, %(when)s %(what)s "
                "(%(start)s); the indicator is for under %(threshold)s",
                organization=recipient.org_id,
                registered=recipient.registration_date,
                when=when,
                what=what,
                start=start,
                threshold=Days(thresholds.new_organization_days),
            ),
            {"days": days},
            (recipient.registered_seq, award.published_seq),
        )


INDICATORS: Final[tuple[Callable[[Facts, Thresholds], Iterable[Flag]], ...]] = (
    near_direct_cap,
    split_direct_awards,
    awarded_before_close,
    short_window,
    late_announcement,
    window_below_funder_median,
    dominant_winner,
    repeat_winner,
    amount_raised,
    late_publication,
    single_admitted,
    new_organization,
)
