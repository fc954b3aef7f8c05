"""The words of the PostgreSQL search documents, for looking up what a prefix begins.

Revision ID: 0013_search_words
Revises: 0012_registration_date
Create Date: 2026-12-06 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_search_words"
down_revision: str | None = "0012_registration_date"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_words",
        sa.Column(
            "word",
            sa.String(length=100).with_variant(sa.String(length=100, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("word", name=op.f("search_words_pkey")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "INSERT INTO search_words (word) SELECT DISTINCT lexeme FROM search_documents, "
            "unnest(tsv) WHERE tsv IS NOT NULL"
        )


def downgrade() -> None:
    op.drop_table("search_words")
