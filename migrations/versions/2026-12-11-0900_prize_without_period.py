"""An award's implementation period may be empty: a Kazakh NGO prize is a fixed sum with no
project (Law No. 36 of 12 Apr 2005), so it has no period, where every award had to give one
and a funder publishing a prize had to make one up. Only the query rows' columns change: the
ledger's entries stay as they were, and a prize published before keeps the period it gave.

A downgrade makes the columns required again. The release before this cannot hold or show
an award without a period, so a prize without one is given its award date as both days in
the query row only: its ledger entry still says it has none, and ``registry ledger replay``
after upgrading again rebuilds the row from the ledger.

Revision ID: 0023_prize_without_period
Revises: 0022_idempotency_fingerprint
Create Date: 2026-12-11 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_prize_without_period"
down_revision: str | None = "0022_idempotency_fingerprint"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.alter_column("period_start", existing_type=sa.Date(), nullable=True)
        batch_op.alter_column("period_end", existing_type=sa.Date(), nullable=True)


def downgrade() -> None:
    op.execute(
        "UPDATE awards SET period_start = award_date, period_end = award_date "
        "WHERE period_start IS NULL OR period_end IS NULL"
    )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.alter_column("period_end", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("period_start", existing_type=sa.Date(), nullable=False)
