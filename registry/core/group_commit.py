"""Group commit: the writes that arrive together in one process share one transaction, one
hold of the ledger's lock and one COMMIT.

A request hands its unit of work to ``GroupCommit.submit`` and waits. The first request to
find no batch running leads: it takes every unit queued by then (its own first), runs them
in arrival order in one write transaction, commits, wakes their requests with their own
results, and hands the lead to the oldest request still queued, which does the same. So a
batch forms while the previous one commits, without a timer, and no request leads twice or
waits behind more than the batch before its own.

Within a batch, consecutive units of one operation are first applied together (one
``operation(session, units)`` call: its reads and its ledger append are made once for all of
them) inside a savepoint. If that refuses (a ``RegistryError``, or ``OneByOne``), the
savepoint is undone and each unit is applied alone in a savepoint of its own, in order: a
refused request gets its own problem and the others still commit, each having seen the ones
before it (a competition's budget, a source id). What is accepted or refused is exactly what
one transaction per request would decide. Any other error (a database error, a bug) fails
the whole batch, and every request of it: nothing of it is committed.

Several processes stay correct without knowing of each other: each batch takes the ledger's
lock in the database, which serialises them.
"""

import copy
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy.orm import Session

from registry.core.db import Database
from registry.core.errors import RegistryError

Unit = TypeVar("Unit")
Result = TypeVar("Result")


class OneByOne(Exception):
    """Raised by an operation asked to apply several units that it can only apply one at a
    time (for example, retries with idempotency keys); the batch then does so."""


@dataclass(eq=False)
class _Ticket:
    operation: Callable[[Session, Sequence[Any]], list[Any]]
    unit: Any
    woken: threading.Event = field(default_factory=threading.Event)
    leads: bool = False
    value: Any = None
    error: BaseException | None = None


class GroupCommit:
    """Batches the writes of one process; ``max_batch`` units at most per transaction."""

    def __init__(
        self,
        database: Database,
        *,
        max_batch: int,
        after_commit: Callable[[], None] = lambda: None,
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._database = database
        self._max_batch = max_batch
        self._after_commit = after_commit
        self._mutex = threading.Lock()
        self._queue: deque[_Ticket] = deque()
        self._leading = False

    def submit(
        self, operation: Callable[[Session, Sequence[Unit]], list[Result]], unit: Unit
    ) -> Result:
        """Apply ``unit`` with ``operation`` in the next batch; its result once committed, or
        the exception that refused it (or that failed the batch's commit)."""
        ticket = _Ticket(operation, unit)
        with self._mutex:
            self._queue.append(ticket)
            if not self._leading:
                self._leading = ticket.leads = True
                ticket.woken.set()
        ticket.woken.wait()
        if ticket.leads:
            self._lead()
        if ticket.error is not None:
            raise ticket.error
        return ticket.value  # type: ignore[no-any-return]

    def queued(self) -> int:
        """How many writes wait for a batch (the one running not counted)."""
        with self._mutex:
            return len(self._queue)

    def _lead(self) -> None:
        with self._mutex:
            batch = [self._queue.popleft() for _ in range(min(self._max_batch, len(self._queue)))]
        try:
            self._run(batch)
        finally:
            with self._mutex:
                if self._queue:
                    successor = self._queue[0]
                    successor.leads = True
                    successor.woken.set()
                else:
                    self._leading = False
            for ticket in batch:
                if not ticket.leads:
                    ticket.woken.set()

    def _run(self, batch: list[_Ticket]) -> None:
        try:
            with self._database.session(write=True) as session:
                if len(batch) == 1:
                    # Alone: no savepoint; a refusal rolls the whole transaction back.
                    (ticket,) = batch
                    (ticket.value,) = ticket.operation(session, [ticket.unit])
                else:
                    for tickets in _runs(batch):
                        _apply(session, tickets)
        # The batch's COMMIT failed, or anything but a refusal was raised in it (a database
        # error, a bug): nothing of it was committed, so every request of it fails.
        except BaseException as exc:
            for ticket in batch:
                if ticket.error is None:
                    ticket.value, ticket.error = None, _own(exc, alone=len(batch) == 1)
            if not isinstance(exc, Exception):
                raise
        else:
            self._after_commit()


def _own(exc: BaseException, *, alone: bool) -> BaseException:
    """The batch's error as one request raises it: the error itself for a batch of one, else
    a copy of its own (raising one object in many threads would mix their tracebacks)."""
    if alone:
        return exc
    try:
        copied = copy.copy(exc)
    except Exception:  # noqa: BLE001 - an exception that cannot be copied is shared
        return exc
    copied.__cause__ = exc.__cause__
    return copied.with_traceback(None)


def _runs(batch: list[_Ticket]) -> Iterator[list[_Ticket]]:
    """The batch cut into runs of consecutive units of one operation, in arrival order."""
    for _, run in groupby(batch, key=lambda ticket: ticket.operation):
        yield list(run)


REFUSALS = (RegistryError, OneByOne)
"""What a batch's writes may raise and still leave its transaction good: a problem for the
request (a rule, a budget, a key) or a request to go one by one. Anything else (a database
error, which SQLite answers by rolling the whole transaction back, or a bug) fails the batch."""


def _apply(session: Session, tickets: list[_Ticket]) -> None:
    operation = tickets[0].operation
    if len(tickets) > 1:
        try:
            with session.begin_nested():
                values = operation(session, [ticket.unit for ticket in tickets])
        except REFUSALS:
            pass  # one of them is refused: find which, one by one
        else:
            for ticket, value in zip(tickets, values, strict=True):
                ticket.value = value
            return
    for ticket in tickets:
        try:
            with session.begin_nested():
                (ticket.value,) = operation(session, [ticket.unit])
        except REFUSALS as exc:
            ticket.error = exc


def writes(request: Request) -> GroupCommit:
    """The application's group commit."""
    committer: GroupCommit = request.app.state.writes
    return committer
