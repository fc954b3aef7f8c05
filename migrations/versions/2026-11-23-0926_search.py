"""Search: full-text documents (PostgreSQL tsvector + GIN, SQLite FTS5), themes, keyset indexes.

The documents are derived data: on a database migrated from an earlier revision, run
`registry search reindex` once to fill them from the projections.

Revision ID: 0004_search
Revises: 0003_competitions_awards
Create Date: 2026-11-23 09:26:29.626603
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_search"
down_revision: str | None = "0003_competitions_awards"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "award_themes",
        sa.Column("award_id", sa.String(length=40), nullable=False),
        sa.Column("theme", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("award_id", "theme", name=op.f("award_themes_pkey")),
    )
    with op.batch_alter_table("award_themes", schema=None) as batch_op:
        batch_op.create_index("ix_award_themes_theme_award", ["theme", "award_id"], unique=False)

    op.create_table(
        "competition_themes",
        sa.Column("competition_id", sa.String(length=40), nullable=False),
        sa.Column("theme", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("competition_id", "theme", name=op.f("competition_themes_pkey")),
    )
    with op.batch_alter_table("competition_themes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_competition_themes_theme_competition", ["theme", "competition_id"], unique=False
        )

    op.create_table(
        "search_documents",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tsv", postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("search_documents_pkey")),
        sa.UniqueConstraint("kind", "ref_id", name=op.f("search_documents_kind_ref_id_key")),
    )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index("ix_awards_amount_minor_id", ["amount_minor", "id"], unique=False)
        batch_op.create_index("ix_awards_award_date_id", ["award_date", "id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)")
        return
    # An external-content FTS5 table over search_documents.body, kept in step by triggers
    # (the SQLite documentation's pattern). Tokens arrive pre-folded, space-separated.
    op.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_documents', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute(
        "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_documents BEGIN "
        "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END"
    )
    op.execute(
        "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_documents BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); END"
    )
    op.execute(
        "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_documents BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); "
        "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("search_fts_insert", "search_fts_delete", "search_fts_update"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE search_fts")
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index("ix_awards_award_date_id")
        batch_op.drop_index("ix_awards_amount_minor_id")

    op.drop_table("search_documents")
    with op.batch_alter_table("competition_themes", schema=None) as batch_op:
        batch_op.drop_index("ix_competition_themes_theme_competition")

    op.drop_table("competition_themes")
    with op.batch_alter_table("award_themes", schema=None) as batch_op:
        batch_op.drop_index("ix_award_themes_theme_award")

    op.drop_table("award_themes")
