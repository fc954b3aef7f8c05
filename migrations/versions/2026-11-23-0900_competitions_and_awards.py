"""Competitions, awards and their events.

Revision ID: 0003_competitions_awards
Revises: 0002_organizations
Create Date: 2026-11-23 09:00:07.222110
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_competitions_awards"
down_revision: str | None = "0002_organizations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "competitions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("funder_id", sa.String(length=100), nullable=False),
        sa.Column("instrument", sa.String(length=30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=True),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=True),
        sa.Column("eligibility", sa.JSON(), nullable=True),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("budget_minor", sa.BigInteger(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("region", sa.String(length=10), nullable=True),
        sa.Column("legal_basis", sa.String(length=500), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("cancel_reason", sa.String(length=4000), nullable=True),
        sa.Column("committed_minor", sa.BigInteger(), nullable=False),
        sa.Column("award_count", sa.Integer(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["funder_id"], ["organizations.org_id"], name=op.f("competitions_funder_id_fkey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("competitions_pkey")),
    )
    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_competitions_funder_id"), ["funder_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_competitions_instrument"), ["instrument"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_competitions_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_competitions_year"), ["year"], unique=False)

    op.create_table(
        "awards",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("competition_id", sa.String(length=40), nullable=True),
        sa.Column("funder_id", sa.String(length=100), nullable=False),
        sa.Column("recipient_id", sa.String(length=100), nullable=False),
        sa.Column("recipient_name", sa.JSON(), nullable=False),
        sa.Column("instrument", sa.String(length=30), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.JSON(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("original_amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("disbursed_minor", sa.BigInteger(), nullable=False),
        sa.Column("award_date", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=10), nullable=True),
        sa.Column("legal_basis", sa.String(length=500), nullable=True),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("award_before_close", sa.String(length=4000), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("last_report_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("termination_reason", sa.String(length=4000), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competition_id"], ["competitions.id"], name=op.f("awards_competition_id_fkey")
        ),
        sa.ForeignKeyConstraint(
            ["funder_id"], ["organizations.org_id"], name=op.f("awards_funder_id_fkey")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["organizations.org_id"], name=op.f("awards_recipient_id_fkey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("awards_pkey")),
    )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_awards_award_date"), ["award_date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_awards_competition_id"), ["competition_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_awards_funder_id"), ["funder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_awards_instrument"), ["instrument"], unique=False)
        batch_op.create_index(batch_op.f("ix_awards_recipient_id"), ["recipient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_awards_region"), ["region"], unique=False)

    op.create_table(
        "competition_events",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("competition_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["competitions.id"],
            name=op.f("competition_events_competition_id_fkey"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("competition_events_pkey")),
    )
    with op.batch_alter_table("competition_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_competition_events_competition_seq", ["competition_id", "seq"], unique=False
        )

    op.create_table(
        "award_events",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("award_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("corrected_by", sa.BigInteger(), nullable=True),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("award_events_award_id_fkey")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("award_events_pkey")),
    )
    with op.batch_alter_table("award_events", schema=None) as batch_op:
        batch_op.create_index("ix_award_events_award_seq", ["award_id", "seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("award_events", schema=None) as batch_op:
        batch_op.drop_index("ix_award_events_award_seq")

    op.drop_table("award_events")
    with op.batch_alter_table("competition_events", schema=None) as batch_op:
        batch_op.drop_index("ix_competition_events_competition_seq")

    op.drop_table("competition_events")
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_awards_region"))
        batch_op.drop_index(batch_op.f("ix_awards_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_awards_instrument"))
        batch_op.drop_index(batch_op.f("ix_awards_funder_id"))
        batch_op.drop_index(batch_op.f("ix_awards_competition_id"))
        batch_op.drop_index(batch_op.f("ix_awards_award_date"))

    op.drop_table("awards")
    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competitions_year"))
        batch_op.drop_index(batch_op.f("ix_competitions_region"))
        batch_op.drop_index(batch_op.f("ix_competitions_instrument"))
        batch_op.drop_index(batch_op.f("ix_competitions_funder_id"))

    op.drop_table("competitions")
