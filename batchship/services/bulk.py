"""Bulk work without the cyclic garbage collector: loading, checking and writing a large sheet allocate
millions of small objects that form no reference cycles, and the collector, triggered by the allocations
alone, would walk them over and over (about a tenth of a 100,000-row check). Pauses nest and may overlap
across threads (the web desk's workers): the collector runs again when the last one ends, if it ran before."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
