"""Awards and their events, projected from ``award.*`` ledger entries."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.core.db import Base


class Award(Base):
    __tablename__ = "awards"
    __table_args__ = (
        # Keyset pagination: (sort key, id) for each sort order the search offers (amounts
        # within their currency: publication.search.AMOUNT_SORTS).
        Index("ix_awards_award_date_id", "award_date", "id"),
        Index("ix_awards_currency_amount_minor_id", "currency", "amount_minor", "id"),
        # A region filter with the default sort (newest first) walks only that region's
        # awards, already in page order (and serves a region filter alone).
        Index("ix_awards_region_award_date_id", "region", "award_date", "id"),
        UniqueConstraint("funder_id", "source_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    competition_id: Mapped[str | None] = mapped_column(
        String(40), ForeignKey("competitions.id"), index=True
    )
    funder_id: Mapped[str] = mapped_column(
        String(100), ForeignKey("organizations.org_id"), index=True
    )
    recipient_id: Mapped[str] = mapped_column(
        String(100), ForeignKey("organizations.org_id"), index=True
    )
    recipient_name: Mapped[dict[str, str]] = mapped_column(JSON)  # as at award time
    instrument: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    purpose: Mapped[dict[str, str] | None] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    original_amount_minor: Mapped[int] = mapped_column(BigInteger)
    disbursed_minor: Mapped[int] = mapped_column(BigInteger)
    award_date: Mapped[date] = mapped_column(index=True)
    # None for a prize, which has no implementation period (a fixed sum, no project).
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    region: Mapped[str | None] = mapped_column(String(10))
    legal_basis: Mapped[str | None] = mapped_column(String(500))
    themes: Mapped[list[str]] = mapped_column(JSON)
    award_before_close: Mapped[str | None] = mapped_column(String(4000))
    # The amount as stated in a legal unit (registry/awards/legal.py), if it was.
    legal_unit: Mapped[str | None] = mapped_column(String(3))
    legal_multiplier: Mapped[str | None] = mapped_column(String(24))
    legal_unit_on: Mapped[date | None]
    legal_unit_value: Mapped[int | None] = mapped_column(BigInteger)
    cap_override: Mapped[str | None] = mapped_column(String(4000))
    size_band: Mapped[str | None] = mapped_column(String(10), index=True)
    source_id: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    last_report_on: Mapped[date | None]
    completed_on: Mapped[date | None]
    terminated_on: Mapped[date | None]
    termination_reason: Mapped[str | None] = mapped_column(String(4000))
    published_at: Mapped[datetime]
    published_seq: Mapped[int] = mapped_column(BigInteger)
    updated_seq: Mapped[int] = mapped_column(BigInteger)


class AwardEvent(Base):
    __tablename__ = "award_events"
    __table_args__ = (Index("ix_award_events_award_seq", "award_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    award_id: Mapped[str] = mapped_column(String(40), ForeignKey("awards.id"))
    kind: Mapped[str] = mapped_column(String(40))
    time: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    corrected_by: Mapped[int | None] = mapped_column(BigInteger)
    voided: Mapped[bool]
