"""The ledger's database side: every query the ledger makes, and nothing else.

Hot paths are written for round trips. On PostgreSQL an append is three statements: lock the
head, then one statement that inserts every entry (``unnest`` of arrays) and moves the head,
then COMMIT; a batch of ``COPY_FROM_ENTRIES`` or more (an import's chunk) is inserted with
COPY instead, and the head moved by an UPDATE of its own. A proof is one query: the
O(log n) rows holding the subtree hashes it needs, by primary key.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import CursorResult, bindparam, event, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, SessionTransaction

from registry.core.db import insert_rows, table_of
from registry.ledger.merkle import HASH_SIZE, NodeId
from registry.ledger.models import (
    HEAD_ID,
    LedgerCheckpoint,
    LedgerCosignature,
    LedgerEntry,
    LedgerHead,
)


@dataclass(frozen=True)
class Head:
    size: int
    root_hash: bytes
    last_leaf_hash: bytes
    frontier: bytes


@dataclass(frozen=True)
class EntryRow:
    seq: int
    leaf: bytes
    leaf_hash: bytes
    subtree_hashes: bytes
    time: datetime
    kind: str
    actor: str
    subject: str


_HEAD_COLUMNS = (
    LedgerHead.size,
    LedgerHead.root_hash,
    LedgerHead.last_leaf_hash,
    LedgerHead.frontier,
)

_LOCK_HEAD = select(*_HEAD_COLUMNS).where(LedgerHead.id == HEAD_ID).with_for_update()
_READ_HEAD = select(*_HEAD_COLUMNS).where(LedgerHead.id == HEAD_ID)
_MOVE_HEAD = (
    update(LedgerHead)
    .where(LedgerHead.id == HEAD_ID)
    .values(
        size=bindparam("size"),
        root_hash=bindparam("root_hash"),
        last_leaf_hash=bindparam("last_leaf_hash"),
        frontier=bindparam("frontier"),
    )
)
# One statement for the whole batch: a data-modifying CTE inserts the rows, the UPDATE moves
# the head. Arrays keep the SQL text fixed, so psycopg prepares it once per connection.
_APPEND_POSTGRESQL = text(
    """
    WITH appended AS (
        INSERT INTO ledger_entries
            (seq, leaf, leaf_hash, subtree_hashes, time, kind, actor, subject)
        SELECT seq, leaf, leaf_hash, subtree_hashes, time, kind, actor, subject
        FROM unnest(
            CAST(:seqs AS bigint[]), CAST(:leaves AS bytea[]), CAST(:leaf_hashes AS bytea[]),
            CAST(:subtree_hashes AS bytea[]), CAST(:times AS timestamptz[]),
            CAST(:kinds AS varchar[]), CAST(:actors AS varchar[]), CAST(:subjects AS varchar[])
        ) AS batch(seq, leaf, leaf_hash, subtree_hashes, time, kind, actor, subject)
    )
    UPDATE ledger_head
    SET size = :size, root_hash = :root_hash, last_leaf_hash = :last_leaf_hash,
        frontier = :frontier
    WHERE id = 1
    """
)


_HEAD_KEY = "registry.ledger.head"
COPY_FROM_ENTRIES: Final = 100
"""Entries from which an append inserts them with COPY and moves the head apart, on
PostgreSQL: below, the one statement of arrays costs less (a live batch's few entries)."""


# The same for the commonest case, one entry: plain parameters, no arrays to build.
_APPEND_ONE_POSTGRESQL = text(
    """
    WITH appended AS (
        INSERT INTO ledger_entries
            (seq, leaf, leaf_hash, subtree_hashes, time, kind, actor, subject)
        VALUES (:seq, :leaf, :leaf_hash, :subtree_hashes, :time, :kind, :actor, :subject)
    )
    UPDATE ledger_head
    SET size = :size, root_hash = :root_hash, last_leaf_hash = :last_leaf_hash,
        frontier = :frontier
    WHERE id = 1
    """
)


def lock_head(session: Session) -> Head:
    """The head, locked until the transaction ends (``FOR UPDATE``; on SQLite the write
    transaction's ``BEGIN IMMEDIATE`` already holds the database's only write lock).

    Within one transaction the lock is taken once: the head read then is kept (and moved by
    every append) until the transaction ends, so later calls cost no round trip.
    """
    held = session.info.get(_HEAD_KEY)
    if held is not None:
        return held  # type: ignore[no-any-return]
    head = Head(*session.connection().execute(_LOCK_HEAD).one())
    session.info[_HEAD_KEY] = head
    return head


_CHECKED_KEY = "registry.ledger.head_checked"


def head_checked(session: Session) -> bool:
    """Whether the service has checked the head it locked in this transaction."""
    return _CHECKED_KEY in session.info


def mark_head_checked(session: Session) -> None:
    session.info[_CHECKED_KEY] = True


def read_last_seq(session: Session) -> int | None:
    """The highest ``seq`` stored, whatever the head says (None for no entries)."""
    return session.execute(select(func.max(LedgerEntry.seq))).scalar_one_or_none()


@event.listens_for(Session, "after_transaction_end")
def _forget_head(session: Session, _transaction: SessionTransaction) -> None:
    # Any end, a savepoint's included: a rolled-back savepoint may have moved the head, and
    # reading it again under the lock we still hold is always right.
    session.info.pop(_HEAD_KEY, None)
    session.info.pop(_CHECKED_KEY, None)


def read_head(session: Session) -> Head:
    return Head(*session.execute(_READ_HEAD).one())


def append(session: Session, rows: Sequence[EntryRow], *, head: Head) -> None:
    """Insert ``rows`` and move the head to ``head``, in the caller's transaction."""
    moved = {
        "size": head.size,
        "root_hash": head.root_hash,
        "last_leaf_hash": head.last_leaf_hash,
        "frontier": head.frontier,
    }
    # Core execution on the session's connection: the ORM layer adds nothing to these
    # statements but time while the head is locked.
    connection = session.connection()
    postgresql = connection.dialect.name == "postgresql"
    if postgresql and len(rows) == 1:
        (row,) = rows
        connection.execute(_APPEND_ONE_POSTGRESQL, {**_entry_values(row), **moved})
    elif postgresql and len(rows) < COPY_FROM_ENTRIES:
        connection.execute(
            _APPEND_POSTGRESQL,
            {
                "seqs": [row.seq for row in rows],
                "leaves": [row.leaf for row in rows],
                "leaf_hashes": [row.leaf_hash for row in rows],
                "subtree_hashes": [row.subtree_hashes for row in rows],
                "times": [row.time for row in rows],
                "kinds": [row.kind for row in rows],
                "actors": [row.actor for row in rows],
                "subjects": [row.subject for row in rows],
                **moved,
            },
        )
    else:
        # Many rows (an import's chunk) go by COPY on PostgreSQL: psycopg dumps the arrays
        # above value by value in Python, which cost more than the database's whole insert.
        insert_rows(connection, table_of(LedgerEntry), [_entry_values(row) for row in rows])
        connection.execute(_MOVE_HEAD, moved)
    session.info[_HEAD_KEY] = head


def _entry_values(row: EntryRow) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "leaf": row.leaf,
        "leaf_hash": row.leaf_hash,
        "subtree_hashes": row.subtree_hashes,
        "time": row.time,
        "kind": row.kind,
        "actor": row.actor,
        "subject": row.subject,
    }


def node_row(node: NodeId) -> int:
    """The entry whose row stores ``node``: the last leaf of the subtree."""
    return ((node.index + 1) << node.level) - 1


_READ_NODES = select(LedgerEntry.seq, LedgerEntry.leaf_hash, LedgerEntry.subtree_hashes).where(
    LedgerEntry.seq.in_(bindparam("seqs", expanding=True))
)


def read_hashes(session: Session, node_ids: Iterable[NodeId]) -> dict[NodeId, bytes] | None:
    """The stored hash of each requested complete subtree, in one query by primary key, or
    ``None`` if any of them does not exist (yet)."""
    wanted = set(node_ids)
    if not wanted:
        return {}
    rows = {
        int(seq): (bytes(leaf_hash), bytes(subtree))
        for seq, leaf_hash, subtree in session.execute(
            _READ_NODES, {"seqs": sorted({node_row(node) for node in wanted})}
        )
    }
    found: dict[NodeId, bytes] = {}
    for node in wanted:
        row = rows.get(node_row(node))
        if row is None:
            return None
        leaf_hash, subtree = row
        if node.level == 0:
            found[node] = leaf_hash
        else:
            offset = (node.level - 1) * HASH_SIZE
            value = subtree[offset : offset + HASH_SIZE]
            if len(value) != HASH_SIZE:
                return None
            found[node] = value
    return found


def read_leaves(session: Session, start: int, end: int) -> list[bytes]:
    statement = (
        select(LedgerEntry.leaf)
        .where(LedgerEntry.seq >= start, LedgerEntry.seq < end)
        .order_by(LedgerEntry.seq)
    )
    return [bytes(leaf) for leaf in session.execute(statement).scalars()]


def read_leaf_hashes(session: Session, seqs: Collection[int]) -> dict[int, bytes]:
    statement = select(LedgerEntry.seq, LedgerEntry.leaf_hash).where(LedgerEntry.seq.in_(seqs))
    return {seq: bytes(leaf_hash) for seq, leaf_hash in session.execute(statement)}


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


def all_checkpoints(session: Session) -> list[LedgerCheckpoint]:
    statement = select(LedgerCheckpoint).order_by(LedgerCheckpoint.id)
    return list(session.execute(statement).scalars())


def insert_cosignature(
    session: Session,
    *,
    checkpoint: LedgerCheckpoint,
    witness: str,
    timestamp: int,
    line: str,
    received_at: datetime,
) -> bool:
    """Store a witness's cosignature of a checkpoint; False if that witness's is already there
    (several workers may ask the same witness about the same checkpoint)."""
    values = {
        "checkpoint_id": checkpoint.id,
        "tree_size": checkpoint.tree_size,
        "witness": witness,
        "timestamp": timestamp,
        "line": line,
        "received_at": received_at,
    }
    dialect = session.get_bind().dialect.name
    upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = upsert(LedgerCosignature).values(values).on_conflict_do_nothing()
    result = session.execute(statement)
    return cast("CursorResult[Any]", result).rowcount == 1


def cosignatures(
    session: Session, checkpoint_ids: Sequence[int], *, witnesses: Collection[str] | None = None
) -> list[LedgerCosignature]:
    """The cosignatures of these checkpoints, by the ``witnesses`` given (labels), or all."""
    statement = (
        select(LedgerCosignature)
        .where(LedgerCosignature.checkpoint_id.in_(checkpoint_ids))
        .order_by(LedgerCosignature.id)
    )
    if witnesses is not None:
        statement = statement.where(LedgerCosignature.witness.in_(witnesses))
    return list(session.execute(statement).scalars())


def last_cosigned_size(session: Session, witness: str) -> int | None:
    """The largest tree size this witness has cosigned for the log, as far as we stored."""
    statement = select(func.max(LedgerCosignature.tree_size)).where(
        LedgerCosignature.witness == witness
    )
    return session.execute(statement).scalar_one_or_none()


def newest_cosigned_checkpoint(
    session: Session, seq: int, *, quorum: int, witnesses: Collection[str]
) -> LedgerCheckpoint | None:
    """The newest checkpoint holding entry ``seq`` with at least ``quorum`` cosignatures by
    the ``witnesses`` given (labels)."""
    cosigned = (
        select(LedgerCosignature.checkpoint_id)
        .where(LedgerCosignature.tree_size > seq, LedgerCosignature.witness.in_(witnesses))
        .group_by(LedgerCosignature.checkpoint_id)
        .having(func.count() >= quorum)
        .order_by(LedgerCosignature.checkpoint_id.desc())
        .limit(1)
        .scalar_subquery()
    )
    statement = select(LedgerCheckpoint).where(LedgerCheckpoint.id == cosigned)
    return session.execute(statement).scalar_one_or_none()
