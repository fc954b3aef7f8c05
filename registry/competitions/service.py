"""Competitions: posted by a funder, amended, cancelled, results published.

The public status is derived, never stored: ``cancelled`` and ``awarded`` (results published)
come from events, ``planned``, ``open`` and ``closed`` from the application window and now.
"""

from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import journal
from registry.auth.principal import Principal
from registry.awards import legal
from registry.awards.models import Award
from registry.competitions.models import Competition, CompetitionEvent
from registry.competitions.schemas import (
    STAGE_EVENTS,
    ApplicationsClosed,
    CommissionDecided,
    CompetitionAmended,
    CompetitionCancelled,
    CompetitionCreate,
    CompetitionEventCreate,
    CompetitionStatus,
    ComplianceChecked,
    Stage,
    StageEvent,
)
from registry.core import clock
from registry.core.errors import Conflict, FieldError, NotFound, Unprocessable
from registry.core.ids import next_id
from registry.core.messages import LocalTime, Money, Region, Rule, said
from registry.core.schemas import Instrument, Window, merged_text
from registry.ledger import service as ledger_service
from registry.ledger.service import NewEntry
from registry.organizations import service as organization_service
from registry.reference.countries import HOME_COUNTRIES
from registry.reference.money import InvalidAmount, format_amount, parse_amount
from registry.reference.zones import country_zones, local_zone

PUBLISHED = "competition.published"
EVENT_KINDS = {
    "amended": "competition.amended",
    "cancelled": "competition.cancelled",
    "results_published": "competition.results_published",
    **{stage.value: f"competition.{stage.value}" for stage in Stage},
}
STAGE_ORDER = list(Stage)
ID_PREFIX = "CMP"
ID_WIDTH = 5


def status(competition: Competition, now: datetime | None = None) -> CompetitionStatus:
    if competition.state == "cancelled":
        return CompetitionStatus.CANCELLED
    if competition.state == "results_published":
        return CompetitionStatus.AWARDED
    now = now or clock.now()
    if now < competition.opens_at:
        return CompetitionStatus.PLANNED
    if now < competition.closes_at:
        return CompetitionStatus.OPEN
    return CompetitionStatus.CLOSED


def _amount(value: str, currency: str, field: str) -> int:
    try:
        return parse_amount(value, currency)
    except InvalidAmount as exc:
        raise Unprocessable.for_field(field, said(exc)) from exc


def publish(session: Session, *, principal: Principal, data: CompetitionCreate) -> Competition:
    funder_id = organization_service.canonical_org_id(data.funder_id, field="funder_id")
    principal.check_acts_for(funder_id, field="funder_id")
    legal.check_instrument(data.instrument.value, funder_id)
    legal.check_unit(data.legal_unit, funder_id)
    currency = legal.currency_of(data.currency, data.legal_unit)
    given = (
        format_amount(_amount(data.budget, currency, "budget"), currency)
        if data.budget is not None
        else None
    )
    derived, stated = legal.stated_amount(data.legal_unit, given, currency, amount_field="budget")
    legal.check_currency(currency, funder_id)  # after the unit's own currency
    if derived is None and given is None:
        raise Unprocessable.for_field("budget", Rule("required unless legal_unit states it"))
    budget = parse_amount(derived or given or "0", currency)
    region = organization_service.canonical_region(data.region) if data.region else None
    if region is not None:
        organization_service.check_funded_region(region, funder_id)
    zone = _named_zone(data.time_zone, funder_id) if data.time_zone is not None else None
    zone = zone or local_zone(region, funder_id)
    _check_offsets(zone, data.window.opens, data.window.closes, "window.")
    _check_year(data.year, data.window.opens, data.window.closes, zone)
    ledger_service.lock(session)
    organization_service.get(session, funder_id, field="funder_id")
    if data.source_id is not None and find_by_source(session, funder_id, data.source_id):
        raise Conflict.for_field(
            "source_id",
            Rule(
                "%(funder)s already published %(source_id)s",
                funder=funder_id,
                source_id=data.source_id,
            ),
        )
    if data.round_number is not None:
        _check_round(session, funder_id, data.instrument.value, data.year, data.round_number)
    competition_id = next_id(session, Competition.id, ID_PREFIX, data.year, ID_WIDTH)
    body = {
        "id": competition_id,
        "funder_id": funder_id,
        "instrument": data.instrument.value,
        "year": data.year,
        "round_number": data.round_number,
        "title": data.title.as_dict(),
        "description": data.description.as_dict() if data.description else None,
        "eligibility": data.eligibility.as_dict() if data.eligibility else None,
        "themes": data.themes,
        "budget": format_amount(budget, currency),
        "currency": currency,
        "opens_at": data.window.opens.isoformat(),
        "closes_at": data.window.closes.isoformat(),
        "region": region,
        "legal_basis": data.legal_basis,
    }
    if stated is not None:
        body["legal_unit"] = stated
    if data.time_zone is not None:
        body["time_zone"] = data.time_zone
    if data.source_id is not None:
        body["source_id"] = data.source_id
    journal.record(
        session,
        [NewEntry(kind=PUBLISHED, subject=competition_id, actor=principal.actor, body=body)],
    )
    return get(session, competition_id)


def add_event(
    session: Session,
    *,
    principal: Principal,
    competition_id: str,
    event: CompetitionEventCreate,
    id_field: str = "path.competition_id",
) -> Competition:
    """Record ``event``; an unknown competition is a ``NotFound`` naming ``id_field``, where
    ``competition_id`` came from."""
    ledger_service.lock(session)
    competition = get(session, competition_id, field=id_field)
    principal.check_acts_for(competition.funder_id)
    current = status(competition)
    if current is CompetitionStatus.CANCELLED:
        raise Conflict.for_field(
            "type", Rule("the competition was cancelled; it takes no more events")
        )
    body: dict[str, Any]
    if isinstance(event, CompetitionAmended):
        body = {"changes": _changes(session, competition, event), "reason": event.reason}
    elif isinstance(event, CompetitionCancelled):
        if competition.award_count:
            raise Conflict.for_field(
                "type",
                Rule(
                    "%(count)s awards were made from this competition",
                    count=competition.award_count,
                ),
            )
        body = {"reason": event.reason}
    elif isinstance(event, STAGE_EVENTS):
        body = _stage(competition, event)
    else:
        if current in (CompetitionStatus.PLANNED, CompetitionStatus.OPEN):
            raise Conflict.for_field("type", Rule("results come after applications close"))
        if current is CompetitionStatus.AWARDED:
            raise Conflict.for_field("type", Rule("results were already published"))
        body = event.model_dump(mode="json", exclude={"type"})
    journal.record(
        session,
        [
            NewEntry(
                kind=EVENT_KINDS[event.type],
                subject=competition_id,
                actor=principal.actor,
                body=body,
            )
        ],
    )
    return get(session, competition_id)


def zone_of(competition: Competition, *, region: str | None = None) -> ZoneInfo:
    """Where the competition's deadlines and stage dates are counted: the zone it names, or
    else its region's (``region`` if it is being changed) or its funder's country's."""
    if competition.time_zone:
        return ZoneInfo(competition.time_zone)
    return local_zone(region or competition.region, competition.funder_id)


def closing_day(competition: Competition) -> date:
    """The day its applications close, in its zone: an award dated before it is made before
    the close (``awards.service``), one dated on or after it is not."""
    return competition.closes_at.astimezone(zone_of(competition)).date()


def opening_day(competition: Competition) -> date:
    """The day its call opens, in its zone: no award of it is dated earlier."""
    return competition.opens_at.astimezone(zone_of(competition)).date()


def _named_zone(name: str, funder_id: str) -> ZoneInfo:
    """The zone a competition names, checked: a real IANA zone and, for an Uzbek or Kazakh
    funder, one of its own country's, as its competitions lie in its country
    (``check_funded_region``): a Kazakh akimat's deadlines in Moscow time or UTC would show
    every deadline and stage date in a time the competition is not held in."""
    try:
        zone = ZoneInfo(name)
    # A name that is a folder of the zone database ("Asia") fails with an OSError.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise Unprocessable.for_field(
            "time_zone", Rule("%(zone)s is not an IANA time zone", zone=repr(name))
        ) from None
    country = funder_id[:2]
    if country in HOME_COUNTRIES:
        own = country_zones(country)
        if zone.key not in own:
            raise Unprocessable.for_field(
                "time_zone",
                Rule(
                    "%(zone)s is not a time zone of %(country)s, where %(funder_id)s's "
                    "competitions are held; give one of %(zones)s",
                    zone=zone.key,
                    country=Region(country),
                    funder_id=funder_id,
                    zones=", ".join(sorted(own)),
                ),
            )
    return zone


def _check_offsets(zone: ZoneInfo, opens: datetime, closes: datetime, prefix: str) -> None:
    """A window's times carry the offsets of the zone its deadlines are counted in, whether
    the competition names that zone or takes its region's or funder's country's: a time in
    another offset is most likely a deadline counted in the wrong zone. Both times are
    judged, and each that is wrong is named, so that both are fixed at once."""
    errors = []
    for field, moment in (("opens", opens), ("closes", closes)):
        expected = moment.astimezone(zone).utcoffset()
        if moment.utcoffset() != expected:
            message = Rule(
                "%(moment)s is not %(zone)s time (its offset then: %(offset)s)",
                moment=moment.isoformat(),  # as it was given, its offset in it
                zone=zone.key,
                offset=_offset(expected),
            )
            errors.append(FieldError(field=prefix + field, message=message))
    if errors:
        raise Unprocessable("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)


def programme_years(opens: datetime, closes: datetime, zone: tzinfo) -> tuple[int, int]:
    """The first and the last programme year a round with this window may belong to: the
    year its window opens in (in its zone) to the year after it closes (``_check_year``'s
    rule, which the desk's year box says too)."""
    return opens.astimezone(zone).year, closes.astimezone(zone).year + 1


def _check_year(year: int, opens: datetime, closes: datetime, zone: ZoneInfo) -> None:
    """The programme year a round belongs to is the year its window opens or closes in (in
    its zone), or the year after it closes: a round of next year's programme may be
    announced and held at the end of the year before, so that its projects start in January.
    Any other year is most likely a slip (2019 or 2031 for a window in 2026). Judged at
    publication only: a round postponed by an amendment keeps its year."""
    first, last = programme_years(opens, closes, zone)
    if not first <= year <= last:
        years = [str(each) for each in range(first, last + 1)]
        raise Unprocessable.for_field(
            "year",
            Rule(
                "%(year)s is not this window's programme year: the year the window opens or "
                "closes in, or the year after (%(years)s or %(last)s, %(zone)s)",
                year=str(year),  # a year, never grouped as a count ("2 026")
                years=", ".join(years[:-1]),
                last=years[-1],
                zone=zone.key,
            ),
        )


def _check_round(
    session: Session, funder_id: str, instrument: str, year: int, round_number: int
) -> None:
    """Rounds are numbered within a year ("the fifth grant competition of 2025"), by each
    funder for each instrument, so a number taken by a competition that was not cancelled is
    most likely the same round published twice (a retry without an Idempotency-Key). A
    cancelled round's number may be announced again. Read under the ledger's lock."""
    statement = (
        select(Competition.id)
        .where(
            Competition.funder_id == funder_id,
            Competition.instrument == instrument,
            Competition.year == year,
            Competition.round_number == round_number,
            Competition.state != "cancelled",
        )
        .order_by(Competition.id)
        .limit(1)
    )
    taken = session.execute(statement).scalar_one_or_none()
    if taken is not None:
        raise Conflict.for_field(
            "round_number",
            Rule(
                "%(funder_id)s already published %(instrument)s round %(round)s of %(year)s "
                "(%(taken)s): give the next number, or cancel %(taken)s to announce it again",
                funder_id=funder_id,
                instrument=Instrument(instrument),
                round=str(round_number),
                year=str(year),
                taken=taken,
            ),
        )


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _stage(competition: Competition, event: StageEvent) -> dict[str, Any]:
    """A stage's body, refused unless it comes in order, once, after the window closed and not
    in the future, with counts that add up."""
    _check_stage_order(competition, event)
    zone = zone_of(competition)
    now = clock.now()
    if now < competition.closes_at:
        # Dated the closing day, before the deadline's hour: applications are still coming in.
        closes = competition.closes_at.astimezone(zone)
        raise Unprocessable.for_field(
            "type",
            Rule(
                "applications close at %(closes)s (%(zone)s): a stage after the window is "
                "recorded once it has closed",
                closes=LocalTime(closes),
                zone=zone.key,
            ),
        )
    closed_on = competition.closes_at.astimezone(zone).date()
    if event.date < closed_on:
        raise Unprocessable.for_field(
            "date",
            Rule(
                "before applications closed (%(closed_on)s, %(zone)s)",
                closed_on=closed_on,
                zone=zone.key,
            ),
        )
    today = now.astimezone(zone).date()
    if event.date > today:
        raise Unprocessable.for_field(
            "date", Rule("after today (%(today)s, %(zone)s)", today=today, zone=zone.key)
        )
    _check_counts(competition, event)
    return event.model_dump(mode="json", exclude={"type"}, exclude_none=True)


def recorded_stages(competition: Competition) -> set[Stage]:
    """The stages recorded, results published counting as the final results."""
    recorded = {Stage(name) for name in competition.stages or {}}
    if competition.state == "results_published":
        recorded.add(Stage.FINAL_RESULTS)
    return recorded


def actions_open(competition: Competition, now: datetime | None = None) -> frozenset[str]:
    """What its funder may do with a competition now, as ``add_event`` and the award rules
    judge it (the desk offers only these): nothing once it is cancelled; ``amend`` and
    ``award`` (publish an award from it) until then; ``results`` once its applications have
    closed and until its results are published; ``cancel`` while no award was made from it."""
    current = status(competition, now)
    if current is CompetitionStatus.CANCELLED:
        return frozenset()
    open_now = {"amend", "award"}
    if current is CompetitionStatus.CLOSED:
        open_now.add("results")
    if not competition.award_count:
        open_now.add("cancel")
    return frozenset(open_now)


def stages_to_record(competition: Competition, now: datetime | None = None) -> list[Stage]:
    """The stages that may be recorded now, in order: none before the window closes nor once
    cancelled, none recorded, none before the latest recorded (a stage skipped stays so)."""
    if competition.state == "cancelled" or (now or clock.now()) < competition.closes_at:
        return []
    recorded = recorded_stages(competition)
    last = max((STAGE_ORDER.index(stage) for stage in recorded), default=-1)
    return STAGE_ORDER[last + 1 :]


def _check_stage_order(competition: Competition, event: StageEvent) -> None:
    """Once each, never after a later stage (results published count as the final results),
    and never dated before a stage already recorded."""
    stage = Stage(event.type)
    stages = competition.stages or {}
    recorded = recorded_stages(competition)
    if stage in recorded:
        raise Conflict.for_field("type", Rule("%(stage)s is already recorded", stage=stage))
    later = [each for each in STAGE_ORDER[STAGE_ORDER.index(stage) + 1 :] if each in recorded]
    if later:
        raise Conflict.for_field(
            "type",
            Rule("%(stage)s cannot come after %(later)s", stage=stage, later=later[0]),
        )
    latest = max((stages[name]["date"] for name in stages), default=None)
    if latest is not None and event.date.isoformat() < latest:
        raise Unprocessable.for_field(
            "date",
            Rule(
                "before the last stage recorded (%(latest)s): stages are dated in order",
                latest=date.fromisoformat(latest),
            ),
        )


def _adds_up(field: str, parts: dict[Any, int] | None, total: int) -> None:
    if parts is not None and sum(parts.values()) != total:
        raise Unprocessable.for_field(
            field, Rule("adds up to %(sum)s, not %(total)s", sum=sum(parts.values()), total=total)
        )


def _check_counts(competition: Competition, event: StageEvent) -> None:
    if isinstance(event, ApplicationsClosed):
        if event.organizations > event.applications:
            raise Unprocessable.for_field(
                "organizations", Rule("more organizations than applications")
            )
        _adds_up("by_language", event.by_language, event.applications)
    elif isinstance(event, ComplianceChecked):
        received = competition.applications
        if received is not None and event.admitted + event.refused != received:
            raise Unprocessable.for_field(
                "admitted",
                Rule(
                    "admitted + refused is %(sum)s; %(received)s applications were received",
                    sum=event.admitted + event.refused,
                    received=received,
                ),
            )
        _adds_up("reasons", event.reasons, event.refused)
    elif (
        isinstance(event, CommissionDecided)
        and event.extract is None
        and event.document_sha256 is None
    ):
        raise Unprocessable.for_field(
            "extract", Rule("give the minutes' extract, the document's hash, or both")
        )


def _changes(
    session: Session, competition: Competition, event: CompetitionAmended
) -> dict[str, Any]:
    changes = event.changes.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    if not changes:
        raise Unprocessable.for_field("changes", Rule("name at least one field to change"))
    for name in ("title", "description", "eligibility"):
        text = getattr(event.changes, name)
        if text is not None:  # names only the languages it changes; the others are kept
            try:
                changes[name] = merged_text(getattr(competition, name), text)
            except ValueError as exc:
                raise Unprocessable.for_field(f"changes.{name}", said(exc)) from exc
    if "budget" in changes:
        budget = _amount(changes["budget"], competition.currency, "changes.budget")
        if budget < competition.committed_minor:
            committed = Money(competition.committed_minor, competition.currency)
            raise Unprocessable.for_field(
                "changes.budget", Rule("awards already commit %(committed)s", committed=committed)
            )
        changes["budget"] = format_amount(budget, competition.currency)
    if "region" in changes:
        changes["region"] = organization_service.canonical_region(
            changes["region"], field="changes.region"
        )
        organization_service.check_funded_region(
            changes["region"], competition.funder_id, field="changes.region"
        )
    if "window" in changes and event.changes.window is not None:
        changes["window"] = _window_change(
            session, competition, event.changes.window, changes.get("region")
        )
    _check_changes_something(competition, changes)
    return changes


def _window_change(
    session: Session, competition: Competition, window: Window, region: str | None
) -> dict[str, str]:
    """An amended window, checked against what the competition has recorded: its zone's
    offsets, and no award or stage left before the open or after the close it would have."""
    zone = zone_of(competition, region=region)
    _check_offsets(zone, window.opens, window.closes, "changes.window.")
    opens_on = window.opens.astimezone(zone).date()
    if opens_on > opening_day(competition):  # only a later open can strand an award
        _check_open_before_awards(session, competition, opens_on)
    closes_on = window.closes.astimezone(zone).date()
    if closes_on > closing_day(competition):  # only a later close can strand an award
        _check_close_after_awards(session, competition, closes_on)
    if window.closes > competition.closes_at:  # or a stage, or the results
        _check_close_before_stages(session, competition, window.closes, zone)
    return {"opens": window.opens.isoformat(), "closes": window.closes.isoformat()}


def _check_open_before_awards(session: Session, competition: Competition, opens_on: date) -> None:
    """No award of a competition precedes its call (``awards.service._check_terms``), so an
    open moved past one is refused."""
    first = _first_award_before(session, competition, opens_on, overridden_too=True)
    if first is not None:
        award_id, award_date = first
        raise Unprocessable.for_field(
            "changes.window.opens",
            Rule(
                "would open on %(opens_on)s, after award %(award)s of this competition (dated "
                "%(award_date)s); open it on or before %(award_date)s",
                opens_on=opens_on,
                award=award_id,
                award_date=award_date,
            ),
        )


def _first_award_before(
    session: Session, competition: Competition, day: date, *, overridden_too: bool
) -> tuple[str, date] | None:
    """The competition's earliest award dated before ``day`` (only among those made without
    ``award_before_close`` unless ``overridden_too``), read from the rows, the ledger lock
    held."""
    statement = select(Award.id, Award.award_date).where(
        Award.competition_id == competition.id, Award.award_date < day
    )
    if not overridden_too:
        statement = statement.where(Award.award_before_close.is_(None))
    first = session.execute(statement.order_by(Award.award_date, Award.id).limit(1)).first()
    return None if first is None else (first[0], first[1])


def _check_changes_something(competition: Competition, changes: dict[str, Any]) -> None:
    """An amendment whose every change (in the ledger's form) is the competition's current
    value is refused, naming its changes. A rule of new requests only: the projector applies
    whatever an older ledger holds, so such amendments accepted before it replay."""
    current: dict[str, Any] = {
        "title": competition.title,
        "description": competition.description,
        "eligibility": competition.eligibility,
        "themes": competition.themes,
        "region": competition.region,
        "legal_basis": competition.legal_basis,
    }
    for name, value in changes.items():
        if name == "budget":
            same = parse_amount(value, competition.currency) == competition.budget_minor
        elif name == "window":
            window = (
                datetime.fromisoformat(value["opens"]),
                datetime.fromisoformat(value["closes"]),
            )
            same = window == (competition.opens_at, competition.closes_at)
        else:
            same = value == current[name]
        if not same:
            return
    raise Unprocessable.for_field(
        "changes",
        Rule(
            "the amendment changes nothing: the competition already has the %(fields)s given; "
            "an amendment gives at least one new value",
            fields=", ".join(sorted(changes)),
        ),
    )


def _check_close_after_awards(session: Session, competition: Competition, closes_on: date) -> None:
    """An award dated before its competition closes needs ``award_before_close``, so a close
    moved past an award made without it is refused, as publishing that award then would be
    (``awards.service._check_terms``)."""
    first = _first_award_before(session, competition, closes_on, overridden_too=False)
    if first is not None:
        award_id, award_date = first
        raise Unprocessable.for_field(
            "changes.window.closes",
            Rule(
                "would close on %(closes_on)s, after award %(award)s of this competition "
                "(dated %(award_date)s) was made without award_before_close; "
                "close it on or before %(award_date)s",
                closes_on=closes_on,
                award=award_id,
                award_date=award_date,
            ),
        )


def _check_close_before_stages(
    session: Session, competition: Competition, closes: datetime, zone: ZoneInfo
) -> None:
    """A stage is not dated before the window closed (``_stage``), nor are results published
    before it closes, so a close moved past a stage or the results already recorded is
    refused, as recording them then would be. ``zone``: where the amended competition's
    days are counted."""
    closes_on = closes.astimezone(zone).date()
    stages = competition.stages or {}
    first = min(stages, key=lambda name: stages[name]["date"], default=None)
    if first is not None and closes_on.isoformat() > stages[first]["date"]:
        recorded = date.fromisoformat(stages[first]["date"])
        raise Unprocessable.for_field(
            "changes.window.closes",
            Rule(
                "would close on %(closes_on)s, after %(stage)s was recorded (dated %(recorded)s): "
                "stages come after the window closes; close it on or before %(recorded)s",
                closes_on=closes_on,
                stage=Stage(first),
                recorded=recorded,
            ),
        )
    statement = (
        select(CompetitionEvent.time)
        .where(
            CompetitionEvent.competition_id == competition.id,
            CompetitionEvent.kind == EVENT_KINDS["results_published"],
        )
        .limit(1)
    )
    published = session.execute(statement).scalar_one_or_none()
    if published is not None and closes > published:
        raise Unprocessable.for_field(
            "changes.window.closes",
            Rule(
                "would close after its results were published (%(at)s): results come after the "
                "window closes; close it before then",
                at=LocalTime(published.astimezone(zone), offset=True),
            ),
        )


def find_by_source(session: Session, funder_id: str, source_id: str) -> Competition | None:
    """The competition a funder published under its own id ``source_id``, if any."""
    statement = select(Competition).where(
        Competition.funder_id == funder_id, Competition.source_id == source_id
    )
    return session.execute(statement).scalar_one_or_none()


def get(
    session: Session, competition_id: str, *, field: str = "path.competition_id"
) -> Competition:
    """The competition ``competition_id``; ``NotFound`` naming ``field``, where the id came
    from: the path parameter of the API's and the portal's routes, unless the caller names a
    body field."""
    competition = session.get(Competition, competition_id)
    if competition is None:
        raise NotFound.for_field(field, Rule("no competition %(id)s", id=competition_id))
    return competition


def events(session: Session, competition_id: str) -> list[CompetitionEvent]:
    statement = (
        select(CompetitionEvent)
        .where(CompetitionEvent.competition_id == competition_id)
        .order_by(CompetitionEvent.seq)
    )
    return list(session.execute(statement).scalars())
