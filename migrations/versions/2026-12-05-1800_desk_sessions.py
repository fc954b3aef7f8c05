"""Desk sessions: the organizations' web forms sign in once with an API key.

Operational state like idempotency records, not registry data: only the session token's
SHA-256, the key's prefix, the CSRF token and the times.

Revision ID: 0009_desk_sessions
Revises: 0008_oversight
Create Date: 2026-12-05 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_desk_sessions"
down_revision: str | None = "0008_oversight"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "desk_sessions",
        sa.Column("token_sha256", sa.LargeBinary(length=32), nullable=False),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["key_prefix"], ["api_keys.prefix"], name=op.f("desk_sessions_key_prefix_fkey")
        ),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("desk_sessions_pkey")),
    )
    with op.batch_alter_table("desk_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_desk_sessions_key_prefix"), ["key_prefix"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("desk_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_desk_sessions_key_prefix"))

    op.drop_table("desk_sessions")
