"""Read the next batch of a download while the current one is being formatted.

A download alternates between waiting for the database to produce a batch and formatting it;
done strictly in turn, each waits for the other. ``read_ahead`` moves the reading to a worker
thread, one batch ahead, so the database works while Python formats.
"""

import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

_POLL_SECONDS = 0.1


class _End:
    """The source is exhausted."""


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class _Worker(Generic[T]):
    """Reads ``source`` into a bounded queue until it ends, fails or is told to stop."""

    def __init__(self, source: Iterator[T], depth: int) -> None:
        self.source = source
        self.handoff: queue.Queue[T | _End | _Failed] = queue.Queue(maxsize=depth)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._work, name="download-read-ahead", daemon=True)

    def _offer(self, item: T | _End | _Failed) -> bool:
        while not self.stopping.is_set():
            try:
                self.handoff.put(item, timeout=_POLL_SECONDS)
            except queue.Full:
                continue
            return True
        return False

    def _work(self) -> None:
        try:
            for item in self.source:
                if not self._offer(item):
                    return
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, raised there
            self._offer(_Failed(error))
            return
        self._offer(_End())

    def stop(self) -> None:
        """Stop reading, wait for the worker, then close ``source`` (on this thread)."""
        self.stopping.set()
        self.thread.join()
        close = getattr(self.source, "close", None)
        if close is not None:
            close()


def read_ahead(source: Iterator[T], *, depth: int = 1) -> Iterator[T]:
    """``source``'s items, in order, read ``depth`` items ahead on a worker thread.

    Only the worker touches ``source`` until it stops; then ``source`` is closed here, so a
    database session it holds ends whether the download finished, failed or was abandoned by
    the client.
    """
    worker = _Worker(source, depth)
    worker.thread.start()
    try:
        while True:
            item = worker.handoff.get()
            if isinstance(item, _End):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        worker.stop()
