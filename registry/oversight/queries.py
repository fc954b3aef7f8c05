"""Reading oversight: the filtered list of conclusions and the record of each body.

Status is derived from the clock; the filters compare the stored deadline instants with
``now`` in SQL, so ``status=overdue`` needs no write when a deadline passes.
"""

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from registry.core import clock
from registry.oversight.models import Conclusion, ConclusionRound
from registry.oversight.schemas import ConclusionStatus, Decision, GroupBy, SubjectType
from registry.publication.pagination import CursorCodec
from registry.publication.search import Page, keyset_page


class ConclusionSort(enum.StrEnum):
    NEWEST = "-submitted"
    OLDEST = "submitted"
    # The earliest deadline first: with status=overdue, who has waited longest; with
    # status=submitted,acknowledged,escalated, what falls due next.
    DUE = "due"


class StatsSort(enum.StrEnum):
    KEY = "key"
    RECEIVED = "-received"
    OVERDUE = "-overdue"
    LATE = "-late"  # answered late, most first
    MEDIAN_DAYS = "-median_days"  # slowest first


@dataclass(frozen=True)
class ConclusionFilters:
    body: tuple[str, ...] = ()  # addressed in any round
    overseer: tuple[str, ...] = ()
    status: tuple[ConclusionStatus, ...] = ()
    decision: tuple[Decision, ...] = ()
    subject_type: tuple[SubjectType, ...] = ()
    subject: tuple[str, ...] = ()
    submitted_from: date | None = None
    submitted_to: date | None = None
    year: tuple[int, ...] = field(default=())


def _status_condition(status: ConclusionStatus, now: datetime) -> ColumnElement[bool]:
    live = Conclusion.withdrawn_at.is_(None)
    unanswered = and_(live, Conclusion.answered_at.is_(None))
    pending = and_(unanswered, Conclusion.due_at > now)
    conditions: dict[ConclusionStatus, ColumnElement[bool]] = {
        ConclusionStatus.WITHDRAWN: Conclusion.withdrawn_at.is_not(None),
        ConclusionStatus.ANSWERED: and_(live, Conclusion.answered_at.is_not(None)),
        ConclusionStatus.OVERDUE: and_(unanswered, Conclusion.due_at <= now),
        ConclusionStatus.ACKNOWLEDGED: and_(pending, Conclusion.acknowledged_at.is_not(None)),
        ConclusionStatus.ESCALATED: and_(
            pending, Conclusion.acknowledged_at.is_(None), Conclusion.round > 0
        ),
        ConclusionStatus.SUBMITTED: and_(
            pending, Conclusion.acknowledged_at.is_(None), Conclusion.round == 0
        ),
    }
    return conditions[status]


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def conclusion_page(
    session: Session,
    filters: ConclusionFilters,
    *,
    sort: ConclusionSort,
    limit: int,
    cursor: str | None,
    cursors: CursorCodec,
) -> Page:
    now = clock.now()
    conditions: list[ColumnElement[bool]] = []
    if filters.body:
        conditions.append(
            Conclusion.id.in_(
                select(ConclusionRound.conclusion_id).where(
                    ConclusionRound.body_id.in_(filters.body)
                )
            )
        )
    simple: list[tuple[InstrumentedAttribute[Any], Sequence[Any]]] = [
        (Conclusion.overseer_id, filters.overseer),
        (Conclusion.decision, [decision.value for decision in filters.decision]),
        (Conclusion.subject_type, [kind.value for kind in filters.subject_type]),
        (Conclusion.subject_id, filters.subject),
    ]
    for attribute, values in simple:
        if values:
            conditions.append(attribute.in_(list(values)))
    if filters.status:
        statuses = dict.fromkeys(filters.status)
        conditions.append(or_(*(_status_condition(status, now) for status in statuses)))
    if filters.submitted_from is not None:
        conditions.append(Conclusion.submitted_at >= _day_start(filters.submitted_from))
    if filters.submitted_to is not None:
        end = _day_start(filters.submitted_to + timedelta(days=1))
        conditions.append(Conclusion.submitted_at < end)
    if filters.year:
        conditions.append(
            or_(
                *(
                    and_(
                        Conclusion.submitted_at >= _day_start(date(year, 1, 1)),
                        Conclusion.submitted_at < _day_start(date(year + 1, 1, 1)),
                    )
                    for year in filters.year
                )
            )
        )
    column = (
        Conclusion.submitted_at
        if sort in (ConclusionSort.NEWEST, ConclusionSort.OLDEST)
        else Conclusion.due_at
    )
    return keyset_page(
        session,
        select(Conclusion).where(*conditions),
        column,
        Conclusion.id,
        descending=sort is ConclusionSort.NEWEST,
        limit=limit,
        cursor=cursor,
        cursors=cursors,
        scope=f"oversight/conclusions?sort={sort.value}",
    )


@dataclass(frozen=True)
class StatsRow:
    key: str
    received: int
    answered: int
    answered_on_time: int
    answered_late: int
    overdue: int
    lapsed: int
    pending: int
    withdrawn: int
    accepted: int
    partly_accepted: int
    rejected: int
    escalated: int
    median_days_to_answer: Decimal | None


COUNTS = (
    "received",
    "answered",
    "answered_on_time",
    "answered_late",
    "overdue",
    "lapsed",
    "pending",
    "withdrawn",
    "accepted",
    "partly_accepted",
    "rejected",
    "escalated",
)


def _count(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def stats(
    session: Session,
    group_by: GroupBy,
    *,
    body: Sequence[str] = (),
    overseer: Sequence[str] = (),
    year: Sequence[int] = (),
    now: datetime | None = None,
) -> list[StatsRow]:
    """By body: every addressee's rounds (a conclusion escalated from A to B counts once for
    A, as lapsed if A let its deadline pass, and once for B). By overseer or by year (of
    submission): each conclusion once (``_conclusion_stats``)."""
    now = now or clock.now()
    if group_by is not GroupBy.BODY:
        return _conclusion_stats(
            session, group_by, body=body, overseer=overseer, year=year, now=now
        )
    key = ConclusionRound.body_id
    withdrawn = ConclusionRound.closed == "withdrawn"
    unanswered = ConclusionRound.answered_at.is_(None)
    conditions: list[ColumnElement[bool]] = []
    if body:
        conditions.append(ConclusionRound.body_id.in_(list(body)))
    if overseer:
        conditions.append(ConclusionRound.overseer_id.in_(list(overseer)))
    if year:
        conditions.append(ConclusionRound.year.in_(list(year)))
    current = and_(unanswered, ConclusionRound.closed.is_(None))
    escalated_away = and_(unanswered, ConclusionRound.closed == "escalated")
    statement = (
        select(
            key,
            func.count(),
            _count(ConclusionRound.answered_at.is_not(None)),
            _count(ConclusionRound.answered_late.is_(False)),
            _count(ConclusionRound.answered_late.is_(True)),
            _count(and_(current, ConclusionRound.due_at <= now)),
            _count(and_(escalated_away, ConclusionRound.due_at <= now)),
            _count(and_(current, ConclusionRound.due_at > now)),
            _count(withdrawn),
            _count(ConclusionRound.decision == Decision.ACCEPTED.value),
            _count(ConclusionRound.decision == Decision.PARTLY_ACCEPTED.value),
            _count(ConclusionRound.decision == Decision.REJECTED.value),
            _count(ConclusionRound.closed == "escalated"),
        )
        .where(*conditions)
        .group_by(key)
    )
    answered = select(key, ConclusionRound.days_to_answer).where(
        *conditions, ConclusionRound.days_to_answer.is_not(None)
    )
    return _rows(session, statement, answered)


def _conclusion_stats(
    session: Session,
    group_by: GroupBy,
    *,
    body: Sequence[str],
    overseer: Sequence[str],
    year: Sequence[int],
    now: datetime,
) -> list[StatsRow]:
    """Each conclusion once, as it stands: its last round (the body addressed now) says
    whether it is answered (on time, late, with which decision), overdue, pending or
    withdrawn, so those add up to the conclusions counted; ``escalated`` counts those taken
    to a higher body at least once, ``lapsed`` those a body let lapse before that. The year is
    the submission's (in the first body's time zone); ``body`` keeps the conclusions
    addressed to one of them in any round."""
    last = ConclusionRound
    first = aliased(ConclusionRound)
    earlier = aliased(ConclusionRound)
    key = last.overseer_id if group_by is GroupBy.OVERSEER else first.year
    conditions: list[ColumnElement[bool]] = [or_(last.closed.is_(None), last.closed != "escalated")]
    if body:
        conditions.append(
            select(earlier.conclusion_id)
            .where(earlier.conclusion_id == last.conclusion_id, earlier.body_id.in_(list(body)))
            .exists()
        )
    if overseer:
        conditions.append(last.overseer_id.in_(list(overseer)))
    if year:
        conditions.append(first.year.in_(list(year)))
    lapsed = (
        select(earlier.conclusion_id)
        .where(
            earlier.conclusion_id == last.conclusion_id,
            earlier.closed == "escalated",
            earlier.answered_at.is_(None),
            earlier.due_at <= now,
        )
        .exists()
    )
    current = and_(last.answered_at.is_(None), last.closed.is_(None))
    joined = and_(first.conclusion_id == last.conclusion_id, first.round == 0)
    statement = (
        select(
            key,
            func.count(),
            _count(last.answered_at.is_not(None)),
            _count(last.answered_late.is_(False)),
            _count(last.answered_late.is_(True)),
            _count(and_(current, last.due_at <= now)),
            _count(lapsed),
            _count(and_(current, last.due_at > now)),
            _count(last.closed == "withdrawn"),
            _count(last.decision == Decision.ACCEPTED.value),
            _count(last.decision == Decision.PARTLY_ACCEPTED.value),
            _count(last.decision == Decision.REJECTED.value),
            _count(last.round > 0),
        )
        .select_from(last)
        .join(first, joined)
        .where(*conditions)
        .group_by(key)
    )
    answered = (
        select(key, last.days_to_answer)
        .select_from(last)
        .join(first, joined)
        .where(*conditions, last.days_to_answer.is_not(None))
    )
    return _rows(session, statement, answered)


def _rows(session: Session, statement: Any, answered: Any) -> list[StatsRow]:
    """The counts of ``statement`` (the key, then ``COUNTS`` in order) with the median of the
    days to answer that ``answered`` reads (the key, a number of days)."""
    days: dict[str, list[int]] = defaultdict(list)
    for group, value in session.execute(answered):
        if value is not None:
            days[str(group)].append(value)
    rows = []
    for group, *counts in session.execute(statement):
        spread = days.get(str(group))
        median = _median(spread) if spread else None
        numbers = {name: int(count or 0) for name, count in zip(COUNTS, counts, strict=True)}
        rows.append(StatsRow(key=str(group), **numbers, median_days_to_answer=median))
    return rows


def _median(values: list[int]) -> Decimal:
    """Exact: a whole number of days, or a half when the count is even (``"24.5"``)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return Decimal(ordered[middle - 1] + ordered[middle]) / 2


def sort_stats(rows: list[StatsRow], sort: StatsSort) -> list[StatsRow]:
    if sort is StatsSort.KEY:
        return sorted(rows, key=lambda row: row.key)
    if sort is StatsSort.RECEIVED:
        return sorted(rows, key=lambda row: (-row.received, row.key))
    if sort is StatsSort.OVERDUE:
        return sorted(
            rows, key=lambda row: (-row.overdue, -row.lapsed, -row.answered_late, row.key)
        )
    if sort is StatsSort.LATE:
        return sorted(rows, key=lambda row: (-row.answered_late, row.key))
    return sorted(
        rows,
        key=lambda row: (
            row.median_days_to_answer is None,
            -(row.median_days_to_answer or 0),
            row.key,
        ),
    )
