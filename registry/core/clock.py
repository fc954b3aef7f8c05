"""The registry's one clock: ledger times, deadlines and statuses all read ``now()``.

In production it is the system clock. ``travel(moment)`` moves it, for the process, to
``moment`` and lets it run on from there: the demo loader writes its simulated history on the
days it plans, and tests put a deadline behind them without waiting. While travelled, the clock
never goes backwards (each reading is at least a microsecond after the last), so ledger times
keep increasing with ``seq`` as they do on the system clock.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_TICK = timedelta(microseconds=1)
_lock = threading.Lock()
_offset: timedelta | None = None
_last: datetime | None = None


def now() -> datetime:
    """The current time, aware, in UTC."""
    global _last  # noqa: PLW0603 - the one clock of the process
    real = datetime.now(UTC)
    if _offset is None:
        return real
    with _lock:
        moment = real + _offset
        if _last is not None and moment <= _last:
            moment = _last + _TICK
        _last = moment
        return moment


@contextmanager
def travel(moment: datetime) -> Iterator[None]:
    """Run the block with the clock set to ``moment`` (aware) and running from there."""
    global _offset, _last  # noqa: PLW0603 - the one clock of the process
    if moment.tzinfo is None:
        raise ValueError("travel to an aware datetime")
    with _lock:
        saved = (_offset, _last)
        _offset = moment - datetime.now(UTC)
    try:
        yield
    finally:
        with _lock:
            _offset, _last = saved
