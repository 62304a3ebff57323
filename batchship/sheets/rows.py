"""The rows under a sheet's header as the `Frame` `Sheet.data` describes: the rows kept (something in a
mapped column), each mapped column turned into clean text at once, what the raw cells told (a number cell?).

Shared by the workbook reader (`loader.py`), the CSV reader (`csvfile.py`) and Arrow's column-wise CSV reading
(`arrowcsv.py`).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from batchship.errors import SheetError
from batchship.frames import Frame
from batchship.i18n import Msg
from batchship.ooxml import parts as ooxml
from batchship.sheets.limits import DEFAULT_LIMITS, Limits
from batchship.sheets.table import FIELDS, NUMERIC_FLAGS, Header, cell_text, clean


def _cell(raw: Any) -> tuple[str, bool]:
    """A raw cell as cleaned text, and whether it was a number cell."""
    if raw.__class__ is str:
        return (raw.strip() if raw.isascii() else clean(raw)) if raw else "", False
    text, is_number = cell_text(raw)
    return (clean(text) if text else ""), is_number


def _texts(values: list[Any], kinds: set[type]) -> list[str]:
    """A column's raw cells as cleaned text (`kinds`: the types of its cells). A column of text cells is
    cleaned column-wise: an ASCII column is only trimmed (one C-level pass), else each distinct text is
    normalised once (couriers' and methods' Korean names repeat on every row). Other cells go one by one."""
    if kinds <= {str}:
        if "".join(values).isascii():
            return list(map(str.strip, values))
        distinct = set(values)
        if len(distinct) * 2 <= len(values):
            table = {v: clean(v) for v in distinct}
            return list(map(table.__getitem__, values))
    seen: dict[str, str] = {}

    def wide(v: str) -> str:
        found = seen.get(v)
        if found is None:
            found = seen[v] = clean(v)
        return found

    return [(v.strip() if v.isascii() else wide(v)) if v.__class__ is str else _cell(v)[0] for v in values]


def _numbers(values: list[Any], kinds: set[type]) -> list[bool]:
    """Which of a column's raw cells were number cells."""
    if not kinds & {int, float}:
        return [False] * len(values)
    return [v.__class__ is float or v.__class__ is int for v in values]


#: Rows are read in batches of this many: each batch's mapped cells are picked column by column in C.
_BATCH: Final = 65_536
_EMPTY: Final = frozenset(("", None))


@dataclass(slots=True)
class Kept:
    """The rows under the header with something in a mapped column: their numbers, their mapped cells column
    by column (in the order of the mapped indexes), and the last column holding anything in the header or
    those rows. A CSV read column-wise (`arrowcsv`) gives its columns already cleaned (`cleaned`: object
    arrays of clean text), with the length of each column's longest text (`longest`), which spares a pass
    over a million cells each."""

    numbers: list[int]
    columns: list[Any]
    last_column: int
    cleaned: bool = False
    longest: list[int] | None = None
    codes: list[tuple[Any, list[str]] | None] | None = None


def mapped_indexes(header: Header) -> list[int]:
    """The columns read, in `FIELDS` order (the order of `Kept.columns`)."""
    return [header.columns[name] for name in FIELDS if name in header.columns]


def rows_under(
    header: Header, rows: Iterable[tuple[int, Sequence[Any]]], where: Msg, limits: Limits = DEFAULT_LIMITS
) -> Kept:
    """The rows under the header with something in a mapped column. Only the mapped cells are kept, so memory
    holds five cells a row however wide the sheet; rows are taken in batches and each batch's columns picked
    in one C-level pass (`operator.itemgetter`)."""
    indexes = mapped_indexes(header)
    widest = max(indexes)
    kept = Kept([], [[] for _ in indexes], max(len(header.texts) - 1, widest))
    getters = [operator.itemgetter(c) for c in indexes]
    source = iter(rows)
    while batch := list(itertools.islice(source, _BATCH)):
        numbers, cells_of = map(list, zip(*batch, strict=True))
        del batch
        widths = list(map(len, cells_of))
        if min(widths) > widest:
            picked = [list(map(get, cells_of)) for get in getters]
        else:  # some rows end before a mapped column: those cells are blank
            picked = [
                [cells[c] if c < n else "" for cells, n in zip(cells_of, widths, strict=True)]
                for c in indexes
            ]
        blank = np.ones(len(numbers), dtype=bool)
        for column in picked:
            blank &= np.fromiter(map(_EMPTY.__contains__, column), dtype=bool, count=len(column))
        if blank.any():  # nothing in the mapped columns: not an order row
            keep = (~blank).tolist()
            numbers, cells_of, widths = (
                list(itertools.compress(x, keep)) for x in (numbers, cells_of, widths)
            )
            picked = [list(itertools.compress(column, keep)) for column in picked]
        if widths and max(widths) - 1 > kept.last_column:  # cells right of the known last column: rare
            for cells in cells_of:
                for i in range(len(cells) - 1, kept.last_column, -1):
                    if cells[i] not in ("", None):
                        kept.last_column = i
                        break
        kept.numbers += numbers
        for column, more in zip(kept.columns, picked, strict=True):
            column += more
        refuse_too_many(kept.numbers, where, limits)
    return kept


def refuse_too_many(numbers: Sequence[int] | np.ndarray, where: Msg, limits: Limits) -> None:
    """More order rows than `limits.max_rows`: refused, naming the first row over the limit."""
    if len(numbers) > limits.max_rows:
        raise SheetError(
            Msg.of(
                "file.too_many_rows", where=where, rows=f"{numbers[limits.max_rows]}+", limit=limits.max_rows
            )
        )


def collect(header: Header, kept: Kept, where: Msg, limits: Limits = DEFAULT_LIMITS) -> tuple[Frame, int]:
    """Turn the rows kept under the header (`rows_under`, or a CSV read column-wise) into the `Frame`
    `Sheet.data` describes: each mapped column turned into text at once (much faster than cell by cell in a
    nested loop on large sheets), rows whose cells held only spaces dropped."""
    cols = header.columns
    present = [name for name in FIELDS if name in cols]
    data: dict[str, Any] = {"row": np.asarray(kept.numbers, dtype=np.int64)}
    filled: np.ndarray | None = None
    for position, name in enumerate(present):
        raw = kept.columns[position]
        kinds: set[type] = {str} if kept.cleaned else set(map(type, raw))
        texts = np.asarray(raw, dtype=object) if kept.cleaned else np.array(_texts(raw, kinds), dtype=object)
        if kept.longest is None or kept.longest[position] > limits.max_cell_chars:
            _refuse_long_cells(texts, kept.numbers, cols[name], where, limits)
        if filled is None or not filled.all():  # most rows have an order number: the other columns not asked
            here = np.asarray(texts != "", dtype=bool)
            filled = here if filled is None else filled | here
        data[name] = texts
        if name in NUMERIC_FLAGS:
            data[f"{name}_numeric"] = np.array(_numbers(raw, kinds), dtype=bool)
        kept.columns[position] = []  # its raw cells can go now (a million rows' worth, for a large CSV)
    if filled is not None and not filled.all():  # rows whose cells held only spaces are blank too
        data = {key: values[filled] for key, values in data.items()}
    known: dict[str, tuple[np.ndarray, list[Any]]] = {
        name: (found[0] if filled is None or filled.all() else found[0][filled], found[1])
        for name, found in zip(present, kept.codes or [], strict=False)
        if found is not None
    }
    refuse_too_many(data["row"], where, limits)
    count = len(data["row"])
    if not count:
        raise SheetError(Msg.of("file.no_rows", where=where, row=header.row))
    for name in FIELDS:
        data.setdefault(name, np.full(count, "", dtype=object))
    for name in NUMERIC_FLAGS:
        data.setdefault(f"{name}_numeric", np.zeros(count, dtype=bool))
    frame = Frame(data)
    frame.codes.update(known)
    _room_for_results(header, kept.last_column, where)
    return frame, kept.last_column


def _refuse_long_cells(
    texts: np.ndarray, numbers: Sequence[int], column: int, where: Msg, limits: Limits
) -> None:
    longest = max(map(len, texts), default=0)
    if longest > limits.max_cell_chars:
        at = next(i for i, text in enumerate(texts) if len(text) == longest)
        raise SheetError(
            Msg.of(
                "file.cell_too_long",
                where=where,
                row=numbers[at],
                column=ooxml.column_letter(column),
                length=longest,
                limit=limits.max_cell_chars,
            )
        )


#: Excel's last column (XFD), 0-based.
LAST_COLUMN: Final = 16_383


def _room_for_results(header: Header, last_column: int, where: Msg) -> None:
    """The three result columns go after the last used one: refuse, before anything is sent, a sheet with no
    room left for them (Excel would drop them when repairing the file)."""
    if header.result_columns is None and last_column + 3 > LAST_COLUMN:
        raise SheetError(Msg.of("file.no_room", where=where, last=ooxml.column_letter(last_column)))
