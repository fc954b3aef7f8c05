from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy.orm import Session

from registry.auth.dependencies import FunderDep
from registry.competitions import service
from registry.competitions.models import Competition, CompetitionEvent
from registry.competitions.schemas import (
    CompetitionCreate,
    CompetitionEventCreate,
    CompetitionRead,
    CompetitionSummary,
    EventRead,
    Stage,
    StageRead,
)
from registry.core import idempotency
from registry.core.created import created_responses, located
from registry.core.db import SessionDep, WriteSessionDep
from registry.core.errors import problem_responses
from registry.core.idempotency import IdempotencyKey
from registry.core.json_body import JsonBodyRoute
from registry.core.schemas import LegalUnitRead
from registry.ledger.http import RECEIPT_RESPONSES, receipt_response
from registry.oversight import views as oversight
from registry.oversight.schemas import SubjectType
from registry.reference import legal_units
from registry.reference.money import format_amount

router = APIRouter(
    prefix="/competitions",
    tags=["competitions"],
    route_class=JsonBodyRoute,
)
CompetitionId = Annotated[str, Path(max_length=40)]
PROOF_PATH = "/api/v1/ledger/entries/{seq}"


def event_read(event: CompetitionEvent) -> EventRead:
    return EventRead(
        seq=event.seq,
        kind=event.kind,
        time=event.time,
        actor=event.actor,
        body=event.body,
        proof=PROOF_PATH.format(seq=event.seq),
    )


def to_summary(competition: Competition) -> CompetitionSummary:
    zone = service.zone_of(competition)
    return CompetitionSummary(
        id=competition.id,
        funder_id=competition.funder_id,
        instrument=competition.instrument,
        year=competition.year,
        round_number=competition.round_number,
        status=service.status(competition),
        title=competition.title,
        description=competition.description,
        eligibility=competition.eligibility,
        themes=competition.themes,
        budget=format_amount(competition.budget_minor, competition.currency),
        currency=competition.currency,
        # In the competition's own zone, as deadlines are announced (18:30 Astana time),
        # however the database returned the instant.
        window={
            "opens": competition.opens_at.astimezone(zone),
            "closes": competition.closes_at.astimezone(zone),
        },
        region=competition.region,
        legal_basis=competition.legal_basis,
        cancel_reason=competition.cancel_reason,
        results=competition.results,
        award_count=competition.award_count,
        committed=format_amount(competition.committed_minor, competition.currency),
        remaining_budget=format_amount(
            max(competition.budget_minor - competition.committed_minor, 0), competition.currency
        ),
        source_id=competition.source_id,
        published_at=competition.published_at,
        published_seq=competition.published_seq,
        legal_unit=stated_read(
            competition.legal_unit,
            competition.legal_multiplier,
            competition.legal_unit_on,
            competition.legal_unit_value,
            competition.currency,
        ),
        time_zone=zone.key,
        stages=[
            StageRead(
                stage=Stage(name),
                seq=recorded["seq"],
                date=recorded["date"],
                body=recorded["body"],
            )
            for name in service.STAGE_ORDER
            if (recorded := (competition.stages or {}).get(name.value)) is not None
        ],
        applications=competition.applications,
        admitted=competition.admitted,
        applications_per_award=per_award(competition.applications, competition.award_count),
    )


def stated_read(
    unit: str | None, multiplier: str | None, on: date | None, value: int | None, currency: str
) -> LegalUnitRead | None:
    """A statement in a legal unit as recorded, with the amount it gave at the unit's recorded
    value (an award's amount or a competition's budget)."""
    if unit is None or multiplier is None or on is None or value is None:
        return None
    return LegalUnitRead(
        unit=unit,
        multiplier=multiplier,
        on=on,
        value=str(value),
        amount=format_amount(
            legal_units.minor_amount_of(Decimal(multiplier), value, currency), currency
        ),
    )


def per_award(applications: int | None, awards: int) -> str | None:
    """Applications per award, two decimals, or None when either is unknown or zero."""
    if applications is None or awards == 0:
        return None
    return str((Decimal(applications) / awards).quantize(Decimal("0.01")))


def to_read(session: Session, competition: Competition) -> CompetitionRead:
    return CompetitionRead(
        **dict(to_summary(competition)),
        events=[event_read(event) for event in service.events(session, competition.id)],
        oversight=oversight.about(session, SubjectType.COMPETITION, competition.id),
    )


@router.post(
    "",
    summary="Post a competition (the funder's key)",
    response_model=CompetitionRead,
    status_code=201,
    responses=created_responses(401, 403, 404, 422),
)
def create_competition(
    request: Request,
    session: WriteSessionDep,
    principal: FunderDep,
    data: CompetitionCreate,
    idempotency_key: IdempotencyKey = None,
) -> object:
    posted = idempotency.respond(
        session,
        request=request,
        scope=principal.key_prefix,
        key=idempotency_key,
        body=data,
        status=201,
        produce=lambda: to_read(session, service.publish(session, principal=principal, data=data)),
    )
    return located(request, posted, "get_competition", param="competition_id", member="id")


@router.get(
    "/{competition_id}",
    summary="One competition with its full event history",
    response_model=CompetitionRead,
    responses=problem_responses(404),
)
def get_competition(session: SessionDep, competition_id: CompetitionId) -> CompetitionRead:
    return to_read(session, service.get(session, competition_id))


@router.get(
    "/{competition_id}/receipt",
    summary="An offline receipt (C2SP tlog-proof) of the competition's announcement entry",
    response_class=Response,
    responses=RECEIPT_RESPONSES,
)
def get_competition_receipt(
    request: Request, session: SessionDep, competition_id: CompetitionId
) -> Response:
    competition = service.get(session, competition_id)
    return receipt_response(
        request,
        session,
        competition.published_seq,
        f"competition-{competition.id}",
        field="path.competition_id",
    )


@router.post(
    "/{competition_id}/events",
    summary="Amend or cancel a competition, or publish its results (the funder's key)",
    response_model=CompetitionRead,
    status_code=201,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def add_competition_event(
    request: Request,
    session: WriteSessionDep,
    principal: FunderDep,
    competition_id: CompetitionId,
    event: CompetitionEventCreate,
    idempotency_key: IdempotencyKey = None,
) -> object:
    def produce() -> CompetitionRead:
        competition = service.add_event(
            session, principal=principal, competition_id=competition_id, event=event
        )
        return to_read(session, competition)

    return idempotency.respond(
        session,
        request=request,
        scope=principal.key_prefix,
        key=idempotency_key,
        body=event,
        status=201,
        produce=produce,
    )
