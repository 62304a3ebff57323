"""Output that can never stop a run: `SafeStream` wraps stdout/stderr; when the reader has gone (`batchship
check x | head`, a closed terminal), writes are dropped instead of raising in the middle of a dispatch."""

from __future__ import annotations

import os
from typing import Any, TextIO


class SafeStream:
    """A text stream whose writes never raise: after the reader has gone, they are dropped."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.broken = False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                self._stream.write(text)
            except (BrokenPipeError, ConnectionResetError, ValueError, OSError):
                self.broken = True
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self._stream.flush()
            except (BrokenPipeError, ConnectionResetError, ValueError, OSError):
                self.broken = True

    def isatty(self) -> bool:
        try:
            return not self.broken and self._stream.isatty()
        except (ValueError, OSError):
            return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def silence_if_broken(stream: SafeStream, real: TextIO) -> None:
    """If the reader of a real standard stream has gone, point it at the null device, so that the interpreter's
    own flush at exit does not print 'Exception ignored ... BrokenPipeError'."""
    if not stream.broken:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, real.fileno())
    except (OSError, ValueError, AttributeError):
        pass
