"""Copies of the migrated PostgreSQL template, made ahead on a thread while tests run.

A copy (``CREATE DATABASE … TEMPLATE``) and a drop take PostgreSQL a few hundred milliseconds
each, about half of a short PostgreSQL test's time when done in the test's own set-up and
teardown. Here a thread keeps a few copies ready and drops the used ones after, so that the
server does that work while the test process runs the next test on the other core. Every
test still gets a database no other test has touched.

A copy that cannot be made fails the one test that was to have it; the thread goes on (with
a new connection if the server dropped its own), so the next test gets a copy if the server
can make one again.
"""

import threading
import time
from collections import deque
from collections.abc import Callable

import psycopg

READY_AHEAD = 2
WAIT_SECONDS = 120.0  # for a copy, before the test fails saying so (never a hang)


class DatabaseCopies:
    """Hands out fresh copies of ``template`` (``take``) and drops returned ones (``give_back``)."""

    def __init__(self, conninfo: str, template: str, name: Callable[[], str]) -> None:
        self._conninfo = conninfo
        self._template = template
        self._name = name
        # A copy's name, or why it could not be made (for the test that takes it).
        self._ready: deque[str | psycopg.Error] = deque()
        self._used: deque[str] = deque()
        self._undropped: list[str] = []
        self._stopped: BaseException | None = None
        self._closing = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._work, name="database-copies", daemon=True)
        self._thread.start()

    def take(self) -> str:
        deadline = time.monotonic() + WAIT_SECONDS
        with self._changed:
            while not self._ready:
                if self._stopped is not None:
                    raise RuntimeError("the thread making database copies stopped") from (
                        self._stopped
                    )
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"no copy of {self._template} was made in {WAIT_SECONDS:.0f} s"
                    )
                self._changed.wait(left)
            taken = self._ready.popleft()
            self._changed.notify_all()
        if isinstance(taken, psycopg.Error):
            raise taken  # each error is one test's: raised once
        return taken

    def give_back(self, name: str) -> None:
        with self._changed:
            self._used.append(name)
            self._changed.notify_all()

    def close(self) -> None:
        """Drops every copy, ready, used or whose drop failed, and stops the thread."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join()
        ready = [name for name in self._ready if isinstance(name, str)]
        with psycopg.connect(self._conninfo, autocommit=True) as connection:
            for name in (*ready, *self._used, *self._undropped):
                _drop(connection, name)

    def _next_job(self) -> tuple[str, str] | None:
        with self._changed:
            while True:
                if self._closing:
                    return None
                # A test waiting for a copy comes before the clearing up.
                if not self._ready:
                    return ("create", self._name())
                if self._used:
                    return ("drop", self._used.popleft())
                if len(self._ready) < READY_AHEAD:
                    return ("create", self._name())
                self._changed.wait()

    def _work(self) -> None:
        connection: psycopg.Connection | None = None
        try:
            while (job := self._next_job()) is not None:
                action, name = job
                made: str | psycopg.Error = name
                try:
                    if connection is None or connection.closed:
                        connection = psycopg.connect(self._conninfo, autocommit=True)
                    if action == "drop":
                        _drop(connection, name)
                        continue
                    connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"')
                except psycopg.Error as exc:
                    if action == "drop":
                        self._undropped.append(name)  # tried again at the end of the run
                        continue
                    made = exc
                with self._changed:
                    self._ready.append(made)
                    self._changed.notify_all()
        except BaseException as exc:  # noqa: BLE001 - a test waiting is told, never left hanging
            with self._changed:
                self._stopped = exc
                self._changed.notify_all()
        finally:
            if connection is not None:
                connection.close()


def _drop(connection: psycopg.Connection, name: str) -> None:
    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
