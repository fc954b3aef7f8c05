"""Oversight conclusions, their rounds and events, projected from ``oversight.*`` entries."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.core.db import Base


class Conclusion(Base):
    """A conclusion as it stands, with its current round's deadline and answer copied in, so
    lists filter by status on one table."""

    __tablename__ = "oversight_conclusions"
    __table_args__ = (
        Index("ix_oversight_conclusions_subject", "subject_type", "subject_id"),
        Index("ix_oversight_conclusions_body_due", "body_id", "due_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    overseer_id: Mapped[str] = mapped_column(
        String(100), ForeignKey("organizations.org_id"), index=True
    )
    # The body that must answer now: the first addressee, or the last one escalated to.
    body_id: Mapped[str] = mapped_column(String(100), ForeignKey("organizations.org_id"))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    findings: Mapped[dict[str, str]] = mapped_column(JSON)
    recommendations: Mapped[dict[str, str] | None] = mapped_column(JSON)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(index=True)
    submitted_seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    round: Mapped[int]
    due_date: Mapped[date]
    due_at: Mapped[datetime]
    time_zone: Mapped[str] = mapped_column(String(40))
    acknowledged_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    decision: Mapped[str | None] = mapped_column(String(20))
    answered_late: Mapped[bool | None]
    withdrawn_at: Mapped[datetime | None]
    updated_seq: Mapped[int] = mapped_column(BigInteger)


class ConclusionRound(Base):
    """One addressee's turn with a conclusion: the statistics of state bodies count these."""

    __tablename__ = "oversight_rounds"

    conclusion_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("oversight_conclusions.id"), primary_key=True
    )
    round: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    body_id: Mapped[str] = mapped_column(
        String(100), ForeignKey("organizations.org_id"), index=True
    )
    overseer_id: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(index=True)  # of addressed_at, in the body's time zone
    addressed_at: Mapped[datetime]
    addressed_seq: Mapped[int] = mapped_column(BigInteger)
    due_date: Mapped[date]
    due_at: Mapped[datetime]
    time_zone: Mapped[str] = mapped_column(String(40))
    acknowledged_at: Mapped[datetime | None]
    extended_days: Mapped[int | None]
    answered_at: Mapped[datetime | None]
    answered_seq: Mapped[int | None] = mapped_column(BigInteger)
    decision: Mapped[str | None] = mapped_column(String(20))
    answered_late: Mapped[bool | None]
    days_to_answer: Mapped[int | None]
    closed: Mapped[str | None] = mapped_column(String(20))  # escalated or withdrawn


class ConclusionEvent(Base):
    __tablename__ = "oversight_events"
    __table_args__ = (Index("ix_oversight_events_conclusion_seq", "conclusion_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    conclusion_id: Mapped[str] = mapped_column(String(40), ForeignKey("oversight_conclusions.id"))
    kind: Mapped[str] = mapped_column(String(40))
    time: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
