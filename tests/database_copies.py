"""Copies of the migrated PostgreSQL template, made ahead on a thread while tests run.

A copy (``CREATE DATABASE … TEMPLATE``) and a drop take PostgreSQL a few hundred milliseconds
each, about half of a short PostgreSQL test's time when done in the test's own set-up and
teardown. Here a thread keeps a few copies ready and drops the used ones after, so that the
server does that work while the test process runs the next test on the other core. Every
test still gets a database no other test has touched.
"""

import threading
from collections import deque
from collections.abc import Callable

import psycopg

READY_AHEAD = 2


class DatabaseCopies:
    """Hands out fresh copies of ``template`` (``take``) and drops returned ones (``give_back``)."""

    def __init__(self, conninfo: str, template: str, name: Callable[[], str]) -> None:
        self._conninfo = conninfo
        self._template = template
        self._name = name
        self._ready: deque[str] = deque()
        self._used: deque[str] = deque()
        self._error: BaseException | None = None
        self._closing = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._work, name="database-copies", daemon=True)
        self._thread.start()

    def take(self) -> str:
        with self._changed:
            while not self._ready and self._error is None:
                self._changed.wait()
            if self._error is not None:
                raise self._error
            name = self._ready.popleft()
            self._changed.notify_all()
            return name

    def give_back(self, name: str) -> None:
        with self._changed:
            self._used.append(name)
            self._changed.notify_all()

    def close(self) -> None:
        """Drops every copy, ready or used, and stops the thread."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join()
        with psycopg.connect(self._conninfo, autocommit=True) as connection:
            for name in (*self._ready, *self._used):
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
        error: Exception = RuntimeError("the thread making database copies has stopped")
        try:
            with psycopg.connect(self._conninfo, autocommit=True) as connection:
                while (job := self._next_job()) is not None:
                    action, name = job
                    if action == "drop":
                        _drop(connection, name)
                        continue
                    connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"')
                    with self._changed:
                        self._ready.append(name)
                        self._changed.notify_all()
        except psycopg.Error as exc:
            error = exc
        finally:
            # Whatever ended the thread, a test waiting for a copy fails with it, never hangs.
            with self._changed:
                if not self._closing:
                    self._error = error
                self._changed.notify_all()


def _drop(connection: psycopg.Connection, name: str) -> None:
    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
