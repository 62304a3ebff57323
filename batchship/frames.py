"""A sheet's rows as columns: `Frame`, numpy arrays by name, all of one length. What batchship computes on.

batchship does not import pandas: importing it costs a quarter of a second at every start (most of a small
check's time) for nothing a check needs that numpy arrays do not give. `pd` is pandas for those who want it
(the tests' pandera reference, the benchmark's bare reads), imported on first use and without its optional Arrow
support (`arrow_hidden`): pandas, finding pyarrow, imports it at once and makes Arrow strings its default
(50 MB and 60 ms more); pandera, importing pyarrow itself, then asks pandas for an `ArrowDtype` it lacks, so
pandera is imported the same way (`rules.schema`).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas


class Frame:
    """Columns by name, each a numpy array, all of one length; a row is a position (0, 1, ...). `codes`: for
    some text columns, what a reader already knew of their distinct texts: (each row's place, the texts), so
    that what is worked out once per distinct text need not find them again."""

    __slots__ = ("_columns", "_length", "codes")

    def __init__(self, columns: Mapping[str, Any]) -> None:
        self._columns: dict[str, np.ndarray] = {}
        self._length = -1
        self.codes: dict[str, tuple[np.ndarray, list[Any]]] = {}
        for name, values in columns.items():
            self[name] = values

    def __getitem__(self, name: str) -> np.ndarray:
        return self._columns[name]

    def __setitem__(self, name: str, values: Any) -> None:
        array = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=_kind(values))
        if self._length >= 0 and len(array) != self._length:
            raise ValueError(f"column {name}: {len(array)} rows, not {self._length}")
        self._length = len(array)
        self._columns[name] = array
        self.codes.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._columns

    def __len__(self) -> int:
        return max(self._length, 0)

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def get(self, name: str, default: np.ndarray | None = None) -> np.ndarray | None:
        return self._columns.get(name, default)

    def copy(self) -> Frame:
        """Another frame over the same arrays (columns added to it are its own)."""
        other = Frame(self._columns)
        other.codes = dict(self.codes)
        return other

    def take(self, rows: np.ndarray) -> Frame:
        """The rows a boolean mask (or an array of positions) picks."""
        other = Frame({name: values[rows] for name, values in self._columns.items()})
        other.codes = {name: (codes[rows], texts) for name, (codes, texts) in self.codes.items()}
        return other

    def to_pandas(self) -> pandas.DataFrame:
        """The same columns as a pandas DataFrame (for pandera and the tests)."""
        pandas = pd()
        return pandas.DataFrame({name: pandas.Series(v, dtype=v.dtype) for name, v in self._columns.items()})

    @classmethod
    def from_pandas(cls, frame: pandas.DataFrame) -> Frame:
        return cls({name: frame[name].to_numpy(dtype=_dtype(frame[name])) for name in frame.columns})


def _kind(values: Any) -> Any:
    """The numpy type of a list of values: texts as objects, flags as bool, numbers as they are."""
    first = next(iter(values), None) if not isinstance(values, str) else values
    if isinstance(first, str) or first is None:
        return object
    return None


def _dtype(series: Any) -> Any:
    kind = str(series.dtype)
    return object if kind in ("object", "str", "string") else None


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


def pd() -> Any:
    """pandas, imported on first use with pyarrow hidden from it (see the module docstring)."""
    if "pandas" not in sys.modules:
        with arrow_hidden():
            return importlib.import_module("pandas")
    return sys.modules["pandas"]
