"""Domain events: how each kind of ledger entry changes the query tables.

Every write in the registry is ``record(session, entries)``: the entries are appended to the
ledger and then applied, one by one, to the query tables by the projector registered for their
kind, in the same transaction. ``registry ledger replay`` applies the same projectors to the
leaves of an existing ledger, so the query tables are a function of the ledger alone.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import attrgetter
from typing import Any

import orjson
from sqlalchemy import Table, event
from sqlalchemy.orm import Session, SessionTransaction

from registry.core.db import Base, insert_rows, table_of
from registry.ledger import service as ledger_service
from registry.ledger.service import NewEntry
from registry.publication import index, rollup


@dataclass(frozen=True)
class Recorded:
    """A ledger entry as projectors see it: decoded, with its place in the ledger."""

    seq: int
    time: datetime
    kind: str
    actor: str
    subject: str
    body: dict[str, Any]

    @classmethod
    def from_leaf(cls, leaf: bytes) -> "Recorded":
        return cls.from_decoded(json.loads(leaf))

    @classmethod
    def from_decoded(cls, decoded: dict[str, Any]) -> "Recorded":
        return cls(
            seq=decoded["seq"],
            time=datetime.fromisoformat(decoded["time"]),
            kind=decoded["kind"],
            actor=decoded["actor"],
            subject=decoded["subject"],
            body=decoded["body"],
        )


Projector = Callable[[Session, Recorded], None]
_projectors: dict[str, Projector] = {}


def projector(*kinds: str) -> Callable[[Projector], Projector]:
    """Register the function that applies entries of ``kinds`` to the query tables."""

    def register(function: Projector) -> Projector:
        for kind in kinds:
            if kind in _projectors:
                raise ValueError(f"two projectors for {kind}")
            _projectors[kind] = function
        return function

    return register


def known_kinds() -> frozenset[str]:
    _load_projectors()
    return frozenset(_projectors)


def apply(session: Session, entry: Recorded) -> None:
    """Apply one entry to the query tables and the search index (a replay, entry by entry)."""
    _projected(session, [entry])
    session.flush()
    index.refresh(session, kind=entry.kind, subject=entry.subject)
    session.flush()


_BATCH = "registry.journal.batch"


@dataclass
class Batch:
    """Consecutive entries of one kind, projected together (of one write, a group commit's
    batch, an import's chunk): projectors may read for all of them at once and keep what
    they read in ``state``, which lasts until the last of them is projected."""

    entries: Sequence[Recorded]
    state: dict[str, Any]


def batch(session: Session) -> Batch:
    """The entries being projected now (the award projector reads every history it will fold
    in one query)."""
    found: Batch | None = session.info.get(_BATCH)
    if found is None:
        raise RuntimeError("batch() outside of journal projection")
    return found


_NEW = "new rows"


def add_new(session: Session, *rows: Base) -> None:
    """Add rows a projector creates, to be inserted with ``insert_rows`` a table at a time (in
    the order their tables were first given) once the batch is projected: what the unit of work
    would do, at a fraction of its cost. They are never in the session: later batches read
    them back from the database, and a projector must not change one after its batch (the
    award projector keeps its histories for one batch)."""
    new: dict[Table, list[Base | dict[str, Any]]] = batch(session).state.setdefault(_NEW, {})
    for row in rows:
        new.setdefault(table_of(row), []).append(row)


def add_new_values(session: Session, table: Table, values: dict[str, Any]) -> None:
    """``add_new`` for a row given as its columns' values (every column of ``table``): what a
    projector that never needs the object makes, at a fraction of an object's cost."""
    new: dict[Table, list[Base | dict[str, Any]]] = batch(session).state.setdefault(_NEW, {})
    new.setdefault(table, []).append(values)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous: SessionTransaction) -> None:
    """A savepoint rolled back may have taken rows ``add_new`` inserted that were since loaded:
    the unit of work would have expunged its own new objects, but it never knew these. Every
    object is expired (read again when next used), so none outlives its row, whose key a
    later write may reuse. (An outer rollback expires everything anyway.)"""
    if previous.nested:
        session.expire_all()


Inserted = dict[Table, list[dict[str, Any]]]
"""The rows projectors gave as values (``add_new_values``), by table, as they were inserted."""


def _insert_new(session: Session, inserted: Inserted) -> None:
    """Insert the batch's new rows; those given as values are added to ``inserted``."""
    new: dict[Table, list[Base | dict[str, Any]]] | None = batch(session).state.get(_NEW)
    if not new:
        return
    connection = session.connection()
    for table, rows in new.items():
        keys = [column.key for column in table.columns]
        insert_rows(
            connection,
            table,
            [
                {key: row[key] for key in keys}
                if isinstance(row, dict)
                else {key: getattr(row, key) for key in keys}
                for row in rows
            ],
        )
        inserted.setdefault(table, []).extend(row for row in rows if isinstance(row, dict))


def _projected(session: Session, recorded: Sequence[Recorded]) -> Inserted:
    """Project ``recorded`` in turn, then write the award rollup's summed deltas once; the
    rows inserted as values.

    Entries are projected a run of one kind at a time, each run a ``Batch``. Projectors add
    rows without relationships, so a flush orders its tables by mapper name (SQLAlchemy's
    fallback), not by foreign key; one entry's rows already rely on that order. Entries of one
    kind add rows to the same tables, so flushing them together relies on nothing more (an
    import's chunk: one multi-row INSERT a table). Rows given to ``add_new`` are inserted
    before the flush: their parents are already there (earlier runs were flushed), and nothing
    the unit of work holds refers to them. A projector that reads is autoflushed."""
    inserted: Inserted = {}
    try:
        for _, grouped in groupby(recorded, key=attrgetter("kind")):
            run = list(grouped)
            session.info[_BATCH] = Batch(run, {})
            try:
                for entry in run:
                    _project(session, entry)
                _insert_new(session, inserted)
                session.flush()
            finally:
                del session.info[_BATCH]
        rollup.flush(session)
    except:
        rollup.discard(session)  # the caller rolls back; nothing half-collected may linger
        raise
    return inserted


def _project(session: Session, entry: Recorded) -> None:
    _load_projectors()
    try:
        project = _projectors[entry.kind]
    except KeyError:
        raise LookupError(f"no projector for ledger entries of kind {entry.kind!r}") from None
    project(session, entry)


def record(
    session: Session, entries: Sequence[NewEntry], *, at: datetime | None = None
) -> list[Recorded]:
    """Append ``entries`` to the ledger and apply them; the caller's transaction commits.

    Each entry is projected in turn; the search index is refreshed once for all of them at
    the end (a thing written by several entries is indexed once, as it ends up), from the
    rows the projectors inserted where it can, rather than reading them back.
    """
    recorded = [
        Recorded(
            seq=appended.seq,
            time=appended.time,
            kind=entry.kind,
            actor=entry.actor,
            subject=entry.subject,
            body=orjson.loads(orjson.dumps(entry.body)),  # exactly what a replay will see
        )
        for entry, appended in zip(
            entries, ledger_service.append(session, entries, at=at), strict=True
        )
    ]
    inserted = _projected(session, recorded)
    index.refresh_many(
        session, [(entry.kind, entry.subject) for entry in recorded], inserted=inserted
    )
    session.flush()
    return recorded


def _load_projectors() -> None:
    # The features register their projectors on import; importing them here, lazily, keeps
    # this module importable from the features' own services without a cycle.
    from registry.auth import projection as _auth  # noqa: F401, PLC0415
    from registry.awards import projection as _awards  # noqa: F401, PLC0415
    from registry.competitions import projection as _competitions  # noqa: F401, PLC0415
    from registry.organizations import projection as _organizations  # noqa: F401, PLC0415
    from registry.oversight import projection as _oversight  # noqa: F401, PLC0415
