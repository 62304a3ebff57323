"""What a loaded sheet is, and how rows of raw cells become it: the header found, the fields mapped, every
cell turned into clean text with what the raw cell told us (a number cell? which row?).

Shared by the workbook reader (`loader.py`) and the CSV reader (`csvfile.py`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from batchship.domain.codes import normalize_key
from batchship.errors import SheetError
from batchship.i18n import LANGS, Msg, t
from batchship.ooxml import parts as ooxml
from batchship.sheets.limits import DEFAULT_LIMITS, Limits

#: The columns read. paymentDate (결제일, in Seller Center's order download) is only compared with the dispatch
#: date, for a warning.
FIELDS: Final = (
    "productOrderId",
    "deliveryMethod",
    "deliveryCompanyCode",
    "trackingNumber",
    "dispatchDate",
    "paymentDate",
)
REQUIRED_FIELDS: Final = ("productOrderId", "deliveryCompanyCode", "trackingNumber")
#: Fields for which the loader records whether the cell was a number cell (Excel truncation, serial dates).
NUMERIC_FLAGS: Final = ("productOrderId", "trackingNumber", "dispatchDate", "paymentDate")

HEADER_ALIASES: Final[dict[str, str]] = {
    normalize_key(alias): name
    for name, aliases in {
        "productOrderId": ("상품주문번호", "productOrderId", "product_order_id"),
        "deliveryMethod": ("배송방법", "deliveryMethod", "delivery_method"),
        "deliveryCompanyCode": (
            "택배사",
            "택배사코드",
            "deliveryCompanyCode",
            "delivery_company_code",
            "deliveryCompany",
        ),
        "trackingNumber": ("송장번호", "운송장번호", "trackingNumber", "tracking_number"),
        "dispatchDate": ("발송일", "발송일시", "배송일", "dispatchDate", "dispatch_date"),
        "paymentDate": ("결제일", "결제일시", "paymentDate", "payment_date"),
    }.items()
    for alias in aliases
}
RESULT_ALIASES: Final[dict[str, int]] = {
    normalize_key(t(f"header.{name}", lang)): i
    for lang in LANGS
    for i, name in enumerate(("result", "error_code", "error_message"))
}
#: How many rows from the top are searched for the header row.
HEADER_SCAN_ROWS: Final = 30
Kind = Literal["xlsx", "xls", "csv"]


@dataclass(frozen=True, slots=True)
class CsvFormat:
    """How a CSV file was written, so the result copy is written the same way.

    encoding: the Python codec name (`utf-8`, `cp949`, `utf-16`); bom: whether the file began with a BOM;
    delimiter: `,`, tab or `;`; newline: the line ending of the first line; one_line_rows: every row of the
    file is one line of its bytes (no quoted line breaks, not UTF-16), so the result copy may be written line
    by line from the bytes as they are; fields: how many cells every row but a blank line has, when the reader
    made sure of it (0: not known).
    """

    encoding: str
    bom: bool
    delimiter: str
    newline: str
    one_line_rows: bool = False
    fields: int = 0


@dataclass(frozen=True, slots=True)
class Sheet:
    """A loaded shipping sheet.

    path: the input file; kind: xlsx (also xlsm), xls or csv; sheet_name: the worksheet read ('' for CSV);
    header_row: 1-based spreadsheet row of the header; headers: the header row's texts; columns: field name ->
    0-based column index; result_columns: where earlier result columns are (a result file fed back), if any;
    last_column: 0-based index of the last column holding anything in the header or data rows;
    data: one row per order row, columns `row` (1-based spreadsheet row) and, for each field, its text, plus
    `productOrderId_numeric`, `trackingNumber_numeric`, `dispatchDate_numeric` (the cell was a number cell);
    content: the file's bytes (decrypted when it was protected); password: the password that opened it;
    csv: how a CSV was written.
    """

    path: Path
    kind: Kind
    sheet_name: str
    header_row: int
    headers: tuple[str, ...]
    columns: Mapping[str, int]
    result_columns: tuple[int, int, int] | None
    last_column: int
    data: pd.DataFrame
    content: bytes = field(repr=False)
    password: str | None = field(default=None, repr=False)
    csv: CsvFormat | None = None
    sheet_part: str | None = None


# ---------------------------------------------------------------------------------------------------------
# Cells to text


def cell_text(value: Any) -> tuple[str, bool]:
    """A cell as text, and whether it was a number cell."""
    if isinstance(value, str):
        return value, False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value)), True
        return repr(value), True
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S"), False
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d"), False
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S"), False
    if value is None:
        return "", False
    return str(value), False


def _clean(text: str) -> str:
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


# ---------------------------------------------------------------------------------------------------------
# Header


@dataclass(frozen=True, slots=True)
class Header:
    row: int  # 1-based
    texts: tuple[str, ...]
    columns: dict[str, int]
    result_columns: tuple[int, int, int] | None


def is_header(cells: Sequence[Any]) -> bool:
    return any(
        isinstance(c, str) and HEADER_ALIASES.get(normalize_key(c)) == "productOrderId" for c in cells if c
    )


def _parse_header(row_number: int, cells: Sequence[Any], where: Msg) -> Header:
    texts = tuple(_clean(cell_text(c)[0]) for c in cells)
    while texts and not texts[-1]:
        texts = texts[:-1]
    found: dict[str, list[int]] = {}
    results: dict[int, int] = {}
    for i, text in enumerate(texts):
        key = normalize_key(text)
        if key in HEADER_ALIASES:
            found.setdefault(HEADER_ALIASES[key], []).append(i)
        elif key in RESULT_ALIASES:
            results.setdefault(RESULT_ALIASES[key], i)
    for name, cols in found.items():
        if len(cols) > 1:
            raise SheetError(
                Msg.of(
                    "file.duplicate_columns",
                    where=where,
                    row=row_number,
                    field=Msg.of(f"field.{name}"),
                    columns=", ".join(ooxml.column_letter(c) for c in cols),
                )
            )
    missing = [Msg.of(f"field.{f}") for f in REQUIRED_FIELDS if f not in found]
    if missing:
        raise SheetError(
            Msg.of(
                "file.missing_columns",
                where=where,
                row=row_number,
                missing=missing,
                found=", ".join(t for t in texts if t) or "-",
            )
        )
    result_columns = (results[0], results[1], results[2]) if len(results) == 3 else None
    return Header(row_number, texts, {k: v[0] for k, v in found.items()}, result_columns)


def find_header(
    rows: Iterator[tuple[int, Sequence[Any]]], where: Msg
) -> tuple[Header, Iterator[tuple[int, Sequence[Any]]]]:
    for scanned, (row_number, cells) in enumerate(rows, start=1):
        if is_header(cells):
            return _parse_header(row_number, cells, where), rows
        if scanned >= HEADER_SCAN_ROWS:
            break
    raise SheetError(Msg.of("file.no_header", where=where, scanned=HEADER_SCAN_ROWS))


# ---------------------------------------------------------------------------------------------------------
# Data rows


def _cell(raw: Any) -> tuple[str, bool]:
    """A raw cell as cleaned text, and whether it was a number cell."""
    if raw.__class__ is str:
        return (raw.strip() if raw.isascii() else _clean(raw)) if raw else "", False
    text, is_number = cell_text(raw)
    return (_clean(text) if text else ""), is_number


def _texts(values: list[Any], kinds: set[type]) -> list[str]:
    """A column's raw cells as cleaned text (`kinds`: the types of its cells). A column of text cells is
    cleaned column-wise: an ASCII column is only trimmed (one C-level pass), else each distinct text is
    normalised once (couriers' and methods' Korean names repeat on every row). Other cells go one by one."""
    if kinds <= {str}:
        if "".join(values).isascii():
            return list(map(str.strip, values))
        distinct = set(values)
        if len(distinct) * 2 <= len(values):
            table = {v: _clean(v) for v in distinct}
            return list(map(table.__getitem__, values))
    seen: dict[str, str] = {}

    def wide(v: str) -> str:
        found = seen.get(v)
        if found is None:
            found = seen[v] = _clean(v)
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
    those rows. A CSV read column-wise also says that every cell is text (`texts_only`) and, per column, how
    many bytes its longest cell has (`longest_bytes`), which spares a pass over a million cells each."""

    numbers: list[int]
    columns: list[list[Any]]
    last_column: int
    texts_only: bool = False
    longest_bytes: list[int] | None = None


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


def collect(
    header: Header, kept: Kept, where: Msg, limits: Limits = DEFAULT_LIMITS
) -> tuple[pd.DataFrame, int]:
    """Turn the rows kept under the header (`rows_under`, or a CSV read column-wise) into the DataFrame
    `Sheet.data` describes: each mapped column turned into text at once (much faster than cell by cell in a
    nested loop on large sheets), rows whose cells held only spaces dropped."""
    cols = header.columns
    present = [name for name in FIELDS if name in cols]
    data: dict[str, Any] = {"row": np.asarray(kept.numbers, dtype=np.int64)}
    filled: np.ndarray | None = None
    for position, name in enumerate(present):
        raw = kept.columns[position]
        kinds: set[type] = {str} if kept.texts_only else set(map(type, raw))
        texts = _texts(raw, kinds)
        # NFKC makes at most 18 characters of one: a column whose longest cell is short enough needs no look
        if kept.longest_bytes is None or kept.longest_bytes[position] * 18 > limits.max_cell_chars:
            _refuse_long_cells(texts, kept.numbers, cols[name], where, limits)
        if filled is None or not filled.all():  # most rows have an order number: the other columns not asked
            here = np.fromiter(map(bool, texts), dtype=bool, count=len(texts))
            filled = here if filled is None else filled | here
        data[name] = np.array(texts, dtype=object)
        if name in NUMERIC_FLAGS:
            data[f"{name}_numeric"] = np.array(_numbers(raw, kinds), dtype=bool)
        kept.columns[position] = []  # its raw cells can go now (a million rows' worth, for a large CSV)
    if filled is not None and not filled.all():  # rows whose cells held only spaces are blank too
        data = {key: values[filled] for key, values in data.items()}
    refuse_too_many(data["row"], where, limits)
    count = len(data["row"])
    if not count:
        raise SheetError(Msg.of("file.no_rows", where=where, row=header.row))
    for name in FIELDS:
        data.setdefault(name, np.full(count, "", dtype=object))
    for name in NUMERIC_FLAGS:
        data.setdefault(f"{name}_numeric", np.zeros(count, dtype=bool))
    # texts as object columns, as they were read (pandas would otherwise infer its own string type)
    frame = pd.DataFrame(
        {k: pd.Series(v, dtype=object, copy=False) if k in FIELDS else v for k, v in data.items()}
    )
    _room_for_results(header, kept.last_column, where)
    return frame, kept.last_column


def _refuse_long_cells(
    texts: list[str], numbers: Sequence[int], column: int, where: Msg, limits: Limits
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


def short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__
