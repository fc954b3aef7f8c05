"""Awards in legal units: the statement an award's amount was given in (unit, multiplier, date,
the unit's value), the recorded override of the cap on awards without a competition, and the
Kazakh size band (short, medium, long, below) derived from the amount in MCI.

Earlier awards state no legal unit. Their size band is filled in here from the MCI table of
this release (registry/reference/legal_units.py), as the projector derives it.

Revision ID: 0015_award_legal_units
Revises: 0014_ledger_head_guards
Create Date: 2026-12-06 03:00:00.000000
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

from registry.awards.legal import kazakh_band

revision: str = "0015_award_legal_units"
down_revision: str | None = "0014_ledger_head_guards"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("legal_unit", sa.String(3)),
    ("legal_multiplier", sa.String(24)),
    ("legal_unit_on", sa.Date()),
    ("legal_unit_value", sa.BigInteger()),
    ("cap_override", sa.String(4000)),
    ("size_band", sa.String(10)),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("awards", sa.Column(name, kind, nullable=True))
    op.create_index("ix_awards_size_band", "awards", ["size_band"])
    connection = op.get_bind()
    grants = connection.execute(
        sa.text(
            "SELECT id, currency, instrument, amount_minor, award_date FROM awards "
            "WHERE currency = 'KZT' AND instrument = 'grant'"
        )
    ).all()
    bands = [
        {"id": award_id, "band": band}
        for award_id, currency, instrument, amount_minor, award_date in grants
        if (
            band := kazakh_band(
                currency,
                instrument,
                amount_minor,
                # SQLite hands a DATE back as text to a textual query.
                date.fromisoformat(award_date) if isinstance(award_date, str) else award_date,
            )
        )
        is not None
    ]
    if bands:
        connection.execute(sa.text("UPDATE awards SET size_band = :band WHERE id = :id"), bands)


def downgrade() -> None:
    op.drop_index("ix_awards_size_band", "awards")
    with op.batch_alter_table("awards") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
