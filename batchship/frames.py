"""pandas as batchship uses it: imported without its optional Arrow support.

batchship keeps a sheet's texts in pandas as Python objects and uses Arrow itself, directly, only where it
reads a large CSV (`sheets/arrowcsv.py`). pandas, when it finds pyarrow installed, imports it at once (and
makes Arrow-backed strings its default): 60 ms and 50 MB more for every run, a 31-row check included, for
nothing batchship uses. So pandas is imported here, once, with pyarrow hidden from it; pyarrow itself stays
importable for `arrowcsv`. Every module of batchship takes pandas from here (`from batchship.frames import pd`).
"""

from __future__ import annotations

import sys

if "pandas" not in sys.modules:
    _arrow = {
        name: sys.modules.pop(name) for name in list(sys.modules) if name.partition(".")[0] == "pyarrow"
    }
    sys.modules["pyarrow"] = None  # type: ignore[assignment]  # `import pyarrow` fails: pandas goes without
    try:
        import pandas as pd
    finally:
        del sys.modules["pyarrow"]
        sys.modules.update(_arrow)
else:
    import pandas as pd

__all__ = ["pd"]
