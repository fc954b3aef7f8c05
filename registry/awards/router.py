from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from registry.auth import service as auth_service
from registry.auth.dependencies import GroupedFunderDep, forgotten_if_refused
from registry.auth.principal import Principal
from registry.awards import projection, service
from registry.awards.models import Award, AwardEvent
from registry.awards.schemas import (
    AwardCreate,
    AwardEventCreate,
    AwardEventRead,
    AwardRead,
    AwardSummary,
)
from registry.competitions.router import PROOF_PATH, stated_read
from registry.core import idempotency
from registry.core.created import created_responses, located
from registry.core.db import SessionDep, transient
from registry.core.errors import problem_responses
from registry.core.group_commit import OneByOne, writes
from registry.core.idempotency import IdempotencyKey
from registry.core.json_body import JsonBodyRoute
from registry.core.schemas import LegalUnitRead
from registry.journal import Recorded
from registry.ledger.http import MAX_INDEX, RECEIPT_RESPONSES, receipt_response
from registry.ledger.service import lock as ledger_lock
from registry.oversight import views as oversight
from registry.oversight.schemas import SubjectType
from registry.reference.money import format_amount

router = APIRouter(
    prefix="/awards",
    tags=["awards"],
    route_class=JsonBodyRoute,
)
AwardId = Annotated[str, Path(max_length=40)]


def to_summary(award: Award) -> AwardSummary:
    money = award.currency
    return AwardSummary(
        id=award.id,
        competition_id=award.competition_id,
        funder_id=award.funder_id,
        recipient_id=award.recipient_id,
        recipient_name=award.recipient_name,
        instrument=award.instrument,
        status=award.status,
        title=award.title,
        purpose=award.purpose,
        amount=format_amount(award.amount_minor, money),
        original_amount=format_amount(award.original_amount_minor, money),
        disbursed=format_amount(award.disbursed_minor, money),
        currency=money,
        award_date=award.award_date,
        period=(
            {"start": award.period_start, "end": award.period_end}
            if award.period_start is not None and award.period_end is not None
            else None
        ),
        region=award.region,
        legal_basis=award.legal_basis,
        themes=award.themes,
        award_before_close=award.award_before_close,
        legal_unit=_legal_unit(award),
        cap_override=award.cap_override,
        size_band=award.size_band,
        last_report_on=award.last_report_on,
        completed_on=award.completed_on,
        terminated_on=award.terminated_on,
        termination_reason=award.termination_reason,
        source_id=award.source_id,
        published_at=award.published_at,
        published_seq=award.published_seq,
    )


def _legal_unit(award: Award) -> LegalUnitRead | None:
    return stated_read(
        award.legal_unit,
        award.legal_multiplier,
        award.legal_unit_on,
        award.legal_unit_value,
        award.currency,
    )


def to_read(session: Session, award: Award) -> AwardRead:
    (read,) = to_read_many(session, [award])
    return read


def to_read_many(session: Session, awards: Sequence[Award]) -> list[AwardRead]:
    """``to_read`` for several awards, with three queries in all."""
    ids = [award.id for award in awards]
    events = service.events_many(session, ids)
    conclusions = oversight.about_many(session, SubjectType.AWARD, ids)
    return [
        AwardRead(
            **dict(to_summary(award)),
            events=[_event_read(event) for event in events[award.id]],
            oversight=conclusions[award.id],
        )
        for award in awards
    ]


def _event_read(event: AwardEvent) -> AwardEventRead:
    return AwardEventRead(
        seq=event.seq,
        kind=event.kind,
        time=event.time,
        actor=event.actor,
        body=event.body,
        proof=PROOF_PATH.format(seq=event.seq),
        corrected_by=event.corrected_by,
        voided=event.voided,
    )


@router.post(
    "",
    summary="Publish an award (the funder's key)",
    response_model=AwardRead,
    status_code=201,
    responses=created_responses(401, 403, 404, 422, 503),
)
async def create_award(
    request: Request,
    principal: GroupedFunderDep,
    data: AwardCreate,
    idempotency_key: IdempotencyKey = None,
) -> object:
    claimed = idempotency.claim(request, scope=principal.key_prefix, key=idempotency_key, body=data)
    with forgotten_if_refused(request, principal):
        published = await writes(request).write(_publish, _Publication(principal, data, claimed))
    return located(request, published, "get_award", param="award_id", member="id")


@dataclass(frozen=True)
class _Publication:
    principal: Principal
    data: AwardCreate
    claimed: idempotency.Claim | None


def _publish(session: Session, units: Sequence[_Publication]) -> list[Response]:
    """Group commit's operation for award publications: all of them in one ledger append.
    Each 201 response is made from its publication's entry (``_published_read``), with no
    reading back."""
    _confirm_keys(session, units)
    if len(units) == 1:
        (unit,) = units
        return [
            idempotency.respond_to(
                session,
                unit.claimed,
                status=201,
                produce=lambda: _published_read(
                    *service.publish_recorded(session, [(unit.principal, unit.data)])
                ),
            )
        ]
    _claims_one_by_one(session, [unit.claimed for unit in units])
    recorded = service.publish_recorded(session, [(unit.principal, unit.data) for unit in units])
    return _responses(session, units, [_published_read(entry) for entry in recorded])


def _published_read(entry: Recorded) -> AwardRead:
    """A new award as ``to_read`` would read it back: the row its publication entry makes
    (``projection.published_values``, what the projector inserted), its one event, and no
    oversight conclusions (none can name an award before it exists)."""
    award = transient(Award, projection.published_values(entry))
    event = transient(AwardEvent, projection.event_values(entry))
    return AwardRead(**dict(to_summary(award)), events=[_event_read(event)], oversight=[])


def _confirm_keys(session: Session, units: Sequence["_Publication | _Event"]) -> None:
    """The keys the requests were let in on, confirmed under the ledger's lock (the lock a
    revocation takes): no entry of a key follows the entry that revoked it."""
    ledger_lock(session)
    auth_service.confirm(session, [unit.principal for unit in units])


def _alone(
    session: Session, claimed: idempotency.Claim | None, write: Callable[[], Award]
) -> list[Response]:
    """A batch of one: exactly what a request alone does, idempotency key and all."""
    return [
        idempotency.respond_to(
            session, claimed, status=201, produce=lambda: to_read(session, write())
        )
    ]


def _claims_one_by_one(session: Session, claims: Sequence[idempotency.Claim | None]) -> None:
    """Several requests with idempotency keys are applied together only when none of the keys
    is a retry or used twice among them; otherwise one by one, as ``respond_to`` does. (The
    caller holds the ledger's lock: ``_confirm_keys`` took it.)"""
    keyed = [claimed for claimed in claims if claimed is not None]
    if keyed and idempotency.any_taken(session, keyed):
        raise OneByOne


def _all_created(
    session: Session, units: Sequence["_Publication | _Event"], award_ids: Sequence[str]
) -> list[Response]:
    """Each unit's 201 response: its award as it is now, read for all of them at once."""
    awards = service.get_many(session, award_ids)
    return _responses(session, units, to_read_many(session, [awards[i] for i in award_ids]))


def _responses(
    session: Session, units: Sequence["_Publication | _Event"], reads: Sequence[AwardRead]
) -> list[Response]:
    """Each unit's 201 response, stored for its idempotency key, if any."""
    responses: list[Response] = []
    for unit, read in zip(units, reads, strict=True):
        if unit.claimed is None:
            responses.append(idempotency.model_response(read, 201))
            continue
        body = read.model_dump_json()
        idempotency.remember(session, unit.claimed, 201, body)
        responses.append(Response(body, status_code=201, media_type="application/json"))
    return responses


@router.get(
    "/{award_id}",
    summary="One award with its full event history, each event linked to its proof",
    response_model=AwardRead,
    responses=problem_responses(404),
)
def get_award(session: SessionDep, award_id: AwardId) -> AwardRead:
    return to_read(session, service.get(session, award_id))


@router.get(
    "/{award_id}/receipt",
    summary="An offline receipt (C2SP tlog-proof) of the award's publication entry",
    response_class=Response,
    responses=RECEIPT_RESPONSES,
)
def get_award_receipt(request: Request, session: SessionDep, award_id: AwardId) -> Response:
    award = service.get(session, award_id)
    return receipt_response(
        request, session, award.published_seq, f"award-{award.id}", field="path.award_id"
    )


@router.get(
    "/{award_id}/events/{seq}/receipt",
    summary="An offline receipt (C2SP tlog-proof) of one event of the award",
    response_class=Response,
    responses=RECEIPT_RESPONSES,
)
def get_award_event_receipt(
    request: Request,
    session: SessionDep,
    award_id: AwardId,
    seq: Annotated[int, Path(ge=0, le=MAX_INDEX)],
) -> Response:
    award = service.get(session, award_id)
    seq = service.event_seq(session, award, seq)
    return receipt_response(request, session, seq, f"award-{award.id}-{seq}")


@router.post(
    "/{award_id}/events",
    summary="Record an amendment, disbursement, report, completion, termination or correction",
    response_model=AwardRead,
    status_code=201,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def add_award_event(
    request: Request,
    principal: GroupedFunderDep,
    award_id: AwardId,
    event: AwardEventCreate,
    idempotency_key: IdempotencyKey = None,
) -> object:
    claimed = idempotency.claim(
        request, scope=principal.key_prefix, key=idempotency_key, body=event
    )
    with forgotten_if_refused(request, principal):
        return await writes(request).write(_add_events, _Event(principal, award_id, event, claimed))


@dataclass(frozen=True)
class _Event:
    principal: Principal
    award_id: str
    event: AwardEventCreate
    claimed: idempotency.Claim | None


def _add_events(session: Session, units: Sequence[_Event]) -> list[Response]:
    """Group commit's operation for award events: all of them in one ledger append."""
    if len({unit.award_id for unit in units}) < len(units):
        # Each response is the award after its own event; a later one to the same award in
        # the batch would show in it.
        raise OneByOne
    _confirm_keys(session, units)
    if len(units) == 1:
        (unit,) = units
        return _alone(
            session,
            unit.claimed,
            lambda: service.add_event(
                session, principal=unit.principal, award_id=unit.award_id, event=unit.event
            ),
        )
    _claims_one_by_one(session, [unit.claimed for unit in units])
    service.add_events_many(
        session, [(unit.principal, unit.award_id, unit.event) for unit in units]
    )
    return _all_created(session, units, [unit.award_id for unit in units])
