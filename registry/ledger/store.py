"""The ledger's database side: every query the ledger makes, and nothing else.

Reads that serve proofs touch O(log n) rows in a single query: the hashes of the complete
subtrees a proof needs, looked up by primary key (level 0 from the entries, higher levels from
the nodes table).
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import insert, literal, select, tuple_, union_all
from sqlalchemy.orm import Session

from registry.ledger.merkle import NodeId
from registry.ledger.models import HEAD_ID, LedgerCheckpoint, LedgerEntry, LedgerHead, LedgerNode


def lock_head(session: Session) -> LedgerHead:
    """The head row, locked until the transaction ends (``FOR UPDATE``; on SQLite the write
    transaction's ``BEGIN IMMEDIATE`` already holds the database's only write lock)."""
    statement = select(LedgerHead).where(LedgerHead.id == HEAD_ID).with_for_update()
    return session.execute(statement.execution_options(populate_existing=True)).scalar_one()


def read_head(session: Session) -> LedgerHead:
    return session.execute(select(LedgerHead).where(LedgerHead.id == HEAD_ID)).scalar_one()


def insert_entries(session: Session, rows: Sequence[Mapping[str, object]]) -> None:
    if rows:
        session.execute(insert(LedgerEntry), list(rows))


def insert_nodes(session: Session, nodes: Sequence[tuple[NodeId, bytes]]) -> None:
    if nodes:
        session.execute(
            insert(LedgerNode),
            [{"level": node.level, "index": node.index, "hash": value} for node, value in nodes],
        )


def read_hashes(session: Session, node_ids: Iterable[NodeId]) -> dict[NodeId, bytes]:
    """The stored hash of each requested complete subtree, in one round trip."""
    wanted = set(node_ids)
    leaves = sorted(node.index for node in wanted if node.level == 0)
    inner = sorted((node.level, node.index) for node in wanted if node.level > 0)
    parts = []
    if leaves:
        parts.append(
            select(
                literal(0).label("level"), LedgerEntry.seq.label("index"), LedgerEntry.leaf_hash
            ).where(LedgerEntry.seq.in_(leaves))
        )
    if inner:
        parts.append(
            select(LedgerNode.level, LedgerNode.index, LedgerNode.hash).where(
                tuple_(LedgerNode.level, LedgerNode.index).in_(inner)
            )
        )
    if not parts:
        return {}
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    found = {
        NodeId(int(level), int(index)): bytes(value)
        for level, index, value in session.execute(statement)
    }
    missing = wanted - found.keys()
    if missing:
        raise LookupError(f"ledger nodes missing from storage: {sorted(missing)[:5]}")
    return found


def read_leaves(session: Session, start: int, end: int) -> list[bytes]:
    statement = (
        select(LedgerEntry.leaf)
        .where(LedgerEntry.seq >= start, LedgerEntry.seq < end)
        .order_by(LedgerEntry.seq)
    )
    return [bytes(leaf) for leaf in session.execute(statement).scalars()]


def read_entry(session: Session, seq: int) -> LedgerEntry | None:
    return session.get(LedgerEntry, seq)


def latest_checkpoint(session: Session) -> LedgerCheckpoint | None:
    statement = select(LedgerCheckpoint).order_by(LedgerCheckpoint.id.desc()).limit(1)
    return session.execute(statement).scalar_one_or_none()


def insert_checkpoint(
    session: Session, *, tree_size: int, root_hash: bytes, signed_at: datetime, note: str
) -> LedgerCheckpoint:
    checkpoint = LedgerCheckpoint(
        tree_size=tree_size, root_hash=root_hash, signed_at=signed_at, note=note
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint
