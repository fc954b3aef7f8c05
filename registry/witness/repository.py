"""Reads and writes of the witness's table; the caller owns the transaction.

The check of the old size and the write of the new checkpoint must be one atomic step
(tlog-witness "add-checkpoint", the race it describes), so callers run them in a *write*
session: ``BEGIN IMMEDIATE`` on SQLite, which takes the database's write lock before the
read, for every connection of every process using the file.
"""

from pathlib import Path

from sqlalchemy.orm import Session

from registry.core.db import WRITE_OPTION, Database
from registry.witness.models import CosignedCheckpoint, WitnessBase


def open_database(path: Path) -> Database:
    """Open (creating if needed) the witness's SQLite database at ``path``.

    The table is created under the write lock, so several witness processes starting on
    one file at once do not race to create it.
    """
    database = Database(f"sqlite:///{path}")
    with database.engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        WitnessBase.metadata.create_all(connection)
    return database


def get_latest(session: Session, *, origin: str) -> CosignedCheckpoint | None:
    """The latest checkpoint cosigned for ``origin``, or None if there is none yet."""
    return session.get(CosignedCheckpoint, origin)


def record(
    session: Session,
    *,
    origin: str,
    size: int,
    root_hash: bytes,
    note: str,
    cosigned_at: int,
) -> CosignedCheckpoint:
    """Make this checkpoint the latest one cosigned for ``origin`` (flushed, not committed)."""
    row = session.get(CosignedCheckpoint, origin)
    if row is None:
        row = CosignedCheckpoint(origin=origin)
        session.add(row)
    row.size = size
    row.root_hash = root_hash
    row.note = note
    row.cosigned_at = cosigned_at
    session.flush()
    return row
