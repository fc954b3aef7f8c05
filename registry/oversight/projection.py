"""Oversight conclusions, their rounds and events, from ``oversight.*`` ledger entries."""

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from registry.journal import Recorded, projector
from registry.oversight import service
from registry.oversight.models import Conclusion, ConclusionEvent, ConclusionRound


def _event(session: Session, entry: Recorded) -> tuple[Conclusion, ConclusionRound]:
    session.add(
        ConclusionEvent(
            seq=entry.seq,
            conclusion_id=entry.subject,
            kind=entry.kind,
            time=entry.time,
            actor=entry.actor,
            body=entry.body,
        )
    )
    conclusion = session.get(Conclusion, entry.subject)
    assert conclusion is not None, f"{entry.kind} for an unknown conclusion at seq {entry.seq}"
    conclusion.updated_seq = entry.seq
    return conclusion, service.current_round(session, conclusion)


def _new_round(
    conclusion: Conclusion, entry: Recorded, *, number: int, body_id: str
) -> ConclusionRound:
    deadline = service.deadline(entry.time, entry.body["answer_days"], entry.body["time_zone"])
    conclusion.round = number
    conclusion.body_id = body_id
    conclusion.due_date = deadline.due_date
    conclusion.due_at = deadline.due_at
    conclusion.time_zone = deadline.time_zone
    conclusion.acknowledged_at = None
    conclusion.answered_at = None
    conclusion.decision = None
    conclusion.answered_late = None
    return ConclusionRound(
        conclusion_id=conclusion.id,
        round=number,
        body_id=body_id,
        overseer_id=conclusion.overseer_id,
        year=entry.time.astimezone(ZoneInfo(deadline.time_zone)).year,
        addressed_at=entry.time,
        addressed_seq=entry.seq,
        due_date=deadline.due_date,
        due_at=deadline.due_at,
        time_zone=deadline.time_zone,
        acknowledged_at=None,
        extended_days=None,
        answered_at=None,
        answered_seq=None,
        decision=None,
        answered_late=None,
        days_to_answer=None,
        closed=None,
    )


@projector(service.SUBMITTED)
def submitted(session: Session, entry: Recorded) -> None:
    body = entry.body
    conclusion = Conclusion(
        id=body["id"],
        overseer_id=body["overseer_id"],
        subject_type=body["subject"]["type"],
        subject_id=body["subject"]["id"],
        title=body["title"],
        findings=body["findings"],
        recommendations=body["recommendations"],
        attachments=body["attachments"],
        submitted_at=entry.time,
        submitted_seq=entry.seq,
        withdrawn_at=None,
        updated_seq=entry.seq,
    )
    first = _new_round(conclusion, entry, number=0, body_id=body["addressed_to"])
    session.add(conclusion)
    session.flush()
    session.add(first)
    session.flush()
    _event(session, entry)


@projector("oversight.acknowledged")
def acknowledged(session: Session, entry: Recorded) -> None:
    conclusion, current = _event(session, entry)
    conclusion.acknowledged_at = current.acknowledged_at = entry.time


@projector("oversight.extended")
def extended(session: Session, entry: Recorded) -> None:
    conclusion, current = _event(session, entry)
    later = service.extended(
        service.Deadline(current.due_date, current.due_at, current.time_zone), entry.body["days"]
    )
    current.extended_days = entry.body["days"]
    conclusion.due_date = current.due_date = later.due_date
    conclusion.due_at = current.due_at = later.due_at


@projector("oversight.answered")
def answered(session: Session, entry: Recorded) -> None:
    conclusion, current = _event(session, entry)
    late = entry.time >= current.due_at
    current.answered_at = conclusion.answered_at = entry.time
    current.answered_seq = entry.seq
    current.decision = conclusion.decision = entry.body["decision"]
    current.answered_late = conclusion.answered_late = late
    current.days_to_answer = service.calendar_days(
        current.addressed_at, entry.time, current.time_zone
    )


@projector("oversight.withdrawn")
def withdrawn(session: Session, entry: Recorded) -> None:
    conclusion, current = _event(session, entry)
    conclusion.withdrawn_at = entry.time
    current.closed = "withdrawn"


@projector("oversight.escalated")
def escalated(session: Session, entry: Recorded) -> None:
    conclusion, current = _event(session, entry)
    current.closed = "escalated"
    session.add(_new_round(conclusion, entry, number=current.round + 1, body_id=entry.body["to"]))
