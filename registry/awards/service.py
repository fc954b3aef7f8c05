"""Awards: published by a funder, then amended, disbursed, reported on, completed,
terminated or corrected, each its own ledger entry. Every rule is checked by folding the
award's events with the proposed one (``rules.fold``) before anything is written."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy import inspect, select, text, tuple_
from sqlalchemy.orm import Session

from registry import journal
from registry.auth.principal import Principal
from registry.awards import legal, rules
from registry.awards.models import Award, AwardEvent
from registry.awards.schemas import (
    PRIZE_HAS_NO_PERIOD,
    AwardAmended,
    AwardCompleted,
    AwardCorrected,
    AwardCreate,
    AwardDisbursed,
    AwardEventCreate,
    AwardReported,
    AwardTerminated,
)
from registry.competitions import service as competition_service
from registry.competitions.models import Competition
from registry.competitions.schemas import CompetitionStatus
from registry.core import clock
from registry.core.errors import Conflict, FieldError, NotFound, Unprocessable, human_message
from registry.core.ids import next_id
from registry.core.messages import Money, Rule, said
from registry.core.schemas import (
    Amount,
    Instrument,
    IsoDate,
    LegalBasis,
    LocalizedText,
    LocalizedTextChange,
    Period,
    Reason,
    Themes,
    merged_text,
)
from registry.ledger import service as ledger_service
from registry.ledger.service import NewEntry
from registry.organizations import service as organization_service
from registry.organizations.repository import Named
from registry.publication import index
from registry.reference.money import InvalidAmount, format_amount, parse_amount
from registry.reference.zones import local_zone

ID_PREFIX = "AWD"
ID_WIDTH = 6
EVENT_MODELS: dict[str, type[BaseModel]] = {
    "amended": AwardAmended,
    "disbursed": AwardDisbursed,
    "reported": AwardReported,
    "completed": AwardCompleted,
    "terminated": AwardTerminated,
}


def _text_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of an event's model that hold a text in several languages."""
    return frozenset(
        name
        for name, field in model.model_fields.items()
        if LocalizedText in (field.annotation, *get_args(field.annotation))
    )


EVENT_TEXTS = {kind: _text_fields(model) for kind, model in EVENT_MODELS.items()}
"""Each event kind's texts, which a correction gives language by language (a report's
``summary``)."""
CORRECTABLE_PUBLISHED_FIELDS = frozenset(
    {
        "title",
        "purpose",
        "amount",
        "award_date",
        "period",
        "region",
        "legal_basis",
        "themes",
        "award_before_close",
    }
)

CORRECTABLE_FIELDS: dict[str, frozenset[str]] = {
    "published": CORRECTABLE_PUBLISHED_FIELDS,
    **{kind: frozenset(model.model_fields) - {"type"} for kind, model in EVENT_MODELS.items()},
}
"""What a correction may change in each kind of event (``award.disbursed``'s ``disbursed``):
the publication's terms above (``_published_changes`` refuses any other), and every field of
a later event's model (``_corrected_event`` reads the event as corrected by it)."""


@dataclass(frozen=True)
class Correctable:
    """An event of an award that a correction may name, as the award's rules read it now."""

    seq: int
    kind: str
    """The event's kind without its family: ``published``, ``disbursed``…"""
    body: dict[str, Any]
    """What the event records, the corrections made to it since applied."""
    fields: frozenset[str]
    """What a correction of it may change (``CORRECTABLE_FIELDS``)."""
    voidable: bool
    """Whether a correction may void it: any event but the publication, which
    ``rules.effective_events`` refuses to void (an award is terminated instead)."""


def correctable_events(session: Session, award: Award) -> list[Correctable]:
    """The events of ``award`` a correction may name, in ledger order: every one but the
    corrections themselves (a correction corrects the original event) and the events voided
    (``rules.effective_events``), each as corrected since."""
    history = [
        rules.Event(event.seq, event.kind, event.body) for event in events(session, award.id)
    ]
    effective, _corrected, _voided = rules.effective_events(history)
    found = []
    for event in effective:
        kind = event.kind.removeprefix("award.")
        found.append(
            Correctable(
                seq=event.seq,
                kind=kind,
                body=event.body,
                fields=CORRECTABLE_FIELDS[kind],
                voidable=event.kind != rules.PUBLISHED,
            )
        )
    return found


def correction_days(award: Award, kind: str) -> dict[str, tuple[date, date]]:
    """The first and last day a correction of an event of ``kind`` (``published``,
    ``disbursed``…) may give each of its dates, as the date rules judge a date a write moves
    (``rules.check_new_dates``, ``rules.check_event_date``), today being today where the award
    is made: a publication's award date from 2000-01-01, an event's date from the award date,
    and neither after today. A form's date picker offers only these days."""
    today = _today(award.region, award.funder_id)
    if kind == "published":
        return {"award_date": (rules.EARLIEST_AWARD_DATE, today)}
    if f"award.{kind}" in rules.DATED_EVENTS:
        return {"date": (award.award_date, today)}
    return {}


def _money(value: str, currency: str, field: str) -> str:
    """The amount as the ledger records it: the currency's exact decimal form."""
    try:
        return format_amount(parse_amount(value, currency), currency)
    except InvalidAmount as exc:
        raise Unprocessable.for_field(field, said(exc)) from exc


def _violation(exc: rules.RuleViolation) -> Unprocessable:
    return Unprocessable.for_field(exc.field, exc.message)


def publish(session: Session, *, principal: Principal, data: AwardCreate) -> Award:
    (award_id,) = publish_many(session, [(principal, data)])
    return get(session, award_id)


def publish_many(session: Session, writes: Sequence[tuple[Principal, AwardCreate]]) -> list[str]:
    """Publish several awards as one ledger append; their ids, in order.

    Each award is checked by exactly the rules ``publish`` applies, the later ones seeing the
    earlier ones (a competition's budget, a funder's source ids); the first refusal raises
    and nothing is recorded. The reads are made once for all of them, not once per award.
    """
    return [entry.subject for entry in publish_recorded(session, writes)]


def publish_recorded(
    session: Session, writes: Sequence[tuple[Principal, AwardCreate]]
) -> list[journal.Recorded]:
    """``publish_many``, giving the publications' ledger entries as recorded: a new award is
    a function of its entry alone (``projection.published_values``)."""
    checked = [(principal, data, _checked(principal, data)) for principal, data in writes]
    # Organizations are never removed, so they are read before taking the ledger's lock; the
    # search index takes their names from here rather than read them again.
    organizations = organization_service.named_many(
        session, {org_id for _, _, ids in checked for org_id in (ids.funder_id, ids.recipient_id)}
    )
    index.know_names(session, (named._asdict() for named in organizations.values()))
    ledger_service.lock(session)
    taken = published_source_ids(
        session, [(ids.funder_id, data.source_id) for _, data, ids in checked if data.source_id]
    )
    committed: dict[str, int] = {}
    competitions: dict[str, Competition] = {}
    next_numbers: dict[int, int] = {}
    entries = []
    for principal, data, ids in checked:
        recipient = organization_service.pick(
            organizations, {"funder_id": ids.funder_id, "recipient_id": ids.recipient_id}
        )["recipient_id"]
        organization_service.check_recipient(recipient.org_id, recipient.kind)
        if ids.region is None and recipient.region is not None:
            organization_service.check_funded_region(
                recipient.region,
                ids.funder_id,
                template=organization_service.RECIPIENTS_NOT_IN_COUNTRY,
            )
        if data.source_id is not None:
            if (ids.funder_id, data.source_id) in taken:
                raise Conflict.for_field(
                    "source_id",
                    Rule(
                        "%(funder)s already published %(source_id)s",
                        funder=ids.funder_id,
                        source_id=data.source_id,
                    ),
                )
            taken.add((ids.funder_id, data.source_id))
        competition = None
        if data.competition_id is not None:
            competition = competitions.get(data.competition_id) or competition_service.get(
                session, data.competition_id, field="competition_id"
            )
            # Held here: the session's identity map keeps only what something references.
            competitions[competition.id] = competition
            _check_competition(competition, data, ids.funder_id, ids.currency)
            before = committed.get(competition.id, competition.committed_minor)
            after = before + parse_amount(ids.amount, ids.currency)
            if after > competition.budget_minor:
                raise _over_budget(competition, before, field=ids.amount_field)
            committed[competition.id] = after
        _check_terms(
            award_date=data.award_date,
            legal_basis=data.legal_basis,
            award_before_close=data.award_before_close,
            competition=competition,
        )
        legal.check_direct_cap(
            competition_id=data.competition_id,
            funder_id=ids.funder_id,
            currency=ids.currency,
            amount_minor=parse_amount(ids.amount, ids.currency),
            award_date=data.award_date,
            cap_override=data.cap_override,
            amount_field=ids.amount_field,
        )
        year = data.award_date.year
        if year not in next_numbers:
            first = next_id(session, Award.id, ID_PREFIX, year, ID_WIDTH)
            next_numbers[year] = int(first.rsplit("-", 1)[1])
        award_id = f"{ID_PREFIX}-{year}-{next_numbers[year]:0{ID_WIDTH}d}"
        next_numbers[year] += 1
        body = _publication_body(award_id, data, ids, recipient)
        try:
            state = rules.fold([rules.Event(0, rules.PUBLISHED, body)])
            rules.check_new_dates(None, state, today=_today(ids.region, ids.funder_id))
        except rules.RuleViolation as exc:
            field = ids.amount_field if exc.field == "amount" else exc.field
            raise Unprocessable.for_field(field, exc.message) from exc
        entries.append(
            NewEntry(kind=rules.PUBLISHED, subject=award_id, actor=principal.actor, body=body)
        )
    return journal.record(session, entries)


@dataclass(frozen=True)
class _Checked:
    """What a publication's own fields give, in the ledger's canonical form."""

    funder_id: str
    recipient_id: str
    currency: str
    amount: str
    region: str | None
    legal_unit: dict[str, Any] | None
    """The amount's statement in a legal unit, as the ledger records it."""
    amount_field: str
    """What a rule on the amount names: ``amount`` if the request gave it, else the legal
    unit's multiplier it was worked out from (the request has no ``amount`` to name)."""


def _checked(principal: Principal, data: AwardCreate) -> _Checked:
    funder_id = organization_service.canonical_org_id(data.funder_id, field="funder_id")
    principal.check_acts_for(funder_id, field="funder_id")
    legal.check_instrument(data.instrument.value, funder_id)
    if data.instrument is Instrument.PRIZE and data.period is not None:
        raise Unprocessable.for_field("period", Rule(PRIZE_HAS_NO_PERIOD))
    legal.check_unit(data.legal_unit, funder_id)
    recipient_id = organization_service.canonical_org_id(data.recipient_id, field="recipient_id")
    if recipient_id == funder_id:
        raise Unprocessable.for_field("recipient_id", Rule("a funder cannot award itself"))
    currency = legal.currency_of(data.currency, data.legal_unit)
    given = _money(data.amount, currency, "amount") if data.amount is not None else None
    derived, stated = legal.stated_amount(data.legal_unit, given, currency)
    legal.check_currency(currency, funder_id)  # after the unit's own currency
    amount = derived or given
    if amount is None:
        raise Unprocessable.for_field("amount", Rule("required unless legal_unit states it"))
    if data.period is not None:  # a prize has none, and is no grant to band
        legal.check_band(stated, data.instrument.value, data.period.start, data.period.end)
    region = organization_service.canonical_region(data.region) if data.region else None
    if region is not None:
        organization_service.check_funded_region(region, funder_id)
    amount_field = "amount" if given is not None else "legal_unit.multiplier"
    return _Checked(funder_id, recipient_id, currency, amount, region, stated, amount_field)


def published_source_ids(
    session: Session, wanted: Sequence[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Which of these (funder, source id) pairs are published, in one query."""
    if not wanted:
        return set()
    if session.get_bind().dialect.name == "postgresql":
        # The pairs as two arrays joined to the (funder_id, source_id) index: an import's
        # chunk asks about thousands, which as OR-ed IN lists cost a new statement each time.
        pairs = session.execute(
            _PUBLISHED_PAIRS,
            {
                "funder_ids": [funder_id for funder_id, _ in wanted],
                "source_ids": [source_id for _, source_id in wanted],
            },
        )
        return {(funder_id, source_id) for funder_id, source_id in pairs}
    # A row-value IN: one term however many funders (OR-ed terms, one per funder, passed
    # SQLite's expression depth of 1,000 in a chunk of many funders).
    statement = select(Award.funder_id, Award.source_id).where(
        tuple_(Award.funder_id, Award.source_id).in_(sorted(set(wanted)))
    )
    return {
        (funder_id, source_id)
        for funder_id, source_id in session.execute(statement)
        if source_id is not None
    }


_PUBLISHED_PAIRS = text(
    "SELECT awards.funder_id, awards.source_id FROM awards "
    "JOIN unnest(CAST(:funder_ids AS varchar[]), CAST(:source_ids AS varchar[])) "
    "AS wanted(funder_id, source_id) "
    "ON awards.funder_id = wanted.funder_id AND awards.source_id = wanted.source_id"
)


def _publication_body(
    award_id: str, data: AwardCreate, ids: _Checked, recipient: Named
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": award_id,
        "funder_id": ids.funder_id,
        "recipient_id": ids.recipient_id,
        "recipient_name": {
            language: value
            for language in ("uz", "ru", "kk", "en")
            if (value := getattr(recipient, f"name_{language}")) is not None
        },
        "competition_id": data.competition_id,
        "instrument": data.instrument.value,
        "title": data.title.as_dict(),
        "purpose": data.purpose.as_dict() if data.purpose else None,
        "amount": ids.amount,
        "currency": ids.currency,
        "award_date": data.award_date.isoformat(),
        # null for a prize: a fixed sum with no project has no implementation period.
        "period": (
            {"start": data.period.start.isoformat(), "end": data.period.end.isoformat()}
            if data.period is not None
            else None
        ),
        "region": ids.region or recipient.region,
        "legal_basis": data.legal_basis,
        "themes": data.themes,
        "award_before_close": data.award_before_close,
    }
    # Present only when given, so that bodies without them stay as they always were.
    if ids.legal_unit is not None:
        body["legal_unit"] = ids.legal_unit
    if data.cap_override is not None:
        body["cap_override"] = data.cap_override
    if data.source_id is not None:
        body["source_id"] = data.source_id
    return body


def _check_competition(
    competition: Competition, data: AwardCreate, funder_id: str, currency: str
) -> None:
    if competition.funder_id != funder_id:
        raise Unprocessable.for_field(
            "competition_id",
            Rule(
                "%(competition)s was posted by %(funder)s",
                competition=competition.id,
                funder=competition.funder_id,
            ),
        )
    if competition_service.status(competition) is CompetitionStatus.CANCELLED:
        raise Unprocessable.for_field(
            "competition_id", Rule("%(competition)s was cancelled", competition=competition.id)
        )
    if currency != competition.currency:
        raise Unprocessable.for_field(
            "currency",
            Rule("the competition's budget is in %(currency)s", currency=competition.currency),
        )
    if data.instrument.value != competition.instrument:
        raise Unprocessable.for_field(
            "instrument",
            # "grants", "prizes": the API's words; the portal names the instrument.
            Rule(
                "the competition awards %(instrument)ss",
                instrument=Instrument(competition.instrument),
            ),
        )


# The publication's fields that its terms (``_check_terms``) judge: a correction of any other
# field leaves them as they were accepted, even if the competition's window moved since.
TERMS = frozenset({"award_date", "legal_basis", "award_before_close"})


def _check_terms(
    *,
    award_date: date,
    legal_basis: str | None,
    award_before_close: str | None,
    competition: Competition | None,
    prefix: str = "",
    dated_now: bool = True,
) -> None:
    """The terms of a publication that hang on its competition (or on having none): checked
    when it is published, and again whenever a correction changes it (``prefix`` "changes.").
    ``dated_now``: the write gives the award date, so it is held to the call's opening (a
    rule younger than some awards, which a correction of their other terms leaves alone)."""
    if competition is None:
        if not legal_basis:
            raise Unprocessable.for_field(
                prefix + "legal_basis",
                Rule("an award without a competition needs its legal basis"),
            )
        if award_before_close is not None:
            raise Unprocessable.for_field(
                prefix + "award_before_close", Rule("there is no competition to close")
            )
        return
    opened_on = competition_service.opening_day(competition)
    if dated_now and award_date < opened_on:
        raise Unprocessable.for_field(
            prefix + "award_date",
            Rule(
                "before the competition opened (%(opened_on)s): an award of a competition "
                "cannot precede its call, even with award_before_close",
                opened_on=opened_on,
            ),
        )
    closed_on = competition_service.closing_day(competition)
    if award_date < closed_on and award_before_close is None:
        raise Unprocessable.for_field(
            prefix + "award_date",
            Rule(
                "before the competition closes (%(closed_on)s); give award_before_close to "
                "override",
                closed_on=closed_on,
            ),
        )
    if award_date >= closed_on and award_before_close is not None:
        raise Unprocessable.for_field(
            prefix + "award_before_close", Rule("the award date is after the close")
        )


def _over_budget(
    competition: Competition, committed: int | None = None, *, field: str = "amount"
) -> Unprocessable:
    """``committed``: what the competition has committed before this award, if not what its
    row says (awards published earlier in the same ``publish_many``); ``field``: the input
    that took it over (an event's, ``_blamed``)."""
    if committed is None:
        committed = competition.committed_minor
    remaining = competition.budget_minor - committed
    return Unprocessable.for_field(
        field,
        Rule(
            "exceeds what remains of %(competition)s's budget: %(remaining)s",
            competition=competition.id,
            remaining=Money(max(remaining, 0), competition.currency),
        ),
    )


def add_event(
    session: Session,
    *,
    principal: Principal,
    award_id: str,
    event: AwardEventCreate,
    id_field: str = "path.award_id",
) -> Award:
    add_events_many(session, [(principal, award_id, event)], id_field=id_field)
    return get(session, award_id, field=id_field)


def add_events_many(
    session: Session,
    writes: Sequence[tuple[Principal, str, AwardEventCreate]],
    *,
    id_field: str = "path.award_id",
) -> None:
    """Add several events (to one award or many) as one ledger append.

    Each is checked by exactly the rules ``add_event`` applies, folded after the ones before
    it (an award's history, a competition's budget); the first refusal raises and nothing
    is recorded. The awards and their histories are read in one query each. An unknown
    award is a ``NotFound`` naming ``id_field``, where its id came from.
    """
    ledger_service.lock(session)
    wanted = {award_id for _, award_id, _ in writes}
    awards = get_many(session, wanted)
    histories: dict[str, list[rules.Event]] = {award_id: [] for award_id in wanted}
    # Plain rows, not objects: the rules need only these columns.
    statement = (
        select(AwardEvent.award_id, AwardEvent.seq, AwardEvent.kind, AwardEvent.body)
        .where(AwardEvent.award_id.in_(wanted))
        .order_by(AwardEvent.award_id, AwardEvent.seq)
    )
    for award_id, earlier_seq, kind, body in session.execute(statement):
        histories[award_id].append(rules.Event(earlier_seq, kind, body))
    seq = ledger_service.size(session)
    committed: dict[str, int] = {}
    competitions: dict[str, Competition] = {}
    entries = []
    for principal, award_id, event in writes:
        award = awards.get(award_id) or get(session, award_id, field=id_field)
        principal.check_acts_for(award.funder_id)
        history = histories[award_id]
        _check_prize_period(award, event)
        if isinstance(event, AwardCorrected):
            body = _correction_body(event, history, award.currency, award.instrument)
            corrected_region = (body.get("changes") or {}).get("region")  # the publication's
            if corrected_region is not None:
                organization_service.check_funded_region(
                    corrected_region, award.funder_id, field="changes.region"
                )
        else:
            body = _event_body(event, award.currency)
        before = rules.fold(history)
        proposed = rules.Event(seq, f"award.{event.type}", body)
        today = _today(award.region, award.funder_id)
        after = _judged(event, proposed, history, before, today)
        _check_changes_something(proposed, history, before)
        if after.recipient_id == award.funder_id:
            raise Unprocessable.for_field(
                _blamed(event, "recipient_id"), Rule("a funder cannot award itself")
            )
        competition = None
        if award.competition_id is not None:
            competition = competitions.get(award.competition_id) or competition_service.get(
                session, award.competition_id
            )
            competitions[competition.id] = competition
            base = committed.get(competition.id, competition.committed_minor)
            committed[competition.id] = base - before.committed_minor + after.committed_minor
            if committed[competition.id] > competition.budget_minor:
                raise _over_budget(competition, base, field=_blamed(event, "amount"))
        _check_corrected_amount(event, history, award, after, competition, committed)
        if (
            isinstance(event, AwardCorrected)
            and event.corrects == history[0].seq
            and TERMS.intersection(event.changes or {})
        ):
            terms = after.published
            _check_terms(
                award_date=after.award_date,
                legal_basis=terms.get("legal_basis"),
                award_before_close=terms.get("award_before_close"),
                competition=competition,
                prefix="changes.",
                dated_now="award_date" in (event.changes or {}),
            )
        _check_legal_terms(award, before, after, event)
        history.append(proposed)
        seq += 1
        entries.append(
            NewEntry(kind=proposed.kind, subject=award_id, actor=principal.actor, body=body)
        )
    journal.record(session, entries)


def _check_prize_period(award: Award, event: AwardEventCreate) -> None:
    """A prize has no implementation period (``PRIZE_HAS_NO_PERIOD``), so no amendment or
    correction gives it one. A correction may give ``period: null``, which removes a period a
    prize was published with before this rule (a made-up one: it had to give some)."""
    if award.instrument != Instrument.PRIZE:
        return
    if isinstance(event, AwardAmended) and event.period is not None:
        raise Unprocessable.for_field("period", Rule(PRIZE_HAS_NO_PERIOD))
    if isinstance(event, AwardCorrected) and (event.changes or {}).get("period") is not None:
        raise Unprocessable.for_field("changes.period", Rule(PRIZE_HAS_NO_PERIOD))


def _check_corrected_amount(
    event: AwardEventCreate,
    history: Sequence[rules.Event],
    award: Award,
    after: rules.AwardState,
    competition: Competition | None,
    committed: dict[str, int],
) -> None:
    """An amount a correction restates (the publication's or an amendment's) when a later
    amendment keeps the award's amount where it was: it is what the award was made or
    amended for, so it is held to the cap and to the budget as the award's amount would be
    now. (A correction that moves the current amount is judged as that amount already.)"""
    if not isinstance(event, AwardCorrected) or event.void or "amount" not in (event.changes or {}):
        return
    changes = event.changes or {}
    target = next((e.kind for e in history if e.seq == event.corrects), None)
    if target not in (rules.PUBLISHED, rules.AMENDED):  # a tranche's amount is no award's
        return
    corrected = parse_amount(str(changes["amount"]), award.currency)
    if corrected == after.amount_minor:
        return
    legal.check_direct_cap(
        competition_id=award.competition_id,
        funder_id=award.funder_id,
        currency=award.currency,
        amount_minor=corrected,
        award_date=after.award_date,
        cap_override=after.published.get("cap_override"),
        later=True,
        prefix="changes.",
    )
    if competition is not None and corrected > after.committed_minor:
        others = committed[competition.id] - after.committed_minor
        if others + corrected > competition.budget_minor:
            raise _over_budget(competition, others, field="changes.amount")


def _check_changes_something(
    proposed: rules.Event, history: Sequence[rules.Event], before: rules.AwardState
) -> None:
    """``rules.check_changes_something``, its refusal naming the body or the correction's
    ``changes`` as they are, not under a correction's ``changes.`` prefix."""
    try:
        rules.check_changes_something(proposed, history, before)
    except rules.RuleViolation as exc:
        raise _violation(exc) from exc


def _check_legal_terms(
    award: Award, before: rules.AwardState, after: rules.AwardState, event: AwardEventCreate
) -> None:
    """The rules stated in legal units, again when an event moves what they judge: the cap
    on an award without a competition (its amount or date), a Kazakh grant's band (its
    period). A refusal names the field of ``event`` to blame (``_blamed``)."""
    try:
        _check_legal_units(award, before, after)
    except Unprocessable as exc:
        errors = [FieldError(field=_blamed(event, e.field), message=e.message) for e in exc.errors]
        raise Unprocessable(
            "; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors
        ) from exc


def _check_legal_units(award: Award, before: rules.AwardState, after: rules.AwardState) -> None:
    if (after.amount_minor, after.award_date) != (before.amount_minor, before.award_date):
        legal.check_direct_cap(
            competition_id=award.competition_id,
            funder_id=award.funder_id,
            currency=award.currency,
            amount_minor=after.amount_minor,
            award_date=after.award_date,
            cap_override=after.published.get("cap_override"),
            later=True,
        )
    if (after.period_start, after.period_end) != (before.period_start, before.period_end) and (
        after.period_start is not None and after.period_end is not None
    ):
        legal.check_band(
            after.published.get("legal_unit"),
            award.instrument,
            after.period_start,
            after.period_end,
        )


def _judged(
    event: AwardEventCreate,
    proposed: rules.Event,
    history: Sequence[rules.Event],
    before: rules.AwardState,
    today: date,
) -> rules.AwardState:
    """The award's state after ``proposed``, or every rule it breaks in one 422.

    The event's date is judged even when the award's rules refuse the event, so that a
    disbursement both over the amount and dated tomorrow is told both (it was told the first,
    then the second on its retry). The date rule judges a disbursement, report, completion or
    termination (or a correction of one) against the award date, which none of them moves:
    ``before``'s is the award's."""
    broken: list[rules.RuleViolation] = []
    after = None
    try:
        after = rules.fold([*history, proposed])
        rules.check_new_dates(before, after, today=today)
    except rules.RuleViolation as exc:
        broken.append(exc)
    try:
        rules.check_event_date(
            *_dated_event(proposed, history),
            award_date=(after or before).award_date,
            today=today,
        )
    except rules.RuleViolation as exc:
        if all(earlier.field != exc.field for earlier in broken):
            broken.append(exc)
    if after is not None and not broken:
        return after
    errors = [FieldError(field=_blamed(event, v.field), message=v.message) for v in broken]
    raise Unprocessable("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)


def _blamed(event: AwardEventCreate, field: str) -> str:
    """What to name for a rule ``event`` breaks, the rule naming ``field`` of the award. An
    event gives the award's fields under their own names, and so does a correction its own
    (``corrects``, ``void``). Otherwise a void is to blame as a whole (it gives no other
    field), and a correction's changes are named under ``changes.``: the field the rule
    names if the correction gives it, else the change that moved it (a disbursement dated
    before the award date the correction moves names ``changes.award_date``)."""
    if not isinstance(event, AwardCorrected) or field in ("corrects", "void"):
        return field
    if event.void:
        return "void"
    changes = event.changes or {}
    if field.split(".", maxsplit=1)[0] in changes:
        return f"changes.{field}"
    if "award_date" in changes:  # the date every event of the award is judged against
        return "changes.award_date"
    if len(changes) == 1:
        return f"changes.{next(iter(changes))}"
    return f"changes.{field}"


def _today(*where: str | None) -> date:
    """Today where the award is made (both countries keep UTC+5)."""
    return clock.now().astimezone(local_zone(*where)).date()


def _dated_event(
    proposed: rules.Event, history: Sequence[rules.Event]
) -> tuple[str, dict[str, Any]]:
    """The kind and the dated body a write gives: a correction's changes are judged as the
    event they correct."""
    changes = proposed.body.get("changes") or {}
    if proposed.kind != rules.CORRECTED or "date" not in changes:
        return proposed.kind, proposed.body
    target = next((e for e in history if e.seq == proposed.body.get("corrects")), None)
    return (target.kind if target else proposed.kind), changes


def _event_body(event: BaseModel, currency: str, field_prefix: str = "") -> dict[str, Any]:
    body = event.model_dump(mode="json", exclude={"type"}, exclude_none=True)
    if "amount" in body:
        body["amount"] = _money(body["amount"], currency, field_prefix + "amount")
    return body


def _correction_body(
    event: AwardCorrected, history: list[rules.Event], currency: str, instrument: str
) -> dict[str, Any]:
    target = next((e for e in history if e.seq == event.corrects), None)
    if target is None:
        raise Unprocessable.for_field(
            "corrects",
            Rule("entry %(seq)s is not an event of this award to correct", seq=str(event.corrects)),
        )
    if target.kind == rules.CORRECTED:
        raise Unprocessable.for_field(
            "corrects",
            Rule(
                "entry %(seq)s is itself a correction: correct the event it corrects",
                seq=str(event.corrects),
            ),
        )
    body: dict[str, Any] = {"corrects": event.corrects, "reason": event.reason, "void": event.void}
    if event.void:
        return body
    changes = event.changes or {}
    kind = target.kind.removeprefix("award.")
    if kind == "published":
        recorded = rules.effective_events(history)[0][0].body
        body["changes"] = _published_changes(
            changes, currency, recorded, prize=instrument == Instrument.PRIZE
        )
        return body
    effective = {event.seq: event.body for event in rules.effective_events(history)[0]}
    changes = {**changes, **_merged_texts(kind, changes, effective.get(target.seq, target.body))}
    corrected = _corrected_event(kind, target.body, changes)
    normalized = _event_body(corrected, currency, "changes.")
    body["changes"] = {name: normalized.get(name) for name in changes}
    return body


def _merged_texts(kind: str, changes: dict[str, Any], recorded: dict[str, Any]) -> dict[str, Any]:
    """The texts a correction of an event gives, each as the whole text it makes: as in a
    correction of the publication, a text names only the languages it changes (``null``
    removes one) and keeps the others as recorded (corrections since included); ``null`` for
    the whole text removes it."""
    merged: dict[str, Any] = {}
    for name in sorted(EVENT_TEXTS[kind] & changes.keys()):
        if changes[name] is None:
            continue
        try:
            parsed = TypeAdapter(LocalizedTextChange).validate_python(changes[name])
        except ValidationError as exc:
            raise _validation_error(exc, f"changes.{name}.") from exc
        try:
            merged[name] = merged_text(recorded.get(name), parsed)
        except ValueError as exc:
            raise Unprocessable.for_field(f"changes.{name}", said(exc)) from exc
    return merged


def _corrected_event(kind: str, recorded: dict[str, Any], changes: dict[str, Any]) -> BaseModel:
    """The event as corrected, read by today's model. A correction is judged on what it
    changes: a field it leaves is kept as recorded even where a newer rule would refuse it
    (a report's link that is not http(s), accepted before that rule), as the date rules judge
    only a date a write moves. What it gives is held to every rule."""
    model = EVENT_MODELS[kind]
    try:
        return model.model_validate({**recorded, **changes, "type": kind})
    except ValidationError as exc:
        left = {error["loc"][0] for error in exc.errors() if error["loc"]} - set(changes)
        if not left:
            raise _validation_error(exc, "changes.") from exc
        kept = {name: value for name, value in recorded.items() if name not in left}
        try:
            return model.model_validate({**kept, **changes, "type": kind})
        except ValidationError as again:
            raise _validation_error(again, "changes.") from exc


def _published_changes(
    changes: dict[str, Any], currency: str, recorded: dict[str, Any], *, prize: bool = False
) -> dict[str, Any]:
    """The publication's corrected fields, as recorded: a title or purpose names only the
    languages it corrects (``merged_text``: the others are kept, the entry holds the whole
    text). A prize's period may only be corrected to null (``_check_prize_period``)."""
    unknown = sorted(set(changes) - CORRECTABLE_PUBLISHED_FIELDS)
    if unknown:
        raise Unprocessable.for_field(
            f"changes.{unknown[0]}",
            Rule(
                "cannot be corrected; correctable: %(fields)s",
                fields=", ".join(sorted(CORRECTABLE_PUBLISHED_FIELDS)),
            ),
        )
    checks: dict[str, TypeAdapter[Any]] = {
        "title": TypeAdapter(LocalizedTextChange),
        "purpose": TypeAdapter(LocalizedTextChange | None),
        "award_date": TypeAdapter(IsoDate),
        "period": TypeAdapter(Period | None) if prize else TypeAdapter(Period),
        "themes": TypeAdapter(Themes),
        "legal_basis": TypeAdapter(LegalBasis | None),
        "award_before_close": TypeAdapter(Reason | None),
    }
    normalized: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "amount":
            try:  # a string, as in the publication: never a number, never " 100"
                text = TypeAdapter(Amount).validate_python(value)
            except ValidationError as exc:
                raise _validation_error(exc, "changes.amount.") from exc
            normalized[name] = _money(text, currency, "changes.amount")
        elif name == "region":
            normalized[name] = organization_service.canonical_region(value, field="changes.region")
        else:
            try:
                parsed = checks[name].validate_python(value)
            except ValidationError as exc:
                raise _validation_error(exc, f"changes.{name}.") from exc
            if isinstance(parsed, LocalizedTextChange):
                try:
                    normalized[name] = merged_text(recorded.get(name), parsed)
                except ValueError as exc:
                    raise Unprocessable.for_field(f"changes.{name}", said(exc)) from exc
            else:
                normalized[name] = TypeAdapter(Any).dump_python(parsed, mode="json")
    return normalized


def _validation_error(exc: ValidationError, prefix: str) -> Unprocessable:
    where = tuple(prefix.strip(".").split("."))  # so that the message knows an amount
    errors = [
        FieldError(
            field=(prefix + ".".join(str(part) for part in error["loc"])).rstrip("."),
            message=human_message({**error, "loc": (*where, *error["loc"])}),
        )
        for error in exc.errors()
    ]
    return Unprocessable("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)


def find_by_source(session: Session, funder_id: str, source_id: str) -> Award | None:
    """The award a funder published under its own id ``source_id``, if any."""
    statement = select(Award).where(Award.funder_id == funder_id, Award.source_id == source_id)
    return session.execute(statement).scalar_one_or_none()


def get(session: Session, award_id: str, *, field: str = "path.award_id") -> Award:
    """The award ``award_id``; ``NotFound`` naming ``field``, where the id came from: the path
    parameter of the API's and the portal's routes, unless the caller names a body field."""
    award = session.get(Award, award_id)
    if award is None:
        raise NotFound.for_field(field, Rule("no award %(id)s", id=award_id))
    return award


def get_many(session: Session, award_ids: Collection[str]) -> dict[str, Award]:
    """The awards with these ids that exist, by id: those the session holds loaded without a
    query (a write reads the awards it adds events to three times: the import, the rules and
    the projector), the rest in one."""
    found: dict[str, Award] = {}
    missing = []
    for award_id in award_ids:
        held = session.identity_map.get(Session.identity_key(Award, award_id))
        if isinstance(held, Award) and not inspect(held).expired_attributes:
            found[award_id] = held
        else:
            missing.append(award_id)
    if missing:
        statement = select(Award).where(Award.id.in_(missing))
        found.update((award.id, award) for award in session.scalars(statement))
    return found


def event_seq(session: Session, award: Award, seq: int) -> int:
    """``seq`` if it is an entry of this award's history; NotFound naming ``seq`` if not."""
    if seq not in {event.seq for event in events(session, award.id)}:
        raise NotFound.for_field(
            "path.seq",
            Rule("entry %(seq)s is not an event of award %(id)s", seq=str(seq), id=award.id),
        )
    return seq


def events(session: Session, award_id: str) -> list[AwardEvent]:
    return events_many(session, [award_id])[award_id]


def events_many(session: Session, award_ids: Sequence[str]) -> dict[str, list[AwardEvent]]:
    """Each award's events in ledger order, in one query."""
    found: dict[str, list[AwardEvent]] = {award_id: [] for award_id in award_ids}
    statement = select(AwardEvent).where(AwardEvent.award_id.in_(found)).order_by(AwardEvent.seq)
    for event in session.execute(statement).scalars():
        found[event.award_id].append(event)
    return found


def tranche_recorded(session: Session, award_id: str, tranche: int) -> int | None:
    """The newest disbursement of the award recorded as tranche ``tranche`` and not voided
    (its ledger entry), as corrected since; None if there is none. The rules take a tranche
    number twice (an award's history may hold a tranche recorded twice, voided later): the
    desk asks before it records one a second time."""
    history = [
        rules.Event(event.seq, event.kind, event.body) for event in events(session, award_id)
    ]
    effective, _corrected, _voided = rules.effective_events(history)
    found = [
        event.seq
        for event in effective
        if event.kind == "award.disbursed" and event.body.get("tranche") == tranche
    ]
    return found[-1] if found else None
