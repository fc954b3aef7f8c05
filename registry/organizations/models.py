"""Organizations (funders and recipients), projected from ``organization.*`` ledger entries."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.core.db import Base


class Organization(Base):
    __tablename__ = "organizations"

    org_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name_uz: Mapped[str | None] = mapped_column(String(4000))
    name_ru: Mapped[str | None] = mapped_column(String(4000))
    name_kk: Mapped[str | None] = mapped_column(String(4000))
    name_en: Mapped[str | None] = mapped_column(String(4000))
    legal_form: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str | None] = mapped_column(String(10), index=True)
    registered_at: Mapped[datetime] = mapped_column(
        doc="When the registry recorded it (its ledger entry's time); served as recorded_at."
    )
    registered_seq: Mapped[int] = mapped_column(BigInteger)
    registration_date: Mapped[date | None] = mapped_column(
        Date, doc="Its legal registration (state registration) date, when given."
    )
