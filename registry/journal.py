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
from typing import Any

from sqlalchemy.orm import Session

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
    """Entries projected together (one write's, a group commit's, an import chunk's)."""

    entries: Sequence[Recorded]
    state: dict[str, Any]


def batch(session: Session) -> Batch:
    """The entries being projected now, for a projector that reads for all of them at once
    (the award projector reads every history it will fold in one query). What it keeps in
    ``state`` lasts until they are all projected; a rollback cannot leave it behind."""
    found: Batch | None = session.info.get(_BATCH)
    if found is None:
        raise RuntimeError("batch() outside of journal projection")
    return found


def _projected(session: Session, recorded: Sequence[Recorded]) -> None:
    """Project ``recorded`` in turn, then write the award rollup's summed deltas once."""
    session.info[_BATCH] = Batch(recorded, {})
    try:
        for position, entry in enumerate(recorded, start=1):
            _project(session, entry)
            # Projectors add rows without relationships, so a flush orders its tables by
            # mapper name (SQLAlchemy's fallback), not by foreign key; one entry's rows already
            # rely on that order. Entries of one kind add rows to the same tables, so flushing
            # them together relies on nothing more (an import's chunk: one multi-row INSERT a
            # table); a change of kind flushes first. A projector that reads is autoflushed.
            if position == len(recorded) or recorded[position].kind != entry.kind:
                session.flush()
        rollup.flush(session)
    except:
        rollup.discard(session)  # the caller rolls back; nothing half-collected may linger
        raise
    finally:
        del session.info[_BATCH]


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
    the end (a thing written by several entries is indexed once, as it ends up).
    """
    recorded = [
        Recorded(
            seq=appended.seq,
            time=appended.time,
            kind=entry.kind,
            actor=entry.actor,
            subject=entry.subject,
            body=json.loads(json.dumps(entry.body)),  # exactly what a replay will see
        )
        for entry, appended in zip(
            entries, ledger_service.append(session, entries, at=at), strict=True
        )
    ]
    _projected(session, recorded)
    index.refresh_many(session, [(entry.kind, entry.subject) for entry in recorded])
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
