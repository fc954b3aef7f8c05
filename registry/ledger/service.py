"""The ledger's one write path (``append``), its proofs, and its signed checkpoints.

Every writer in the registry calls ``append`` with its own session, so the entries and the query
tables they update commit or roll back together. ``append`` takes the head row's lock, so
sequence numbers are gapless and the hash chain never forks, however many writers there are.
"""

import json
import logging
import threading
import time
import weakref
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NoReturn

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.core import clock
from registry.core.db import Database, in_write_transaction
from registry.core.errors import (
    BadRequest,
    Conflict,
    NotFound,
    ServiceUnavailable,
    Unprocessable,
)
from registry.ledger import merkle, store, tiles
from registry.ledger.canonical import canonicalize
from registry.ledger.chain import ChainBreak
from registry.ledger.checkpoint import Checkpoint, NoteSigner, sign_checkpoint
from registry.ledger.cosignature import append_signature_lines
from registry.ledger.models import LedgerCheckpoint, LedgerEntry
from registry.ledger.receipt import Receipt, format_receipt

logger = logging.getLogger(__name__)

GENESIS_PREV = bytes(merkle.HASH_SIZE)
MAX_LABEL_LENGTH = 200
MAX_LEAF_BYTES = tiles.MAX_ENTRY_SIZE
"""C2SP tlog-tiles stores each entry behind a big-endian uint16 length, so a leaf longer than
this could never be published as tiles: such a write is refused before it is appended."""
_HEAD_PART_BYTES = 2 * merkle.HASH_SIZE + len(str(2**63)) + len("2026-12-05T20:30:00.000000Z") + 2
"""The most the head-dependent parts (prev, seq, time, closing) add to a prepared leaf."""


@dataclass(frozen=True)
class NewEntry:
    """What a writer asks the ledger to record. ``body`` must be JSON without floats."""

    kind: str
    subject: str
    actor: str
    body: Mapping[str, Any]


@dataclass(frozen=True)
class AppendedEntry:
    seq: int
    leaf: bytes
    leaf_hash: bytes
    time: datetime


@dataclass(frozen=True)
class InclusionProof:
    index: int
    tree_size: int
    leaf_hash: bytes
    audit_path: tuple[bytes, ...]


@dataclass(frozen=True)
class ConsistencyProof:
    first: int
    second: int
    proof: tuple[bytes, ...]


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with microseconds, e.g. ``2026-11-23T08:40:31.474170Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def lock(session: Session) -> None:
    """Take the ledger's write lock now, for the rest of the caller's transaction.

    A writer that validates against the query tables before appending (a budget, a
    uniqueness rule) calls this first, so that no other writer can change what it read.
    """
    _check_write_session(session)
    _locked_tree(session)


HEAD_DISAGREES = (
    "the ledger's head does not describe its entries, so nothing can be appended until an "
    "operator restores it (the database was changed outside the registry); reads, proofs and "
    "signed checkpoints are unaffected"
)


def _locked_tree(session: Session) -> tuple[store.Head, merkle.CompactRange]:
    """The head, locked, and its compact range, checked against the entries once per
    transaction: a head changed behind the service's back (the database's guards disabled)
    is refused with a 503 and logged, never appended to and never a 500."""
    checked = store.head_checked(session)
    head = store.lock_head(session)
    problem = None
    try:
        tree = merkle.CompactRange.from_bytes(head.size, head.frontier)
    except ValueError as exc:
        problem = f"its frontier is malformed ({exc})"
    else:
        if tree.root() != head.root_hash:
            problem = "its root hash is not its frontier's root"
        elif not checked and _VOUCHED.get(session.get_bind()) != head:
            problem = _head_against_entries(session, head, tree)
            if problem is None:
                _VOUCHED[session.get_bind()] = head
    if problem is not None:
        _refuse(head.size, problem)
    store.mark_head_checked(session)
    return head, tree


def _refuse(size: int, problem: str, *, cause: object = None) -> NoReturn:
    logger.error("ledger head refused at size %d: %s (%s)", size, problem, cause)
    raise ServiceUnavailable(f"{HEAD_DISAGREES}: {problem}")


_VOUCHED: "weakref.WeakKeyDictionary[object, store.Head]" = weakref.WeakKeyDictionary()
"""Per database engine, the head this process last checked against the entries or wrote
itself. A head locked equal to it needs no second look (two reads, a third of a single
append's time); any other head, moved by another process or behind the service's back, is
checked. What this leaves unlooked-for is a change to the *entries* under an unchanged head
made with the database's guards off (they refuse any UPDATE or DELETE of an entry): the
auditor and the witnesses find that. An entry forged beyond an unchanged head makes the next
append collide with it, which is refused the same way."""


def _is_seq_collision(error: IntegrityError) -> bool:
    """A new entry's seq already taken: PostgreSQL's unique violation of the primary key,
    SQLite's unique constraint or its REPLACE guard. Any other integrity error (a guard
    refusing the service's own head, a NOT NULL) is a bug to surface, not tampering."""
    message = str(error.orig)
    constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
    return (
        constraint == "ledger_entries_pkey"
        or "UNIQUE constraint failed: ledger_entries.seq" in message
        or "replacing a row of ledger_entries" in message
    )


def _store_append(session: Session, rows: list[store.EntryRow], head: store.Head) -> None:
    """``store.append``, with a collision (an entry already at a new seq: forged, with the
    guards off) refused as a head that does not describe its entries."""
    try:
        store.append(session, rows, head=head)
    except IntegrityError as exc:
        if not _is_seq_collision(exc):
            raise
        _refuse(rows[0].seq, "an entry already occupies a new seq", cause=exc.orig)
    # Vouched for before COMMIT: the next writer may lock the head before this one's commit
    # returns. A head whose commit then fails never becomes the stored one, so vouching for
    # it lets nothing unchecked through.
    _VOUCHED[session.get_bind()] = head


def _head_against_entries(
    session: Session, head: store.Head, tree: merkle.CompactRange
) -> str | None:
    """What is wrong between the head and the stored entries, or None: the entries end where
    the head ends, its frontier is their subtree hashes and its last leaf hash is theirs."""
    last_seq = store.read_last_seq(session)
    held = 0 if last_seq is None else last_seq + 1
    if held != head.size:
        return f"it counts {head.size} entries, the ledger holds {held}"
    if head.size == 0:
        return None if head.last_leaf_hash == GENESIS_PREV else "its last leaf hash is not 0"
    frontier = merkle.root_ids(head.size)
    last_leaf = merkle.NodeId(0, head.size - 1)
    stored = store.read_hashes(session, [*frontier, last_leaf])
    if stored is None or [stored[node] for node in frontier] != list(tree.hashes):
        return "its frontier is not the stored tree's"
    if stored[last_leaf] != head.last_leaf_hash:
        return f"its last leaf hash is not entry {head.size - 1}'s"
    return None


def _check_write_session(session: Session) -> None:
    if session.get_bind().dialect.name == "sqlite" and not in_write_transaction(session):
        raise RuntimeError("ledger appends need a write session (Database.session(write=True))")


def append(
    session: Session, entries: Sequence[NewEntry], *, at: datetime | None = None
) -> list[AppendedEntry]:
    """Append ``entries`` in order, as one batch under one lock, in the caller's transaction.

    The caller commits. Nothing here commits, so a failure anywhere in the caller's unit of
    work leaves the ledger as it was.
    """
    if not entries:
        return []
    _check_write_session(session)
    # Everything that does not depend on the head is done before taking its lock, so the lock
    # is held for as short a time as possible.
    prepared = [_prepare(entry) for entry in entries]
    for pieces in prepared:
        size = sum(map(len, pieces)) + _HEAD_PART_BYTES
        if size > MAX_LEAF_BYTES:
            raise Unprocessable.for_field(
                "body",
                f"the record would be a ledger entry of about {size:,} bytes; the most is "
                f"{MAX_LEAF_BYTES:,} (so the log can be published as tlog-tiles): shorten its "
                "texts",
            )
    head, tree = _locked_tree(session)
    # ``at``: the time a writer already judged its rules by, read after taking this lock (so
    # nothing was appended since, and times still increase with seq): the entry then says
    # exactly when the rule held, e.g. that an extension came before its deadline.
    now = at or clock.now()
    stamp = format_time(now).encode()
    prev = head.last_leaf_hash
    rows: list[store.EntryRow] = []
    for entry, (before_prev, before_seq, before_time) in zip(entries, prepared, strict=True):
        seq = tree.size
        leaf = b"".join(
            (
                before_prev,
                prev.hex().encode(),
                before_seq,
                str(seq).encode(),
                before_time,
                stamp,
                b'"}',
            )
        )
        (_, leaf_hash), *parents = tree.append(merkle.leaf_hash(leaf))
        rows.append(
            store.EntryRow(
                seq=seq,
                leaf=leaf,
                leaf_hash=leaf_hash,
                subtree_hashes=b"".join(value for _, value in parents),
                time=now,
                kind=entry.kind,
                actor=entry.actor,
                subject=entry.subject,
            )
        )
        prev = leaf_hash
    moved = store.Head(
        size=tree.size, root_hash=tree.root(), last_leaf_hash=prev, frontier=tree.to_bytes()
    )
    _store_append(session, rows, moved)
    return [
        AppendedEntry(seq=row.seq, leaf=row.leaf, leaf_hash=row.leaf_hash, time=now) for row in rows
    ]


def copy_leaves(session: Session, leaves: Sequence[bytes]) -> list[dict[str, Any]]:
    """Append leaves taken from another copy of this ledger, byte for byte (replay, mirrors).

    Each must be canonical and continue the chain where this ledger ends; the decoded leaves
    are returned for the caller to project.
    """
    _check_write_session(session)
    head, tree = _locked_tree(session)
    prev = head.last_leaf_hash
    rows: list[store.EntryRow] = []
    decoded_leaves: list[dict[str, Any]] = []
    for leaf in leaves:
        seq = tree.size
        decoded = decode_leaf(leaf)
        if decoded.get("seq") != seq or decoded.get("prev") != prev.hex():
            raise ChainBreak(seq, "does not continue this ledger's chain")
        if canonicalize(decoded, allow_floats=False) != leaf:
            raise ChainBreak(seq, "is not in RFC 8785 canonical form")
        (_, leaf_hash), *parents = tree.append(merkle.leaf_hash(leaf))
        rows.append(
            store.EntryRow(
                seq=seq,
                leaf=leaf,
                leaf_hash=leaf_hash,
                subtree_hashes=b"".join(value for _, value in parents),
                time=datetime.fromisoformat(decoded["time"]),
                kind=decoded["kind"],
                actor=decoded["actor"],
                subject=decoded["subject"],
            )
        )
        decoded_leaves.append(decoded)
        prev = leaf_hash
    moved = store.Head(
        size=tree.size, root_hash=tree.root(), last_leaf_hash=prev, frontier=tree.to_bytes()
    )
    _store_append(session, rows, moved)
    return decoded_leaves


def copy_checkpoint(session: Session, checkpoint: LedgerCheckpoint) -> None:
    """Keep another copy's signed checkpoint, if this ledger has reached its size and root."""
    if root(session, checkpoint.tree_size) != checkpoint.root_hash:
        raise ChainBreak(checkpoint.tree_size, "the checkpoint's root is not this ledger's")
    store.insert_checkpoint(
        session,
        tree_size=checkpoint.tree_size,
        root_hash=checkpoint.root_hash,
        signed_at=checkpoint.signed_at,
        note=checkpoint.note,
    )


def checkpoints(session: Session) -> list[LedgerCheckpoint]:
    return store.all_checkpoints(session)


def _prepare(entry: NewEntry) -> tuple[bytes, bytes, bytes]:
    """The leaf's RFC 8785 bytes around the three head-dependent values (prev, seq, time).

    A JCS object is its members in sorted order (RFC 8785 §3.2.3), and the leaf's member
    names are fixed (actor, body, kind, prev, seq, subject, time), so the canonical leaf is
    these pieces with the hex ``prev``, the decimal ``seq`` and the time string between them.
    A test checks every stored leaf against ``canonicalize`` of its decoded value.
    """
    for name in ("kind", "subject", "actor"):
        value = getattr(entry, name)
        if not value or len(value) > MAX_LABEL_LENGTH:
            raise ValueError(f"ledger entry {name} must be 1..{MAX_LABEL_LENGTH} characters")
    before_prev = b"".join(
        (
            b'{"actor":',
            canonicalize(entry.actor),
            b',"body":',
            canonicalize(entry.body, allow_floats=False),
            b',"kind":',
            canonicalize(entry.kind),
            b',"prev":"',
        )
    )
    return before_prev, b'","seq":', b',"subject":' + canonicalize(entry.subject) + b',"time":"'


def size(session: Session) -> int:
    return store.read_head(session).size


def tree_head(session: Session) -> tuple[int, bytes]:
    """The ledger's size and its root hash (RFC 6962 §2.1) as this session sees them."""
    head = store.read_head(session)
    return head.size, head.root_hash


def decode_leaf(leaf: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(leaf)
    return decoded


def leaves(session: Session, *, start: int, end: int, limit: int) -> list[bytes]:
    """Leaves ``start`` .. ``end - 1``, clipped to the tree and to ``limit`` of them."""
    if start < 0 or end <= start:
        raise BadRequest.for_field("query.end", "must be greater than start, and start at least 0")
    tree_size = size(session)
    if start > tree_size:
        raise NotFound.for_field("query.start", f"beyond the end of the ledger (size {tree_size})")
    return store.read_leaves(session, start, min(end, tree_size, start + limit))


def entry(session: Session, seq: int) -> LedgerEntry:
    found = store.read_entry(session, seq)
    if found is None:
        raise NotFound.for_field("path.seq", f"no ledger entry {seq}")
    return found


def leaf_hashes(session: Session, seqs: Collection[int]) -> dict[int, bytes]:
    """The leaf hashes of these entries, in one query."""
    return store.read_leaf_hashes(session, seqs)


def _range_hashes(
    session: Session,
    ranges: Sequence[tuple[int, int]],
    *,
    tree_size: int,
    field: str,
    extra: Sequence[merkle.NodeId] = (),
) -> tuple[list[bytes], dict[merkle.NodeId, bytes]]:
    """The MTH of each leaf range, from the stored subtree hashes, in one query.

    Every range set a proof or root needs includes a subtree ending at leaf ``tree_size - 1``,
    so a missing row means the tree is not that big yet: only then is the head read.
    """
    per_range = [merkle.subtree_ids(start, end) for start, end in ranges]
    wanted = [node for ids in per_range for node in ids] + list(extra)
    hashes = store.read_hashes(session, wanted) if wanted else {}
    if hashes is None or not wanted:
        current = size(session)
        if tree_size > current:
            raise NotFound.for_field(field, f"the ledger has only {current} entries")
        if hashes is None:
            raise LookupError(f"ledger storage is missing subtree hashes below {tree_size}")
    return [merkle.fold([hashes[node] for node in ids]) for ids in per_range], hashes


def root(session: Session, tree_size: int) -> bytes:
    """The root of the tree's first ``tree_size`` leaves (RFC 6962 §2.1 MTH)."""
    if tree_size == 0:
        return merkle.EMPTY_ROOT
    (value,), _ = _range_hashes(
        session, [(0, tree_size)], tree_size=tree_size, field="query.tree_size"
    )
    return value


def inclusion_proof(session: Session, *, index: int, tree_size: int) -> InclusionProof:
    """RFC 9162 §2.1.3.1: the audit path of leaf ``index`` in the tree of ``tree_size``."""
    if not 0 <= index < tree_size:
        raise BadRequest.for_field("query.index", "must be at least 0 and less than tree_size")
    leaf = merkle.NodeId(0, index)
    path, hashes = _range_hashes(
        session,
        merkle.inclusion_ranges(index, tree_size),
        tree_size=tree_size,
        field="query.tree_size",
        extra=[leaf],
    )
    return InclusionProof(
        index=index, tree_size=tree_size, leaf_hash=hashes[leaf], audit_path=tuple(path)
    )


def consistency_proof(session: Session, *, first: int, second: int) -> ConsistencyProof:
    """RFC 9162 §2.1.4.1: the proof that the tree of ``first`` is a prefix of that of ``second``."""
    if first < 1:
        raise BadRequest.for_field(
            "query.first", "must be at least 1 (the empty tree is consistent with every tree)"
        )
    if first > second:
        raise BadRequest.for_field("query.first", "must not exceed second")
    proof, _ = _range_hashes(
        session, merkle.consistency_ranges(first, second), tree_size=second, field="query.second"
    )
    return ConsistencyProof(first=first, second=second, proof=tuple(proof))


def latest_checkpoint(session: Session) -> LedgerCheckpoint | None:
    return store.latest_checkpoint(session)


def sign_if_stale(session: Session, *, signer: NoteSigner) -> LedgerCheckpoint | None:
    """Sign and store a checkpoint of the current head, unless the latest already covers it."""
    head = store.lock_head(session)
    latest = store.latest_checkpoint(session)
    if latest is not None and latest.tree_size == head.size:
        return None
    # Never sign what storage cannot reproduce: recompute the root from the stored subtrees.
    if root(session, head.size) != head.root_hash:
        _refuse(head.size, "its root is not the stored tree's (not signed)")
    note = sign_checkpoint(
        Checkpoint(origin=signer.name, size=head.size, root_hash=head.root_hash), signer
    )
    return store.insert_checkpoint(
        session,
        tree_size=head.size,
        root_hash=head.root_hash,
        signed_at=datetime.now(UTC),
        note=note,
    )


@dataclass(frozen=True)
class Witnessed:
    """A signed checkpoint as served: the log's note plus the witnesses' cosignature lines."""

    checkpoint: LedgerCheckpoint
    note: str
    cosignatures: int


def witnessed(
    session: Session, checkpoint: LedgerCheckpoint, *, witnesses: Collection[str] | None = None
) -> Witnessed:
    """The checkpoint with the cosignatures of ``witnesses`` (labels: the configured ones, so
    a witness no longer trusted neither shows nor counts), or of every witness if None."""
    lines = [row.line for row in store.cosignatures(session, [checkpoint.id], witnesses=witnesses)]
    return Witnessed(
        checkpoint=checkpoint,
        note=append_signature_lines(checkpoint.note, lines),
        cosignatures=len(lines),
    )


def latest_witnessed(
    session: Session, *, witnesses: Collection[str] | None = None
) -> Witnessed | None:
    checkpoint = store.latest_checkpoint(session)
    return None if checkpoint is None else witnessed(session, checkpoint, witnesses=witnesses)


def checkpoint_for_receipt(
    session: Session, seq: int, *, quorum: int, witnesses: Collection[str]
) -> Witnessed | None:
    """The newest checkpoint holding entry ``seq`` with at least ``quorum`` cosignatures by
    ``witnesses``, or, when none has that many, the newest checkpoint holding it."""
    checkpoint = store.newest_cosigned_checkpoint(session, seq, quorum=quorum, witnesses=witnesses)
    if checkpoint is None:
        checkpoint = store.latest_checkpoint(session)
    if checkpoint is None or checkpoint.tree_size <= seq:
        return None
    return witnessed(session, checkpoint, witnesses=witnesses)


class NotYetCovered(Conflict):
    """A receipt of an entry that no signed checkpoint covers yet: ask again shortly (a
    checkpoint is signed within ``REGISTRY_CHECKPOINT_INTERVAL_SECONDS`` of a write)."""


def receipt(session: Session, seq: int, *, quorum: int, witnesses: Collection[str]) -> str:
    """Entry ``seq``'s offline receipt (C2SP tlog-proof, see :mod:`registry.ledger.receipt`),
    against the newest checkpoint holding it that has ``quorum`` cosignatures by
    ``witnesses``, else the newest checkpoint holding it."""
    found = entry(session, seq)
    witnessed = checkpoint_for_receipt(session, seq, quorum=quorum, witnesses=witnesses)
    if witnessed is None:
        raise NotYetCovered(
            f"entry {seq} is not yet covered by a signed checkpoint; one is signed within "
            "seconds of a write, so ask again shortly"
        )
    proof = inclusion_proof(session, index=seq, tree_size=witnessed.checkpoint.tree_size)
    return format_receipt(
        Receipt(
            leaf=bytes(found.leaf),
            index=seq,
            proof=proof.audit_path,
            checkpoint_note=witnessed.note,
        )
    )


def has_cosignature(session: Session, checkpoint: LedgerCheckpoint, witness: str) -> bool:
    return any(row.witness == witness for row in store.cosignatures(session, [checkpoint.id]))


def last_cosigned_size(session: Session, witness: str) -> int | None:
    return store.last_cosigned_size(session, witness)


def add_cosignature(
    session: Session,
    *,
    checkpoint_id: int,
    witness: str,
    timestamp: int,
    line: str,
    received_at: datetime,
) -> bool:
    """Store a verified cosignature line; False if the witness's was already stored."""
    checkpoint = session.get(LedgerCheckpoint, checkpoint_id)
    if checkpoint is None:
        raise NotFound(f"no checkpoint {checkpoint_id}")
    return store.insert_cosignature(
        session,
        checkpoint=checkpoint,
        witness=witness,
        timestamp=timestamp,
        line=line,
        received_at=received_at,
    )


class Checkpointer:
    """Keeps the signed checkpoint fresh: after writes, and on a timer for the quiet periods.

    A checkpoint is signed at most every ``interval`` seconds, by the timer, off the request
    path; the timer guarantees that an entry is covered by a signed checkpoint no later than
    ``interval`` after it was committed. ``interval=0`` signs after every write.
    """

    def __init__(
        self,
        database: Database,
        *,
        signer: NoteSigner,
        interval: float,
        on_signed: Callable[[], None] | None = None,
    ) -> None:
        self._database = database
        self._signer = signer
        self._interval = interval
        self._on_signed = on_signed
        self._last_signed = float("-inf")
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sign_now(self) -> LedgerCheckpoint | None:
        with self._lock:
            return self._sign()

    def _sign(self) -> LedgerCheckpoint | None:
        with self._database.session(write=True) as session:
            signed = sign_if_stale(session, signer=self._signer)
        self._last_signed = time.monotonic()
        if signed is not None and self._on_signed is not None:
            self._on_signed()  # committed: witnesses may now be asked to cosign it
        return signed

    def after_write(self) -> None:
        """Called by every write once committed. With an interval, signing is the timer's
        alone: never on the request path, at most once per interval however many writes
        queue (the interval is judged under the signing lock). With ``interval=0`` (sign after
        every write), or before the timer runs, it signs here, best effort: the write has
        committed, so a signing failure must not fail it."""
        if self._interval > 0 and self._thread is not None:
            return
        try:
            with self._lock:
                if time.monotonic() - self._last_signed < self._interval:
                    return
                self._sign()
        except Exception:
            logger.exception("signing a checkpoint after a write failed")

    def start(self) -> None:
        self.sign_now()
        if self._thread is not None and self._thread.is_alive():
            return  # already running (an app started twice): one timer, joined by stop()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="ledger-checkpointer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        period = max(self._interval, 0.5)
        while not self._stop.wait(period):
            try:
                self.sign_now()
            except Exception:
                logger.exception("signing a checkpoint failed; retrying in %.1fs", period)
