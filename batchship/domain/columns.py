"""A text column and what C-level string methods say of its texts, each asked once per column: the rules run
on a million rows without a Python step per text where a whole column can be answered at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np

#: Character tests whose ASCII meaning a bytes method gives at C speed: `str.isdecimal` is [0-9] on ASCII,
#: `str.isalnum` [A-Za-z0-9].
_ASCII_TESTS: Final[dict[Callable[[str], bool], Callable[[bytes], bool]]] = {
    str.isdecimal: bytes.isdigit,
    str.isalnum: bytes.isalnum,
}


def flags(values: list[str], test: Callable[[str], bool], nonblank: np.ndarray | None = None) -> np.ndarray:
    """`test` of every text, as a boolean array. `test` holds of a text when it holds of each of its characters
    and fails on "" (`str.isdecimal`, `str.isalnum`): when it holds of all the texts joined, it holds of each
    text but the blank ones (`nonblank`: which are not, when known), which is then known without a Python step
    per text (the usual column, all ASCII, is asked as bytes)."""
    joined = "".join(values)
    if joined.isascii() and test in _ASCII_TESTS:
        holds = _ASCII_TESTS[test](joined.encode("ascii"))
    else:
        holds = test(joined)
    if holds:
        return (
            nonblank
            if nonblank is not None
            else np.fromiter(map(bool, values), dtype=bool, count=len(values))
        )
    return np.fromiter(map(test, values), dtype=bool, count=len(values))


def filled(texts: np.ndarray) -> np.ndarray:
    """Which texts of a column (an object array) are not blank."""
    return np.asarray(texts != "", dtype=bool)


class Texts:
    """A text column's values and what C-level string methods say of them, each worked out once per column
    (several rules ask the same); `where` runs a Python test only on the values a C-level test left open."""

    def __init__(self, texts: np.ndarray) -> None:
        self.values: list[str] = texts.tolist()
        self.filled = filled(texts)
        self.blank = ~self.filled
        self._known: dict[str, np.ndarray] = {}

    def _fact(self, name: str, make: Callable[[], np.ndarray]) -> np.ndarray:
        found = self._known.get(name)
        if found is None:
            found = self._known[name] = make()
        return found

    @property
    def lengths(self) -> np.ndarray:
        return self._fact("len", lambda: np.fromiter(map(len, self.values), np.int64, len(self.values)))

    @property
    def decimal(self) -> np.ndarray:
        """Only Unicode decimal digits (what `\\d` matches), and at least one."""
        return self._fact("decimal", lambda: flags(self.values, str.isdecimal, self.filled))

    @property
    def letters_and_digits(self) -> np.ndarray:
        """`[A-Za-z0-9]+`: ASCII, and letters and digits only."""

        def make() -> np.ndarray:
            alnum = flags(self.values, str.isalnum, self.filled)
            if "".join(self.values).isascii():
                return alnum
            return alnum & np.fromiter(map(str.isascii, self.values), dtype=bool, count=len(self.values))

        return self._fact("alnum", make)

    def where(self, open_: np.ndarray, test: Callable[[str], object]) -> np.ndarray:
        """`test` of the values where `open_` is True (False elsewhere)."""
        out = np.zeros(len(self.values), dtype=bool)
        for i in np.flatnonzero(open_).tolist():
            out[i] = bool(test(self.values[i]))
        return out
