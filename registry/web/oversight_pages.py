"""Public oversight in the portal: who leaves conclusions unanswered, each conclusion's story,
and each state body's record. The pages read through the API's own queries."""

from collections import defaultdict
from datetime import date, datetime
from functools import partial
from typing import Annotated, Final
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from registry.core import clock
from registry.core.db import SessionDep
from registry.organizations import service as organization_service
from registry.oversight import queries, service
from registry.oversight.router import ConclusionId, stats_rows, to_read
from registry.oversight.schemas import ConclusionStatus, ConclusionSummary, GroupBy
from registry.oversight.views import to_summary
from registry.publication.pagination import CursorsDep
from registry.publication.router import CursorParam
from registry.web import addresses, views
from registry.web.templating import PageContext, render

router = APIRouter(tags=["portal"])
LATEST: Final = 20
PER_PAGE: Final = 25
MAX_OVERDUE: Final = 500


def _local_today(conclusion: ConclusionSummary, now: datetime) -> date:
    return now.astimezone(ZoneInfo(conclusion.time_zone)).date()


def overdue_days(conclusion: ConclusionSummary, now: datetime) -> int | None:
    """Calendar days since the last day to answer, in the body's time zone (1 on the day
    after it), for an overdue conclusion."""
    if conclusion.status is not ConclusionStatus.OVERDUE:
        return None
    return (_local_today(conclusion, now) - conclusion.due_date).days


def days_left(conclusion: ConclusionSummary, now: datetime) -> int | None:
    """Calendar days from today to the last day to answer, both dates in the deadline's own
    time zone: 30 on the day a conclusion with 30 days arrives (it is due 30 days later),
    0 on the last day itself."""
    if conclusion.status not in (
        ConclusionStatus.SUBMITTED,
        ConclusionStatus.ACKNOWLEDGED,
        ConclusionStatus.ESCALATED,
    ):
        return None
    return (conclusion.due_date - _local_today(conclusion, now)).days


def days_late(conclusion: ConclusionSummary) -> int | None:
    """Calendar days from the last day to answer to the day of a late answer, in the
    deadline's time zone (1 for an answer the day after)."""
    if not conclusion.answered_late or conclusion.answered_at is None:
        return None
    answered = conclusion.answered_at.astimezone(ZoneInfo(conclusion.time_zone)).date()
    return (answered - conclusion.due_date).days


def _names_for(
    session: SessionDep, conclusions: list[ConclusionSummary]
) -> dict[str, dict[str, str]]:
    return views.organization_names(
        session, {c.overseer_id for c in conclusions} | {c.body_id for c in conclusions}
    )


def section(session: SessionDep, conclusions: list[ConclusionSummary]) -> dict[str, object]:
    """What ``_oversight.html`` needs to list ``conclusions`` on another page."""
    return {
        "conclusions": conclusions,
        "names": _names_for(session, conclusions),
        "now": clock.now(),
        "overdue_days": overdue_days,
        "days_left": days_left,
        "days_late": days_late,
    }


@router.get("/oversight", response_class=HTMLResponse)
def oversight_page(request: Request, session: SessionDep, cursors: CursorsDep) -> HTMLResponse:
    page = PageContext(request)
    now = clock.now()
    bodies = stats_rows(
        session,
        queries.sort_stats(
            queries.stats(session, GroupBy.BODY, now=now), queries.StatsSort.OVERDUE
        ),
        GroupBy.BODY,
    )
    overdue = queries.conclusion_page(
        session,
        queries.ConclusionFilters(status=(ConclusionStatus.OVERDUE,)),
        sort=queries.ConclusionSort.DUE,
        limit=MAX_OVERDUE,
        cursor=None,
        cursors=cursors,
    )
    by_body: dict[str, list[ConclusionSummary]] = defaultdict(list)
    for conclusion in overdue.items:
        by_body[conclusion.body_id].append(to_summary(conclusion, now))
    latest = queries.conclusion_page(
        session,
        queries.ConclusionFilters(),
        sort=queries.ConclusionSort.NEWEST,
        limit=LATEST,
        cursor=None,
        cursors=cursors,
    )
    recent = [to_summary(conclusion, now) for conclusion in latest.items]
    listed = [c for found in by_body.values() for c in found] + recent
    return render(
        request,
        "oversight.html",
        {
            "section": "/oversight",
            "answer_days": request.app.state.settings.oversight_answer_days,
            "bodies": bodies,
            "overdue": sorted(by_body.items(), key=lambda item: (-len(item[1]), item[0])),
            "overdue_more": overdue.cursor is not None,
            "recent": recent,
            "names": _names_for(session, listed),
            "now": now,
            "overdue_days": overdue_days,
            "days_left": days_left,
            "days_late": days_late,
        },
        page=page,
    )


@router.get("/oversight/conclusions/{conclusion_id}", response_class=HTMLResponse)
def conclusion_page(
    request: Request, session: SessionDep, conclusion_id: ConclusionId
) -> HTMLResponse:
    page = PageContext(request)
    now = clock.now()
    conclusion = to_read(
        session,
        addresses.record(request, "conclusion_id", conclusion_id, partial(service.get, session)),
    )
    org_ids = {conclusion.overseer_id} | {found.body_id for found in conclusion.rounds}
    if conclusion.subject["type"] == "funder":
        org_ids.add(conclusion.subject["id"])
    return render(
        request,
        "conclusion.html",
        {
            "section": "/oversight",
            "conclusion": conclusion,
            "names": views.organization_names(session, org_ids),
            "zone": ZoneInfo(conclusion.time_zone),
            "now": now,
            "overdue_days": overdue_days(conclusion, now),
            "days_left": days_left(conclusion, now),
            "days_late": days_late(conclusion),
            "verifier_key": request.app.state.signer.verifier.verifier_key(),
        },
        page=page,
    )


@router.get("/oversight/bodies/{org_id}", response_class=HTMLResponse)
def body_page(
    request: Request,
    session: SessionDep,
    cursors: CursorsDep,
    org_id: Annotated[str, Path(max_length=100)],
    cursor: CursorParam = None,
) -> HTMLResponse:
    page = PageContext(request)
    organization = addresses.record(
        request,
        "org_id",
        org_id,
        partial(organization_service.get, session),
        addresses.org_id_spellings,
    )
    canonical = organization.org_id
    now = clock.now()
    record = stats_rows(
        session, queries.stats(session, GroupBy.BODY, body=[canonical], now=now), GroupBy.BODY
    )
    found = queries.conclusion_page(
        session,
        queries.ConclusionFilters(body=(canonical,)),
        sort=queries.ConclusionSort.NEWEST,
        limit=PER_PAGE,
        cursor=cursor,
        cursors=cursors,
    )
    conclusions = [to_summary(conclusion, now) for conclusion in found.items]
    path = f"/oversight/bodies/{canonical}"
    return render(
        request,
        "oversight_body.html",
        {
            "section": "/oversight",
            "organization": organization,
            "org_names": views.names_of(organization),
            "record": record[0] if record else None,
            "conclusions": conclusions,
            "names": _names_for(session, conclusions),
            "now": now,
            "overdue_days": overdue_days,
            "days_left": days_left,
            "days_late": days_late,
            "next_page": page.url(path, cursor=found.cursor) if found.cursor else None,
            "first_page": page.url(path) if cursor else None,
        },
        page=page,
    )
