"""The ledger's tables. Entries (which carry the Merkle tree) and checkpoints are append-only:
the migrations install triggers that refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) on
them. The single head row is the one mutable record: it serialises appends and carries the
tree's running state.
"""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from registry.core.db import Base

HEAD_ID = 1


class LedgerHead(Base):
    """The lock every append takes, and the state the next append continues from."""

    __tablename__ = "ledger_head"
    __table_args__ = (CheckConstraint(f"id = {HEAD_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    last_leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    # The compact range (merkle.CompactRange): one 32-byte hash per set bit of ``size``.
    frontier: Mapped[bytes] = mapped_column(LargeBinary)


class LedgerEntry(Base):
    """One leaf: the exact RFC 8785 bytes, served as stored, plus decoded columns for queries.

    The row also stores the Merkle tree: ``leaf_hash`` is the level-0 node, and
    ``subtree_hashes`` holds, level by level from 1 up, the hash of every complete subtree that
    this leaf completes (one per trailing 1 bit of ``seq``; half the rows hold none). So the
    node at (level L, index i) lives in the row ``seq = (i + 1) * 2**L - 1``, and any root or
    proof is a fold of O(log n) rows read by primary key in one query.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_subject_seq", "subject", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    leaf: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    subtree_hashes: Mapped[bytes] = mapped_column(LargeBinary)
    time: Mapped[datetime] = mapped_column()
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))


class LedgerCheckpoint(Base):
    """Every signed checkpoint ever issued, in order."""

    __tablename__ = "ledger_checkpoints"

    # SQLite only auto-numbers an INTEGER PRIMARY KEY, so BIGINT becomes INTEGER there.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    tree_size: Mapped[int] = mapped_column(BigInteger, index=True)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    signed_at: Mapped[datetime] = mapped_column()
    note: Mapped[str] = mapped_column(Text)


class LedgerCosignature(Base):
    """A witness's cosignature (C2SP tlog-cosignature v1) of one signed checkpoint.

    Append-only like the checkpoints it adds to: the line is the signature line exactly as the
    witness returned it, verified against the witness's pinned key before it is stored.
    """

    __tablename__ = "ledger_cosignatures"
    __table_args__ = (
        UniqueConstraint("checkpoint_id", "witness", name="one_per_witness"),
        Index("ix_ledger_cosignatures_witness_size", "witness", "tree_size"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    checkpoint_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("ledger_checkpoints.id")
    )
    tree_size: Mapped[int] = mapped_column(BigInteger)
    witness: Mapped[str] = mapped_column(
        String(300), doc="The witness's key name and hex key ID: <name>+<key ID>."
    )
    timestamp: Mapped[int] = mapped_column(BigInteger, doc="POSIX seconds, as cosigned.")
    line: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column()
