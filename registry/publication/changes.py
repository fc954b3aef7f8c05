"""The change feed: every ledger entry after a given one, in ledger order, decoded.

A "modified since" feed ordered by update time makes a record that changes twice reappear
(and one that changes while a client pages through it can be missed); ledger order does not.
Each entry has one ``seq`` for ever, and appends take the ledger head's lock until they
commit, so the committed entries are always a gapless prefix 0..n-1: a reader that has seen
``seq`` N has seen everything before it, and ``seq > N`` is a complete "what happened since".

Paging is keyset on ``seq`` (never OFFSET), so page 1000 costs what page 1 costs. The filters
keep that property: ``subject`` is served by the ``(subject, seq)`` index, and ``kind`` walks
the primary key from ``after`` (there is no index on ``kind``; a rare kind scans the entries
between two matches).

The items are decoded from the stored leaf, so they say exactly what the signed ledger says;
mirrors that must copy bytes use ``/ledger/leaves`` instead.
"""

from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from registry.core.errors import NotFound
from registry.ledger import service as ledger_service
from registry.ledger.models import LedgerEntry

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
FROM_THE_START = -1  # ``after=-1``: every entry, from seq 0
MAX_SEQ = 2**63 - 1  # the largest BIGINT; a larger ``after`` is malformed, not a 500
MAX_KIND_LENGTH = 64  # the ``ledger_entries.kind`` column's width
MAX_SUBJECT_LENGTH = ledger_service.MAX_LABEL_LENGTH
KIND_PREFIX_MARK = "."
KINDS: Final = frozenset(
    {
        "organization.registered",
        "competition.published",
        "competition.amended",
        "competition.cancelled",
        "competition.results_published",
        "competition.applications_closed",
        "competition.compliance_checked",
        "competition.commission_decided",
        "competition.preliminary_results",
        "competition.final_results",
        "award.published",
        "award.amended",
        "award.disbursed",
        "award.reported",
        "award.completed",
        "award.terminated",
        "award.corrected",
        "oversight.submitted",
        "oversight.acknowledged",
        "oversight.extended",
        "oversight.answered",
        "oversight.withdrawn",
        "oversight.escalated",
        "api_key.created",
        "api_key.revoked",
    }
)
"""Every kind of entry the registry records (a test checks each feature's own names are
here): a ``kind`` filter naming another would find nothing, which reads as "no changes"."""
FAMILIES: Final = tuple(sorted({kind.partition(".")[0] + KIND_PREFIX_MARK for kind in KINDS}))
KIND_MESSAGE: Final = (
    "is not a kind of ledger entry: give an exact kind (award.published) or a family ending "
    "in a dot, one of " + ", ".join(FAMILIES)
)


@dataclass(frozen=True)
class Change:
    """One ledger entry as the feed serves it: the decoded leaf without ``prev``."""

    seq: int
    leaf_hash: bytes
    time: str
    kind: str
    actor: str
    subject: str
    body: dict[str, Any]


@dataclass(frozen=True)
class ChangePage:
    """``more`` is true when entries matching the filters exist after the last item."""

    items: tuple[Change, ...]
    more: bool


def is_kind_prefix(kind: str) -> bool:
    """``award.`` (ending in a dot) means every kind in that family; anything else is exact.

    Kinds are ``<family>.<event>`` (``award.published``, ``api_key.revoked``), so a trailing
    dot cannot be mistaken for a whole kind.
    """
    return kind.endswith(KIND_PREFIX_MARK)


def read_kind(kind: str) -> str:
    """A ``kind`` filter as given, if it is a kind or a family of ``KINDS``; ``KIND_MESSAGE``
    otherwise (``award`` without its dot, ``bogus``)."""
    if kind in KINDS or kind in FAMILIES:
        return kind
    raise ValueError(KIND_MESSAGE)


def _statement(
    *, after: int, limit: int, kind: str | None, subject: str | None
) -> Select[int, bytes, bytes]:
    statement = (
        select(LedgerEntry.seq, LedgerEntry.leaf, LedgerEntry.leaf_hash)
        .where(LedgerEntry.seq > after)
        .order_by(LedgerEntry.seq)
        .limit(limit + 1)  # one more than asked: whether another page exists, in one query
    )
    if kind is not None:
        # A family is the kind's first characters compared with ``=``: exact and
        # case-sensitive on both databases. LIKE is not (SQLite's ignores ASCII case, and
        # ``%``/``_`` would need escaping), nor is a range under a locale's collation.
        statement = statement.where(
            func.substr(LedgerEntry.kind, 1, len(kind)) == kind
            if is_kind_prefix(kind)
            else LedgerEntry.kind == kind
        )
    if subject is not None:
        statement = statement.where(LedgerEntry.subject == subject)
    return statement


def page(
    session: Session,
    *,
    after: int = FROM_THE_START,
    limit: int = DEFAULT_LIMIT,
    kind: str | None = None,
    subject: str | None = None,
) -> ChangePage:
    """The first ``limit`` entries with ``seq > after`` that match the filters.

    An empty answer for an ``after`` at or beyond the end of the ledger is a 404, not an empty
    page: a client holding a ``seq`` this ledger never had is following another ledger (or
    one restored from an older backup), and silence would hide that for ever.
    """
    if after < FROM_THE_START:
        raise ValueError("after must be at least -1")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be in 1..{MAX_LIMIT}")
    rows = session.execute(_statement(after=after, limit=limit, kind=kind, subject=subject)).all()
    if not rows and after >= 0:
        size = ledger_service.size(session)
        if after >= size:
            raise NotFound.for_field(
                "query.after", f"no ledger entry {after}: the ledger has {size} entries"
            )
    items = tuple(_change(int(seq), bytes(leaf), bytes(leaf_hash)) for seq, leaf, leaf_hash in rows)
    return ChangePage(items=items[:limit], more=len(items) > limit)


def _change(seq: int, leaf: bytes, leaf_hash: bytes) -> Change:
    decoded = ledger_service.decode_leaf(leaf)
    return Change(
        seq=seq,
        leaf_hash=leaf_hash,
        time=decoded["time"],
        kind=decoded["kind"],
        actor=decoded["actor"],
        subject=decoded["subject"],
        body=decoded["body"],
    )
