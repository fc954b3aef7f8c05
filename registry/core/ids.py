"""Readable, sequential identifiers: ``AWD-2026-000042``.

Journalists quote them, so they are short and ordered; they are assigned under the ledger's
lock (so never twice) and recorded in the ledger (so a replay keeps them).
"""

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session


def next_id(
    session: Session, column: InstrumentedAttribute[str], prefix: str, year: int, width: int
) -> str:
    """The next free ``<prefix>-<year>-<n>``; the caller holds the ledger lock."""
    stem = f"{prefix}-{year}-"
    # A range on the primary key, not LIKE, so that both databases use the index.
    highest = session.execute(
        select(func.max(column)).where(column >= stem, column < stem[:-1] + ".")
    ).scalar_one()
    number = int(highest.removeprefix(stem)) + 1 if highest else 1
    return f"{stem}{number:0{width}d}"
