"""Conclusions as other responses list them: the award, competition and organization reads."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.core import clock
from registry.oversight import service
from registry.oversight.models import Conclusion, ConclusionRound
from registry.oversight.schemas import ConclusionSummary, SubjectType

MAX_LISTED = 100


def to_summary(conclusion: Conclusion, now: datetime | None = None) -> ConclusionSummary:
    now = now or clock.now()
    return ConclusionSummary(
        id=conclusion.id,
        status=service.status(conclusion, now),
        overseer_id=conclusion.overseer_id,
        body_id=conclusion.body_id,
        subject={"type": conclusion.subject_type, "id": conclusion.subject_id},
        title=conclusion.title,
        decision=conclusion.decision,
        answered_late=conclusion.answered_late,
        due_date=conclusion.due_date,
        due_at=conclusion.due_at,
        time_zone=conclusion.time_zone,
        submitted_at=conclusion.submitted_at,
        submitted_seq=conclusion.submitted_seq,
        answered_at=conclusion.answered_at,
        withdrawn_at=conclusion.withdrawn_at,
        escalations=conclusion.round,
    )


def about(session: Session, subject_type: SubjectType, subject_id: str) -> list[ConclusionSummary]:
    """The conclusions about one award or competition, newest first."""
    now = clock.now()
    return [to_summary(found, now) for found in service.about(session, subject_type, subject_id)]


def about_many(
    session: Session, subject_type: SubjectType, subject_ids: Sequence[str]
) -> dict[str, list[ConclusionSummary]]:
    """``about`` for several subjects in one query."""
    now = clock.now()
    return {
        subject_id: [to_summary(found, now) for found in conclusions]
        for subject_id, conclusions in service.about_many(
            session, subject_type, subject_ids
        ).items()
    }


def of_organization(session: Session, org_id: str) -> list[ConclusionSummary]:
    """The newest conclusions addressed to an organization (in any round) or about it as a
    funder, or submitted by it as an overseer: at most ``MAX_LISTED``."""
    addressed = select(ConclusionRound.conclusion_id).where(ConclusionRound.body_id == org_id)
    statement = (
        select(Conclusion)
        .where(
            or_(
                Conclusion.id.in_(addressed),
                Conclusion.overseer_id == org_id,
                (Conclusion.subject_type == SubjectType.FUNDER.value)
                & (Conclusion.subject_id == org_id),
            )
        )
        .order_by(Conclusion.submitted_seq.desc())
        .limit(MAX_LISTED)
    )
    now = clock.now()
    return [to_summary(found, now) for found in session.execute(statement).scalars()]
