"""Group commit: the writes that arrive together in one process share one transaction, one
hold of the ledger's lock and one COMMIT.

A request hands its unit of work to ``GroupCommit.write`` (from the event loop, without a
thread of its own while it waits) or ``GroupCommit.submit`` (from a thread) and waits. One
writer thread per application (so per process) runs the batches: it takes every unit queued
by then, runs them in arrival order in one write transaction, commits, wakes their requests
with their own results, and takes the units queued meanwhile, until none is left; the next
unit to arrive starts a new writer. So a batch forms while the previous one commits, without
a timer, and a request waits behind no more than the batch running when it came (and, under
overload, the ``max_batch``-sized batches of the requests queued before it).

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

import asyncio
import contextlib
import copy
import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, ClassVar, TypeVar

from fastapi import Request
from sqlalchemy.orm import Session

from registry.core.db import Database
from registry.core.errors import RegistryError, ServiceUnavailable

logger = logging.getLogger(__name__)

QUEUED_PER_BATCH = 10
"""Writes a process queues, in batches of ``max_batch``, before it refuses more with a 503."""
CLOSE_SECONDS = 30.0

Unit = TypeVar("Unit")
Result = TypeVar("Result")


class OneByOne(Exception):
    """Raised by an operation asked to apply several units that it can only apply one at a
    time (for example, retries with idempotency keys); the batch then does so."""


@dataclass(eq=False)
class _Ticket:
    operation: Callable[[Session, Sequence[Any]], list[Any]]
    unit: Any
    wake: Callable[[], None]
    """Called by the writer once the ticket's batch is over (committed or failed)."""
    value: Any = None
    error: BaseException | None = None

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


class WritesQueued(ServiceUnavailable):
    """More writes wait in this process than ``GroupCommit`` queues: retry in a moment."""

    headers: ClassVar[dict[str, str]] = {"Retry-After": "1"}


class GroupCommit:
    """Batches the writes of one application (one per process): ``max_batch`` units at most
    per transaction, and at most ``max_queued`` waiting (more are refused with a 503 and
    ``Retry-After``: under overload, a bounded wait and a clear answer, not a growing queue)."""

    def __init__(
        self,
        database: Database,
        *,
        max_batch: int,
        max_queued: int | None = None,
        after_commit: Callable[[], None] = lambda: None,
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._database = database
        self._max_batch = max_batch
        self._max_queued = max_queued if max_queued is not None else QUEUED_PER_BATCH * max_batch
        self._after_commit = after_commit
        self._mutex = threading.Lock()
        self._idle = threading.Condition(self._mutex)
        self._queue: deque[_Ticket] = deque()
        self._writing = False

    async def write(
        self, operation: Callable[[Session, Sequence[Unit]], list[Result]], unit: Unit
    ) -> Result:
        """Apply ``unit`` with ``operation`` in the next batch; its result once committed, or
        the exception that refused it (or that failed the batch's commit). Awaited on the
        event loop: the request holds no thread while it waits. A request cancelled while it
        waits does not withdraw its write, as a client that hangs up does not."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()

        def wake() -> None:
            with contextlib.suppress(RuntimeError):  # a closed loop: no one waits any more
                loop.call_soon_threadsafe(_settle, done)

        ticket = _Ticket(operation, unit, wake)
        self._enqueue(ticket)
        await done
        return ticket.outcome()  # type: ignore[no-any-return]

    def submit(
        self, operation: Callable[[Session, Sequence[Unit]], list[Result]], unit: Unit
    ) -> Result:
        """``write`` for a caller in a thread of its own: blocks until the batch is over."""
        woken = threading.Event()
        ticket = _Ticket(operation, unit, woken.set)
        self._enqueue(ticket)
        woken.wait()
        return ticket.outcome()  # type: ignore[no-any-return]

    def queued(self) -> int:
        """How many writes wait for a batch (the one running not counted)."""
        with self._mutex:
            return len(self._queue)

    def close(self, timeout: float = CLOSE_SECONDS) -> bool:
        """Wait until every write queued has been run; whether they all were in ``timeout``."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._writing, timeout)

    def _enqueue(self, ticket: _Ticket) -> None:
        with self._mutex:
            if len(self._queue) >= self._max_queued:
                raise WritesQueued(
                    f"{len(self._queue)} writes are waiting in this process; retry in a moment"
                )
            self._queue.append(ticket)
            if self._writing:
                return
            self._writing = True
        self._start_writer()

    def _start_writer(self) -> None:
        try:
            threading.Thread(target=self._write_all, name="group-commit", daemon=True).start()
        except BaseException:
            # No writer: fail what is queued rather than leave it waiting for none.
            with self._mutex:
                stranded = list(self._queue)
                self._queue.clear()
                self._writing = False
                self._idle.notify_all()
            for ticket in stranded:
                ticket.error = RuntimeError("no writer thread could be started")
                _wake(ticket)
            raise

    def _write_all(self) -> None:
        """The writer: batch after batch until the queue is empty. Should it ever stop on an
        error of its own, another takes over what is queued."""
        finished = False
        try:
            while batch := self._next_batch():
                try:
                    self._run(batch)
                finally:
                    for ticket in batch:
                        _wake(ticket)
            finished = True
        finally:
            if not finished:
                with self._mutex:
                    self._writing = bool(self._queue)
                    if not self._writing:
                        self._idle.notify_all()
                if self._writing:
                    self._start_writer()

    def _next_batch(self) -> list[_Ticket]:
        with self._mutex:
            batch = [self._queue.popleft() for _ in range(min(self._max_batch, len(self._queue)))]
            if not batch:
                self._writing = False
                self._idle.notify_all()
            return batch

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
        except BaseException as exc:  # noqa: BLE001 - each request raises it as its own
            if not isinstance(exc, Exception):
                # Raised in a request, SystemExit or KeyboardInterrupt would stop its server.
                failed: BaseException = RuntimeError(f"the write's batch was stopped: {exc!r}")
                failed.__cause__ = exc
                exc = failed
            for ticket in batch:
                if ticket.error is None:
                    ticket.value, ticket.error = None, _own(exc, alone=len(batch) == 1)
        else:
            try:
                self._after_commit()
            except Exception:  # the batch has committed: its requests succeeded
                logger.exception("after a group commit")


def _wake(ticket: _Ticket) -> None:
    try:
        ticket.wake()
    except Exception:  # one request's waking must not keep the others waiting
        logger.exception("waking a request after its group commit")


def _settle(done: "asyncio.Future[None]") -> None:
    if not done.done():  # a request cancelled meanwhile has nothing to wake
        done.set_result(None)


def _own(exc: BaseException, *, alone: bool) -> BaseException:
    """The batch's error as one request raises it: the error itself for a batch of one, else
    a copy of its own (raising one object in many requests would mix their tracebacks)."""
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
