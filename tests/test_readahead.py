"""``read_ahead``: the same items in the same order, a failure raised where it is consumed, and
the source closed (its database session ended) however the consumer stops."""

import threading
from collections.abc import Iterator

import pytest

from registry.publication.readahead import read_ahead


class Source:
    """A generator that records which thread read it and whether it was closed."""

    def __init__(self, count: int, *, fail_at: int | None = None) -> None:
        self.count = count
        self.fail_at = fail_at
        self.closed = threading.Event()
        self.readers: set[str] = set()

    def __iter__(self) -> Iterator[int]:
        try:
            for n in range(self.count):
                self.readers.add(threading.current_thread().name)
                if n == self.fail_at:
                    raise LookupError(f"item {n} is unreadable")
                yield n
        finally:
            self.closed.set()


def test_every_item_in_order_read_by_the_worker() -> None:
    source = Source(50)

    assert list(read_ahead(iter(source))) == list(range(50))
    assert source.readers == {"download-read-ahead"}
    assert source.closed.is_set()


def test_a_failure_is_raised_to_the_consumer_after_the_items_before_it() -> None:
    source = Source(10, fail_at=4)
    seen = []

    with pytest.raises(LookupError, match="item 4 is unreadable"):
        seen.extend(read_ahead(iter(source)))

    assert seen == [0, 1, 2, 3]
    assert source.closed.is_set()


def test_an_abandoned_download_stops_the_worker_and_closes_the_source() -> None:
    source = Source(1_000_000)
    items = read_ahead(iter(source), depth=2)

    assert [next(items) for _ in range(3)] == [0, 1, 2]
    items.close()  # the client went away

    assert source.closed.is_set()
    assert not any(thread.name == "download-read-ahead" for thread in threading.enumerate())
    assert len(source.readers) == 1
