"""SQLite: refuse INSERT OR REPLACE over a ledger entry, a checkpoint or the head row.

SQLite's REPLACE conflict resolution deletes the row in the way without firing its DELETE
trigger, so ``INSERT OR REPLACE`` could rewrite leaf 547 or set the head's size to 0. A BEFORE
INSERT trigger fires first and refuses an insert whose key already exists (the head row, made
by the first migration, is never inserted again). PostgreSQL needs nothing: its upsert
(``INSERT … ON CONFLICT DO UPDATE``) fires the UPDATE triggers that already refuse it.

Revision ID: 0010_ledger_replace_guards
Revises: 0009_desk_sessions
Create Date: 2026-12-05 19:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_ledger_replace_guards"
down_revision: str | None = "0009_desk_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS = {"ledger_entries": "seq", "ledger_checkpoints": "id"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, key in KEYS.items():
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "  # noqa: S608 - constants
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key}) "
            f"BEGIN SELECT RAISE(ABORT, 'registry: replacing a row of {table} refused: "
            "the ledger is append-only'); END"
        )
    op.execute(
        "CREATE TRIGGER ledger_head_no_insert BEFORE INSERT ON ledger_head "
        "BEGIN SELECT RAISE(ABORT, 'registry: the ledger head only grows; "
        "it is never inserted again'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in KEYS:
        op.execute(f"DROP TRIGGER {table}_no_replace")
    op.execute("DROP TRIGGER ledger_head_no_insert")
