"""A competition's budget stated in a legal unit (unit, multiplier, date, the unit's value), as
an award's amount may be. Earlier competitions state none.

Revision ID: 0017_competition_legal_units
Revises: 0016_competition_stages
Create Date: 2026-12-06 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_competition_legal_units"
down_revision: str | None = "0016_competition_stages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("legal_unit", sa.String(3)),
    ("legal_multiplier", sa.String(24)),
    ("legal_unit_on", sa.Date()),
    ("legal_unit_value", sa.BigInteger()),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("competitions", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("competitions") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
