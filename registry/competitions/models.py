"""Competitions and their events, projected from ``competition.*`` ledger entries."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.core.db import Base


class Competition(Base):
    __tablename__ = "competitions"
    __table_args__ = (UniqueConstraint("funder_id", "source_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    funder_id: Mapped[str] = mapped_column(
        String(100), ForeignKey("organizations.org_id"), index=True
    )
    instrument: Mapped[str] = mapped_column(String(30), index=True)
    year: Mapped[int] = mapped_column(index=True)
    round_number: Mapped[int | None]
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    description: Mapped[dict[str, str] | None] = mapped_column(JSON)
    eligibility: Mapped[dict[str, str] | None] = mapped_column(JSON)
    themes: Mapped[list[str]] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3))
    budget_minor: Mapped[int] = mapped_column(BigInteger)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    region: Mapped[str | None] = mapped_column(String(10), index=True)
    legal_basis: Mapped[str | None] = mapped_column(String(500))
    # published, cancelled or results_published; the public status also depends on the dates.
    state: Mapped[str] = mapped_column(String(20))
    cancel_reason: Mapped[str | None] = mapped_column(String(4000))
    # Maintained by the award projector: what the competition's awards commit (a terminated
    # award commits what it was paid), and how many there are.
    committed_minor: Mapped[int] = mapped_column(BigInteger)
    award_count: Mapped[int]
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # The budget as stated in a legal unit (registry/awards/legal.py), if it was.
    legal_unit: Mapped[str | None] = mapped_column(String(3))
    legal_multiplier: Mapped[str | None] = mapped_column(String(24))
    legal_unit_on: Mapped[date | None]
    legal_unit_value: Mapped[int | None] = mapped_column(BigInteger)
    # Stages after the window, by name: {"seq", "date", "body"} of the entry that recorded it.
    stages: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    applications: Mapped[int | None]
    applicant_organizations: Mapped[int | None]
    admitted: Mapped[int | None]
    source_id: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[datetime]
    published_seq: Mapped[int] = mapped_column(BigInteger)
    updated_seq: Mapped[int] = mapped_column(BigInteger)


class CompetitionEvent(Base):
    __tablename__ = "competition_events"
    __table_args__ = (Index("ix_competition_events_competition_seq", "competition_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    competition_id: Mapped[str] = mapped_column(String(40), ForeignKey("competitions.id"))
    kind: Mapped[str] = mapped_column(String(40))
    time: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
