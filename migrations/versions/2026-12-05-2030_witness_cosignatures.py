"""Witness cosignatures of signed checkpoints (C2SP tlog-cosignature), append-only.

Revision ID: 0011_witness_cosignatures
Revises: 0010_ledger_replace_guards
Create Date: 2026-12-05 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_witness_cosignatures"
down_revision: str | None = "0010_ledger_replace_guards"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "ledger_cosignatures"
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("checkpoint_id", ID, sa.ForeignKey("ledger_checkpoints.id"), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("witness", sa.String(length=300), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("checkpoint_id", "witness", name="one_per_witness"),
    )
    op.create_index("ix_ledger_cosignatures_witness_size", TABLE, ["witness", "tree_size"])
    # Append-only, like the checkpoints they add to (the functions come from 0001).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION registry_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION registry_refuse_change()"
        )
        return
    for operation in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_{operation.lower()} BEFORE {operation} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, 'registry: {operation} on {TABLE} refused: "
            "the ledger is append-only'); END"
        )
    op.execute(
        f"CREATE TRIGGER {TABLE}_no_replace BEFORE INSERT ON {TABLE} "  # noqa: S608 - constants
        f"WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id) "
        f"BEGIN SELECT RAISE(ABORT, 'registry: replacing a row of {TABLE} refused: "
        "the ledger is append-only'); END"
    )


def downgrade() -> None:
    op.drop_table(TABLE)  # its triggers go with it
