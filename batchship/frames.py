"""pandas as batchship uses it: imported without its optional Arrow support.

batchship keeps a sheet's texts in pandas as Python objects and uses Arrow itself, directly, only where it
reads a large CSV (`sheets/arrowcsv.py`). pandas, when it finds pyarrow installed, imports it at once (and
makes Arrow-backed strings its default): 60 ms and 50 MB more for every run, a 31-row check included, for
nothing batchship uses. So pandas is imported here, once, with pyarrow hidden from it (`arrow_hidden`), and so
is pandera where the rules are given as its schema (a library that sees pyarrow would ask pandas for Arrow
types pandas then lacks); pyarrow itself stays importable for `arrowcsv`. Every module of batchship takes
pandas from here (`from batchship.frames import pd`).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def arrow_hidden() -> Iterator[None]:
    """Within: `import pyarrow` fails (what was imported of it is set aside, and put back after)."""
    arrow = {name: sys.modules.pop(name) for name in list(sys.modules) if name.partition(".")[0] == "pyarrow"}
    sys.modules["pyarrow"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        del sys.modules["pyarrow"]
        sys.modules.update(arrow)


with arrow_hidden() if "pandas" not in sys.modules else contextlib.nullcontext():
    import pandas as pd

__all__ = ["arrow_hidden", "pd"]
