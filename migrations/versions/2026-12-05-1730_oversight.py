"""Public oversight: conclusions, each addressee's round, and their events.

The current round's deadline is copied onto the conclusion, so that lists filter by status on
one table; the statistics of state bodies count rounds (a conclusion escalated from one body to
another counts for both).

Revision ID: 0008_oversight
Revises: 0007_awards_region_date_index
Create Date: 2026-12-05 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_oversight"
down_revision: str | None = "0007_awards_region_date_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oversight_conclusions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("overseer_id", sa.String(length=100), nullable=False),
        sa.Column("body_id", sa.String(length=100), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.String(length=100), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("recommendations", sa.JSON(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_seq", sa.BigInteger(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.String(length=40), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("answered_late", sa.Boolean(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["organizations.org_id"], name=op.f("oversight_conclusions_body_id_fkey")
        ),
        sa.ForeignKeyConstraint(
            ["overseer_id"],
            ["organizations.org_id"],
            name=op.f("oversight_conclusions_overseer_id_fkey"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("oversight_conclusions_pkey")),
        sa.UniqueConstraint("submitted_seq", name=op.f("oversight_conclusions_submitted_seq_key")),
    )
    with op.batch_alter_table("oversight_conclusions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_oversight_conclusions_body_due", ["body_id", "due_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oversight_conclusions_overseer_id"), ["overseer_id"], unique=False
        )
        batch_op.create_index(
            "ix_oversight_conclusions_subject", ["subject_type", "subject_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oversight_conclusions_submitted_at"), ["submitted_at"], unique=False
        )

    op.create_table(
        "oversight_events",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("conclusion_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conclusion_id"],
            ["oversight_conclusions.id"],
            name=op.f("oversight_events_conclusion_id_fkey"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("oversight_events_pkey")),
    )
    with op.batch_alter_table("oversight_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_oversight_events_conclusion_seq", ["conclusion_id", "seq"], unique=False
        )

    op.create_table(
        "oversight_rounds",
        sa.Column("conclusion_id", sa.String(length=40), nullable=False),
        sa.Column("round", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("body_id", sa.String(length=100), nullable=False),
        sa.Column("overseer_id", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("addressed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("addressed_seq", sa.BigInteger(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.String(length=40), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("extended_days", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_seq", sa.BigInteger(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("answered_late", sa.Boolean(), nullable=True),
        sa.Column("days_to_answer", sa.Integer(), nullable=True),
        sa.Column("closed", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["body_id"], ["organizations.org_id"], name=op.f("oversight_rounds_body_id_fkey")
        ),
        sa.ForeignKeyConstraint(
            ["conclusion_id"],
            ["oversight_conclusions.id"],
            name=op.f("oversight_rounds_conclusion_id_fkey"),
        ),
        sa.PrimaryKeyConstraint("conclusion_id", "round", name=op.f("oversight_rounds_pkey")),
    )
    with op.batch_alter_table("oversight_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oversight_rounds_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_oversight_rounds_year"), ["year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("oversight_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oversight_rounds_year"))
        batch_op.drop_index(batch_op.f("ix_oversight_rounds_body_id"))

    op.drop_table("oversight_rounds")
    with op.batch_alter_table("oversight_events", schema=None) as batch_op:
        batch_op.drop_index("ix_oversight_events_conclusion_seq")

    op.drop_table("oversight_events")
    with op.batch_alter_table("oversight_conclusions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oversight_conclusions_submitted_at"))
        batch_op.drop_index("ix_oversight_conclusions_subject")
        batch_op.drop_index(batch_op.f("ix_oversight_conclusions_overseer_id"))
        batch_op.drop_index("ix_oversight_conclusions_body_due")

    op.drop_table("oversight_conclusions")
