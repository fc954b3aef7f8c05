from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from registry.auth.dependencies import FunderDep
from registry.awards import service
from registry.awards.models import Award
from registry.awards.schemas import (
    AwardCreate,
    AwardEventCreate,
    AwardEventRead,
    AwardRead,
    AwardSummary,
)
from registry.competitions.router import PROOF_PATH
from registry.core import idempotency
from registry.core.db import SessionDep, WriteSessionDep
from registry.core.errors import problem_responses
from registry.core.idempotency import IdempotencyKey
from registry.ledger.http import MAX_INDEX, RECEIPT_RESPONSES, receipt_response
from registry.oversight import views as oversight
from registry.oversight.schemas import SubjectType
from registry.reference.money import format_amount

router = APIRouter(prefix="/awards", tags=["awards"])
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
        period={"start": award.period_start, "end": award.period_end},
        region=award.region,
        legal_basis=award.legal_basis,
        themes=award.themes,
        award_before_close=award.award_before_close,
        last_report_on=award.last_report_on,
        completed_on=award.completed_on,
        terminated_on=award.terminated_on,
        termination_reason=award.termination_reason,
        source_id=award.source_id,
        published_at=award.published_at,
        published_seq=award.published_seq,
    )


def to_read(session: Session, award: Award) -> AwardRead:
    return AwardRead(
        **dict(to_summary(award)),
        events=[
            AwardEventRead(
                seq=event.seq,
                kind=event.kind,
                time=event.time,
                actor=event.actor,
                body=event.body,
                proof=PROOF_PATH.format(seq=event.seq),
                corrected_by=event.corrected_by,
                voided=event.voided,
            )
            for event in service.events(session, award.id)
        ],
        oversight=oversight.about(session, SubjectType.AWARD, award.id),
    )


@router.post(
    "",
    summary="Publish an award (the funder's key)",
    response_model=AwardRead,
    status_code=201,
    responses=problem_responses(401, 403, 404, 422),
)
def create_award(
    request: Request,
    session: WriteSessionDep,
    principal: FunderDep,
    data: AwardCreate,
    idempotency_key: IdempotencyKey = None,
) -> object:
    return idempotency.respond(
        session,
        request=request,
        scope=principal.key_prefix,
        key=idempotency_key,
        body=data,
        status=201,
        produce=lambda: to_read(session, service.publish(session, principal=principal, data=data)),
    )


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
    return receipt_response(request, session, award.published_seq, f"award-{award.id}")


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
    responses=problem_responses(401, 403, 404, 409, 422),
)
def add_award_event(
    request: Request,
    session: WriteSessionDep,
    principal: FunderDep,
    award_id: AwardId,
    event: AwardEventCreate,
    idempotency_key: IdempotencyKey = None,
) -> object:
    def produce() -> AwardRead:
        award = service.add_event(session, principal=principal, award_id=award_id, event=event)
        return to_read(session, award)

    return idempotency.respond(
        session,
        request=request,
        scope=principal.key_prefix,
        key=idempotency_key,
        body=event,
        status=201,
        produce=produce,
    )
