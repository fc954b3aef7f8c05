"""``/oversight``: public oversight conclusions, their answers, and each body's record."""

from typing import Annotated, Self

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field, model_validator
from sqlalchemy.orm import Session

from registry.auth.dependencies import OrganizationKeyDep, OverseerDep
from registry.competitions.router import PROOF_PATH
from registry.core import clock, idempotency
from registry.core.created import created_responses, located
from registry.core.db import SessionDep, WriteSessionDep
from registry.core.errors import problem_responses
from registry.core.idempotency import IdempotencyKey
from registry.core.json_body import JsonBodyRoute
from registry.core.parameters import (
    each,
    list_values,
    member_of,
    refuse_reversed,
)
from registry.core.schemas import IsoDate
from registry.organizations import service as organization_service
from registry.oversight import queries, service
from registry.oversight.models import Conclusion, ConclusionEvent, ConclusionRound
from registry.oversight.schemas import (
    ConclusionCreate,
    ConclusionEventCreate,
    ConclusionEventRead,
    ConclusionPage,
    ConclusionRead,
    ConclusionStatus,
    Decision,
    GroupBy,
    OversightStats,
    OversightStatsRow,
    RoundRead,
    SubjectType,
)
from registry.oversight.views import to_summary
from registry.publication.pagination import CursorsDep, next_url
from registry.publication.router import CursorParam, LimitParam, OrgIdsParam

router = APIRouter(
    prefix="/oversight",
    tags=["oversight"],
    route_class=JsonBodyRoute,
)
ConclusionId = Annotated[str, Path(max_length=40)]


def answer_days(request: Request) -> int:
    days: int = request.app.state.settings.oversight_answer_days
    return days


AnswerDaysDep = Annotated[int, Depends(answer_days)]


def _round_read(found: ConclusionRound) -> RoundRead:
    return RoundRead.model_validate(found, from_attributes=True)


def _event_read(event: ConclusionEvent) -> ConclusionEventRead:
    return ConclusionEventRead(
        seq=event.seq,
        kind=event.kind,
        time=event.time,
        actor=event.actor,
        body=event.body,
        proof=PROOF_PATH.format(seq=event.seq),
    )


def to_read(session: Session, conclusion: Conclusion) -> ConclusionRead:
    return ConclusionRead(
        **dict(to_summary(conclusion)),
        findings=conclusion.findings,
        recommendations=conclusion.recommendations,
        attachments=conclusion.attachments,
        rounds=[_round_read(found) for found in service.rounds(session, conclusion.id)],
        events=[_event_read(event) for event in service.events(session, conclusion.id)],
    )


@router.post(
    "/conclusions",
    summary="Submit a public oversight conclusion (the overseer's key)",
    response_model=ConclusionRead,
    status_code=201,
    responses=created_responses(401, 403, 422),
)
def submit_conclusion(
    request: Request,
    session: WriteSessionDep,
    principal: OverseerDep,
    days: AnswerDaysDep,
    data: ConclusionCreate,
    idempotency_key: IdempotencyKey = None,
) -> object:
    def produce() -> ConclusionRead:
        conclusion = service.submit(session, principal=principal, data=data, answer_days=days)
        return to_read(session, conclusion)

    submitted = idempotency.respond(
        session,
        request=request,
        scope=principal.key_prefix,
        key=idempotency_key,
        body=data,
        status=201,
        produce=produce,
    )
    return located(request, submitted, "get_conclusion", param="conclusion_id", member="id")


@router.post(
    "/conclusions/{conclusion_id}/events",
    summary="Acknowledge, extend or answer (the addressed body's key); withdraw or escalate "
    "(the overseer's key)",
    response_model=ConclusionRead,
    status_code=201,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def add_conclusion_event(
    request: Request,
    session: WriteSessionDep,
    principal: OrganizationKeyDep,
    days: AnswerDaysDep,
    conclusion_id: ConclusionId,
    event: ConclusionEventCreate,
    idempotency_key: IdempotencyKey = None,
) -> object:
    def produce() -> ConclusionRead:
        conclusion = service.add_event(
            session,
            principal=principal,
            conclusion_id=conclusion_id,
            event=event,
            answer_days=days,
        )
        return to_read(session, conclusion)

    return idempotency.respond(
        session,
        request=request,
        scope=principal.key_prefix,
        key=idempotency_key,
        body=event,
        status=201,
        produce=produce,
    )


REVERSED_DAYS = (
    "is later than submitted_to: the range is the wrong way round, so nothing can match",
    "is earlier than submitted_from: the range is the wrong way round, so nothing can match",
)


class SubmittedDays(BaseModel):
    """``submitted_from`` and ``submitted_to``, read together: the wrong way round they would
    find nothing, which reads as "no conclusions"."""

    submitted_from: IsoDate | None = Field(default=None, description="On or after this day (UTC).")
    submitted_to: IsoDate | None = Field(default=None, description="On or before this day (UTC).")

    @model_validator(mode="after")
    def in_order(self) -> Self:
        return refuse_reversed(self, "submitted_from", "submitted_to", messages=REVERSED_DAYS)


def submitted_days(days: Annotated[SubmittedDays, Query()]) -> SubmittedDays:
    return days


def conclusion_filters(
    *,
    body: OrgIdsParam = None,
    overseer: OrgIdsParam = None,
    status: Annotated[
        list[str] | None,
        Query(description="submitted, acknowledged, answered, overdue, escalated, withdrawn."),
        each(member_of(ConclusionStatus)),
    ] = None,
    decision: Annotated[
        list[str] | None,
        Query(description="accepted, partly_accepted, rejected."),
        each(member_of(Decision)),
    ] = None,
    subject_type: Annotated[
        list[str] | None,
        Query(description="award, competition, funder."),
        each(member_of(SubjectType)),
    ] = None,
    subject: Annotated[
        list[str] | None, Query(description="An award or competition id, or a funder's org-id.")
    ] = None,
    days: Annotated[SubmittedDays, Depends(submitted_days)],
) -> queries.ConclusionFilters:
    return queries.ConclusionFilters(
        body=tuple(body or ()),
        overseer=tuple(overseer or ()),
        status=tuple(ConclusionStatus(value) for value in status or ()),
        decision=tuple(Decision(value) for value in decision or ()),
        subject_type=tuple(SubjectType(value) for value in subject_type or ()),
        subject=list_values(subject),
        submitted_from=days.submitted_from,
        submitted_to=days.submitted_to,
    )


@router.get(
    "/conclusions",
    summary="Conclusions: by body, overseer, status (overdue is derived from the clock), "
    "subject and date, in keyset pages",
    response_model=ConclusionPage,
    responses=problem_responses(400),
)
def list_conclusions(
    request: Request,
    session: SessionDep,
    cursors: CursorsDep,
    filters: Annotated[queries.ConclusionFilters, Depends(conclusion_filters)],
    sort: queries.ConclusionSort = queries.ConclusionSort.NEWEST,
    limit: LimitParam = 100,
    cursor: CursorParam = None,
) -> ConclusionPage:
    page = queries.conclusion_page(
        session, filters, sort=sort, limit=limit, cursor=cursor, cursors=cursors
    )
    return ConclusionPage(
        items=[to_summary(conclusion) for conclusion in page.items],
        next=next_url(request, page.cursor),
    )


@router.get(
    "/conclusions/{conclusion_id}",
    summary="One conclusion with its rounds, deadlines and every entry (with ledger seqs)",
    response_model=ConclusionRead,
    responses=problem_responses(404),
)
def get_conclusion(session: SessionDep, conclusion_id: ConclusionId) -> ConclusionRead:
    return to_read(session, service.get(session, conclusion_id))


def stats_rows(
    session: Session, rows: list[queries.StatsRow], group_by: GroupBy
) -> list[OversightStatsRow]:
    found = (
        organization_service.find_many(session, {row.key for row in rows})
        if group_by is not GroupBy.YEAR
        else {}
    )
    named = {org_id: organization_service.names_of(org) for org_id, org in found.items()}
    return [
        OversightStatsRow(
            key=row.key,
            name=named.get(row.key),
            conclusions=row.received,
            received=row.received,
            answered=row.answered,
            answered_on_time=row.answered_on_time,
            answered_late=row.answered_late,
            overdue=row.overdue,
            lapsed=row.lapsed,
            pending=row.pending,
            withdrawn=row.withdrawn,
            accepted=row.accepted,
            partly_accepted=row.partly_accepted,
            rejected=row.rejected,
            escalated=row.escalated,
            median_days_to_answer=(
                str(row.median_days_to_answer) if row.median_days_to_answer is not None else None
            ),
        )
        for row in rows
    ]


@router.get(
    "/stats",
    summary="Each state body's record (or each overseer's, or each year's): received, answered "
    "on time, late, overdue now, median days to answer",
    response_model=OversightStats,
    responses=problem_responses(400),
)
def oversight_stats(
    session: SessionDep,
    group_by: GroupBy = GroupBy.BODY,
    body: OrgIdsParam = None,
    overseer: OrgIdsParam = None,
    year: Annotated[list[Annotated[int, Field(ge=2000, le=2100)]] | None, Query()] = None,
    sort: queries.StatsSort = queries.StatsSort.KEY,
    limit: LimitParam = 100,
) -> OversightStats:
    now = clock.now()
    rows = queries.stats(
        session,
        group_by,
        body=tuple(body or ()),
        overseer=tuple(overseer or ()),
        year=year or (),
        now=now,
    )
    ordered = queries.sort_stats(rows, sort)[:limit]
    return OversightStats(group_by=group_by, as_of=now, rows=stats_rows(session, ordered, group_by))
