"""The ledger: entries (with the Merkle tree), checkpoints, the head row, append-only triggers.

Revision ID: 0001_ledger
Revises:
Create Date: 2026-11-23 08:40:31
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_ledger"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = ("ledger_entries", "ledger_checkpoints")
EMPTY_ROOT = bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


def upgrade() -> None:
    op.create_table(
        "ledger_head",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("last_leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ledger_head_single_row_check")),
        sa.PrimaryKeyConstraint("id", name=op.f("ledger_head_pkey")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("subtree_hashes", sa.LargeBinary(), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("ledger_entries_pkey")),
    )
    op.create_index("ix_ledger_entries_subject_seq", "ledger_entries", ["subject", "seq"])
    op.create_table(
        "ledger_checkpoints",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("ledger_checkpoints_pkey")),
    )
    op.create_index(op.f("ix_ledger_checkpoints_tree_size"), "ledger_checkpoints", ["tree_size"])

    head = sa.table(
        "ledger_head",
        sa.column("id", sa.SmallInteger()),
        sa.column("size", sa.BigInteger()),
        sa.column("root_hash", sa.LargeBinary()),
        sa.column("last_leaf_hash", sa.LargeBinary()),
        sa.column("frontier", sa.LargeBinary()),
    )
    op.bulk_insert(
        head,
        [
            {
                "id": 1,
                "size": 0,
                "root_hash": EMPTY_ROOT,
                "last_leaf_hash": bytes(32),
                "frontier": b"",
            }
        ],
    )

    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _postgresql_triggers() -> None:
    op.execute(
        """
        CREATE FUNCTION registry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'registry: % on % refused: the ledger is append-only',
                TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
        END $$
        """
    )
    for table in APPEND_ONLY_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION registry_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION registry_refuse_change()"
        )
    op.execute(
        """
        CREATE FUNCTION registry_head_only_grows() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' OR NEW.size < OLD.size THEN
                RAISE EXCEPTION 'registry: the ledger head only grows'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER ledger_head_only_grows BEFORE UPDATE OR DELETE ON ledger_head "
        "FOR EACH ROW EXECUTE FUNCTION registry_head_only_grows()"
    )
    op.execute(
        "CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ledger_head "
        "FOR EACH STATEMENT EXECUTE FUNCTION registry_refuse_change()"
    )


def _sqlite_triggers() -> None:
    for table in APPEND_ONLY_TABLES:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'registry: {operation} on {table} refused: "
                "the ledger is append-only'); END"
            )
    op.execute(
        "CREATE TRIGGER ledger_head_only_grows BEFORE UPDATE ON ledger_head "
        "WHEN NEW.size < OLD.size "
        "BEGIN SELECT RAISE(ABORT, 'registry: the ledger head only grows'); END"
    )
    op.execute(
        "CREATE TRIGGER ledger_head_no_delete BEFORE DELETE ON ledger_head "
        "BEGIN SELECT RAISE(ABORT, 'registry: the ledger head only grows'); END"
    )


def downgrade() -> None:
    # Dropping the tables drops their triggers on both databases.
    for table in ("ledger_checkpoints", "ledger_entries", "ledger_head"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION registry_head_only_grows()")
        op.execute("DROP FUNCTION registry_refuse_change()")
