"""The garbage collector while an import runs: it is let run less often.

A file's rows are millions of objects that live until the import ends, and every collection
of the collector's older generations traversed all of them: about a tenth of an import's
time. While ``fewer_collections`` is entered, the youngest generation is collected every
``FIRST_GENERATION`` allocations instead of 700, and each entry moves every object alive then
out of the collector's reach (``gc.freeze``): ``import_file`` enters it before reading the
file, ``writer.write`` again once the rows are read. The settings are the process's: they
are restored, and the frozen objects handed back, when the last import running in the
process ends (the CLI runs one; the server runs none).
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Final

FIRST_GENERATION: Final = 50_000
"""Allocations between the collector's youngest collections while an import runs."""


class _Collector:
    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._entered = 0
        self._thresholds = gc.get_threshold()
        self._freezes = True

    @contextmanager
    def fewer(self) -> Iterator[None]:
        with self._mutex:
            if self._entered == 0:
                self._thresholds = gc.get_threshold()
                # A process that froze objects of its own (before forking, say) keeps them
                # frozen: the import then neither freezes nor unfreezes.
                self._freezes = gc.get_freeze_count() == 0
                gc.set_threshold(FIRST_GENERATION, *self._thresholds[1:])
            self._entered += 1
            if self._freezes:
                gc.freeze()
        try:
            yield
        finally:
            with self._mutex:
                self._entered -= 1
                if self._entered == 0:
                    gc.set_threshold(*self._thresholds)
                    if self._freezes:
                        gc.unfreeze()


_collector = _Collector()


def fewer_collections() -> AbstractContextManager[None]:
    """Collect less until the block ends (see the module)."""
    return _collector.fewer()
