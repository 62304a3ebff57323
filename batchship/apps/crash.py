"""The last resort for what nobody foresaw: the traceback of an unexpected error goes to a crash log (secrets
removed), and the user sees one line naming it. Shared by the faces."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path

from batchship.timefmt import now_kst


def crash_report(exc: BaseException, redact: Callable[[str], str], folder: Path | None = None) -> Path | None:
    """Write the traceback of `exc` (through `redact`, which removes secrets) to a new crash log; its path, or
    None when no folder would take it."""
    import platformdirs

    text = redact("".join(traceback.format_exception(exc)))
    stamp = now_kst().strftime("%Y%m%d-%H%M%S")
    name = f"crash-{stamp}-{os.getpid()}-{uuid.uuid4().hex[:6]}.txt"
    header = f"batchship crash {stamp}\nargv: {redact(' '.join(sys.argv))}\n\n"
    candidates = (
        [folder] if folder else [Path(platformdirs.user_log_dir("batchship")), Path(tempfile.gettempdir())]
    )
    for candidate in candidates:
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            path = candidate / name
            path.write_text(header + text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None
