"""One dispatching run per journal at a time, across processes, on every operating system.

`filelock` takes an OS lock on a file beside the journal (fcntl.flock on POSIX, msvcrt.locking on Windows),
released by the OS when a process dies, so a stale lock never blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout


class RunLock:
    """An exclusive lock on `path`. `acquire` waits (calling `on_wait` once if it has to)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = FileLock(str(path), thread_local=False)

    def try_acquire(self) -> bool:
        """Take the lock if it is free now; True when taken."""
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def acquire(self, on_wait: Callable[[], None] | None = None) -> None:
        if self.try_acquire():
            return
        if on_wait is not None:
            on_wait()
        self._lock.acquire()

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)
