"""Awards: published by a funder, then amended, disbursed, reported on, completed,
terminated or corrected, each its own ledger entry. Every rule is checked by folding the
award's events with the proposed one (``rules.fold``) before anything is written."""

from datetime import date
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import journal
from registry.auth.principal import Principal
from registry.awards import rules
from registry.awards.models import Award, AwardEvent
from registry.awards.schemas import (
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
from registry.core.errors import Conflict, FieldError, NotFound, Unprocessable
from registry.core.ids import next_id
from registry.core.schemas import LocalizedText, Period, Reason, Themes
from registry.ledger import service as ledger_service
from registry.ledger.service import NewEntry
from registry.organizations import service as organization_service
from registry.reference.money import InvalidAmount, format_amount, normalize_currency, parse_amount

ID_PREFIX = "AWD"
ID_WIDTH = 6
EVENT_MODELS: dict[str, type[BaseModel]] = {
    "amended": AwardAmended,
    "disbursed": AwardDisbursed,
    "reported": AwardReported,
    "completed": AwardCompleted,
    "terminated": AwardTerminated,
}
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


def _money(value: str, currency: str, field: str) -> str:
    """The amount as the ledger records it: the currency's exact decimal form."""
    try:
        return format_amount(parse_amount(value, currency), currency)
    except InvalidAmount as exc:
        raise Unprocessable.for_field(field, str(exc)) from exc


def _violation(exc: rules.RuleViolation, prefix: str = "") -> Unprocessable:
    return Unprocessable.for_field(prefix + exc.field, exc.message)


def publish(session: Session, *, principal: Principal, data: AwardCreate) -> Award:
    funder_id = organization_service.canonical_org_id(data.funder_id, field="funder_id")
    principal.check_acts_for(funder_id)
    recipient_id = organization_service.canonical_org_id(data.recipient_id, field="recipient_id")
    try:
        currency = normalize_currency(data.currency)
    except InvalidAmount as exc:
        raise Unprocessable.for_field("currency", str(exc)) from exc
    amount = _money(data.amount, currency, "amount")
    region = organization_service.canonical_region(data.region) if data.region else None

    # Organizations are never removed, so they are read before taking the ledger's lock.
    recipient = organization_service.get_many(
        session, {"funder_id": funder_id, "recipient_id": recipient_id}
    )["recipient_id"]
    ledger_service.lock(session)
    if data.source_id is not None and find_by_source(session, funder_id, data.source_id):
        raise Conflict.for_field("source_id", f"{funder_id} already published {data.source_id}")
    competition = None
    if data.competition_id is not None:
        competition = competition_service.get(session, data.competition_id, field="competition_id")
        _check_competition(competition, data, funder_id, currency)
        if competition.committed_minor + parse_amount(amount, currency) > competition.budget_minor:
            raise _over_budget(competition)
    _check_terms(
        award_date=data.award_date,
        legal_basis=data.legal_basis,
        award_before_close=data.award_before_close,
        competition=competition,
    )

    award_id = next_id(session, Award.id, ID_PREFIX, data.award_date.year, ID_WIDTH)
    body = {
        "id": award_id,
        "funder_id": funder_id,
        "recipient_id": recipient_id,
        "recipient_name": {
            language: value
            for language in ("uz", "ru", "kk", "en")
            if (value := getattr(recipient, f"name_{language}")) is not None
        },
        "competition_id": data.competition_id,
        "instrument": data.instrument.value,
        "title": data.title.as_dict(),
        "purpose": data.purpose.as_dict() if data.purpose else None,
        "amount": amount,
        "currency": currency,
        "award_date": data.award_date.isoformat(),
        "period": {"start": data.period.start.isoformat(), "end": data.period.end.isoformat()},
        "region": region or recipient.region,
        "legal_basis": data.legal_basis,
        "themes": data.themes,
        "award_before_close": data.award_before_close,
    }
    if data.source_id is not None:
        body["source_id"] = data.source_id
    try:
        rules.fold([rules.Event(0, rules.PUBLISHED, body)])
    except rules.RuleViolation as exc:
        raise _violation(exc) from exc
    journal.record(
        session,
        [NewEntry(kind=rules.PUBLISHED, subject=award_id, actor=principal.actor, body=body)],
    )
    return get(session, award_id)


def _check_competition(
    competition: Competition, data: AwardCreate, funder_id: str, currency: str
) -> None:
    if competition.funder_id != funder_id:
        raise Unprocessable.for_field(
            "competition_id", f"{competition.id} was posted by {competition.funder_id}"
        )
    if competition_service.status(competition) is CompetitionStatus.CANCELLED:
        raise Unprocessable.for_field("competition_id", f"{competition.id} was cancelled")
    if currency != competition.currency:
        raise Unprocessable.for_field(
            "currency", f"the competition's budget is in {competition.currency}"
        )
    if data.instrument.value != competition.instrument:
        raise Unprocessable.for_field(
            "instrument", f"the competition awards {competition.instrument}s"
        )


def _check_terms(
    *,
    award_date: date,
    legal_basis: str | None,
    award_before_close: str | None,
    competition: Competition | None,
    prefix: str = "",
) -> None:
    """The terms of a publication that hang on its competition (or on having none): checked
    when it is published, and again whenever a correction changes it (``prefix`` "changes.")."""
    if competition is None:
        if not legal_basis:
            raise Unprocessable.for_field(
                prefix + "legal_basis", "an award without a competition needs its legal basis"
            )
        if award_before_close is not None:
            raise Unprocessable.for_field(
                prefix + "award_before_close", "there is no competition to close"
            )
        return
    closed_on = competition.closes_at.date()
    if award_date < closed_on and award_before_close is None:
        raise Unprocessable.for_field(
            prefix + "award_date",
            f"before the competition closes ({closed_on}); give award_before_close to override",
        )
    if award_date >= closed_on and award_before_close is not None:
        raise Unprocessable.for_field(
            prefix + "award_before_close", "the award date is after the close"
        )


def _over_budget(competition: Competition) -> Unprocessable:
    remaining = competition.budget_minor - competition.committed_minor
    return Unprocessable.for_field(
        "amount",
        f"exceeds what remains of {competition.id}'s budget: "
        f"{format_amount(max(remaining, 0), competition.currency)} {competition.currency}",
    )


def add_event(
    session: Session, *, principal: Principal, award_id: str, event: AwardEventCreate
) -> Award:
    ledger_service.lock(session)
    award = get(session, award_id)
    principal.check_acts_for(award.funder_id)
    history = [rules.Event(e.seq, e.kind, e.body) for e in events(session, award_id)]
    if isinstance(event, AwardCorrected):
        body = _correction_body(event, history, award.currency)
    else:
        body = _event_body(event, award.currency)
    before = rules.fold(history)
    proposed = rules.Event(ledger_service.size(session), f"award.{event.type}", body)
    try:
        after = rules.fold([*history, proposed])
    except rules.RuleViolation as exc:
        prefix = "changes." if isinstance(event, AwardCorrected) else ""
        raise _violation(exc, prefix) from exc
    competition = None
    if award.competition_id is not None:
        competition = competition_service.get(session, award.competition_id)
        committed = competition.committed_minor - before.committed_minor + after.committed_minor
        if committed > competition.budget_minor:
            raise _over_budget(competition)
    if isinstance(event, AwardCorrected) and event.corrects == history[0].seq:
        terms = after.published
        _check_terms(
            award_date=after.award_date,
            legal_basis=terms.get("legal_basis"),
            award_before_close=terms.get("award_before_close"),
            competition=competition,
            prefix="changes.",
        )
    journal.record(
        session,
        [NewEntry(kind=proposed.kind, subject=award_id, actor=principal.actor, body=body)],
    )
    return get(session, award_id)


def _event_body(event: BaseModel, currency: str, field_prefix: str = "") -> dict[str, Any]:
    body = event.model_dump(mode="json", exclude={"type"}, exclude_none=True)
    if "amount" in body:
        body["amount"] = _money(body["amount"], currency, field_prefix + "amount")
    return body


def _correction_body(
    event: AwardCorrected, history: list[rules.Event], currency: str
) -> dict[str, Any]:
    target = next((e for e in history if e.seq == event.corrects), None)
    if target is None or target.kind == rules.CORRECTED:
        raise Unprocessable.for_field(
            "corrects", f"entry {event.corrects} is not an event of this award to correct"
        )
    body: dict[str, Any] = {"corrects": event.corrects, "reason": event.reason, "void": event.void}
    if event.void:
        return body
    changes = event.changes or {}
    kind = target.kind.removeprefix("award.")
    if kind == "published":
        body["changes"] = _published_changes(changes, currency)
        return body
    try:
        corrected = EVENT_MODELS[kind].model_validate({**target.body, **changes, "type": kind})
    except ValidationError as exc:
        raise _validation_error(exc, "changes.") from exc
    normalized = _event_body(corrected, currency, "changes.")
    body["changes"] = {name: normalized.get(name) for name in changes}
    return body


def _published_changes(changes: dict[str, Any], currency: str) -> dict[str, Any]:
    unknown = sorted(set(changes) - CORRECTABLE_PUBLISHED_FIELDS)
    if unknown:
        raise Unprocessable.for_field(
            f"changes.{unknown[0]}",
            "cannot be corrected; correctable: " + ", ".join(sorted(CORRECTABLE_PUBLISHED_FIELDS)),
        )
    checks: dict[str, TypeAdapter[Any]] = {
        "title": TypeAdapter(LocalizedText),
        "purpose": TypeAdapter(LocalizedText | None),
        "award_date": TypeAdapter(date),
        "period": TypeAdapter(Period),
        "themes": TypeAdapter(Themes),
        "legal_basis": TypeAdapter(str | None),
        "award_before_close": TypeAdapter(Reason | None),
    }
    normalized: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "amount":
            normalized[name] = _money(str(value), currency, "changes.amount")
        elif name == "region":
            normalized[name] = organization_service.canonical_region(value, field="changes.region")
        else:
            try:
                parsed = checks[name].validate_python(value)
            except ValidationError as exc:
                raise _validation_error(exc, f"changes.{name}.") from exc
            normalized[name] = TypeAdapter(Any).dump_python(
                parsed.as_dict() if isinstance(parsed, LocalizedText) else parsed, mode="json"
            )
    return normalized


def _validation_error(exc: ValidationError, prefix: str) -> Unprocessable:
    errors = [
        FieldError(
            field=(prefix + ".".join(str(part) for part in error["loc"])).rstrip("."),
            message=error["msg"],
        )
        for error in exc.errors()
    ]
    return Unprocessable("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)


def find_by_source(session: Session, funder_id: str, source_id: str) -> Award | None:
    """The award a funder published under its own id ``source_id``, if any."""
    statement = select(Award).where(Award.funder_id == funder_id, Award.source_id == source_id)
    return session.execute(statement).scalar_one_or_none()


def get(session: Session, award_id: str, *, field: str = "id") -> Award:
    award = session.get(Award, award_id)
    if award is None:
        raise NotFound.for_field(field, f"no award {award_id}")
    return award


def events(session: Session, award_id: str) -> list[AwardEvent]:
    statement = select(AwardEvent).where(AwardEvent.award_id == award_id).order_by(AwardEvent.seq)
    return list(session.execute(statement).scalars())
