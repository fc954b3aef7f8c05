"""Awards by amount are ordered by currency first: the index that pages them follows.

``sort=amount`` and ``-amount`` compared amounts across currencies as if 100 KZT were 100 UZS;
they are now ordered by ``(currency, amount_minor, id)``, so ``ix_awards_amount_minor_id`` is
replaced by ``ix_awards_currency_amount_minor_id``, which pages them as the old one paged the
old order (and serves an amount filter, which compares amounts within each currency too).
The code before this revision still works with it (its order reads the table, more slowly);
downgrading restores the old index.

Revision ID: 0019_award_amount_by_currency
Revises: 0018_search_yo_as_ye
Create Date: 2026-12-07 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019_award_amount_by_currency"
down_revision: str | None = "0018_search_yo_as_ye"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_awards_currency_amount_minor_id", "awards", ["currency", "amount_minor", "id"]
    )
    op.drop_index("ix_awards_amount_minor_id", table_name="awards")


def downgrade() -> None:
    op.create_index("ix_awards_amount_minor_id", "awards", ["amount_minor", "id"])
    op.drop_index("ix_awards_currency_amount_minor_id", table_name="awards")
