"""``registry ledger replay``: rebuild every query table of a new database from a ledger.

The leaves are copied byte for byte (each checked to continue the chain and to be canonical)
and applied with the same projectors the live service uses, so the rebuilt tables equal the
originals. The signed checkpoints come along, checked against the rebuilt tree.
"""

from collections.abc import Callable
from dataclasses import dataclass

from registry import journal
from registry.core.db import Database
from registry.ledger import service as ledger_service

PAGE_SIZE = 1000


class ReplayError(Exception):
    pass


@dataclass(frozen=True)
class ReplayReport:
    entries: int
    checkpoints: int


def replay(
    source: Database, target: Database, *, progress: Callable[[int, int], None] | None = None
) -> ReplayReport:
    with target.session() as session:
        if ledger_service.size(session):
            raise ReplayError(
                "the target database already holds a ledger; replay needs an empty one"
            )
    with source.session() as session:
        size = ledger_service.size(session)
    copied = 0
    while copied < size:
        with source.session() as session:
            page = ledger_service.leaves(session, start=copied, end=size, limit=PAGE_SIZE)
        with target.session(write=True) as session:
            for decoded in ledger_service.copy_leaves(session, page):
                journal.apply(session, journal.Recorded.from_decoded(decoded))
        copied += len(page)
        if progress is not None:
            progress(copied, size)
    with source.session() as session:
        checkpoints = [c for c in ledger_service.checkpoints(session) if c.tree_size <= size]
    with target.session(write=True) as session:
        for checkpoint in checkpoints:
            ledger_service.copy_checkpoint(session, checkpoint)
    return ReplayReport(entries=copied, checkpoints=len(checkpoints))
