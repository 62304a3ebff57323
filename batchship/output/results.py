"""Write the verdict back: a copy of the input sheet with result, error-code and message columns on every row.

The input file is never modified. The copy is written to a temporary file beside its destination and renamed
into place, so a crash never leaves half a file. Where the sheet already has result columns (a result file fed
back in), they are overwritten in place. xlsx/xlsm inputs are patched part by part (see `ooxml/patch.py`), so the
rest of the workbook survives byte for byte; CSV inputs are written back in their own encoding and delimiter;
legacy .xls inputs become an .xlsx copy holding the values of every sheet. A protected input gives a copy
protected with the same password.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from batchship.errors import OutputError
from batchship.i18n import Lang, Msg, t
from batchship.model import DONE, Report, Rows, Status
from batchship.ooxml.parts import XlsxError
from batchship.ooxml.patch import NewCells, patch_workbook
from batchship.output.csvcopy import Verdicts, csv_copy
from batchship.output.paths import retry_path, write_new
from batchship.output.rebuild import as_text, fit_widths, rebuilt_bytes
from batchship.output.summary import summarise, tone
from batchship.sheets.csvfile import text_stream
from batchship.sheets.table import Sheet

_T = TypeVar("_T")


def result_headers(lang: Lang) -> tuple[str, str, str]:
    """The three result column titles."""
    return (t("header.result", lang), t("header.error_code", lang), t("header.error_message", lang))


def result_columns(sheet: Sheet) -> tuple[int, int, int]:
    """Where the three result columns go: over earlier ones, else after the last used column."""
    if sheet.result_columns is not None:
        return sheet.result_columns
    first = sheet.last_column + 1
    return (first, first + 1, first + 2)


class _RowTexts(Mapping[int, tuple[str, tuple[str, str, str]]]):
    """Each row's tone and three result texts, made when asked for (a million rows' tuples are never all held
    at once): row number -> (tone, (result, code, message))."""

    def __init__(self, report: Report) -> None:
        self._looks = {s: (tone(report, s), report.label(s)) for s in Status}  # once per status, not per row
        self.rows = report.rows if isinstance(report.rows, Rows) else Rows.of(report.rows)
        self._where: dict[int, int] | None = None

    @property
    def _at(self) -> dict[int, int]:
        """Row number -> its place in `rows` (made on first use: the CSV copy never needs it)."""
        if self._where is None:
            self._where = dict(zip(self.rows.numbers, range(len(self.rows)), strict=True))
        return self._where

    def __getitem__(self, row: int) -> tuple[str, tuple[str, str, str]]:
        i, rows = self._at[row], self.rows
        shade, label = self._looks[rows.statuses[i]]
        return shade, (label, rows.codes[i], rows.messages[i])

    def __contains__(self, row: object) -> bool:
        return row in self._at

    def __iter__(self) -> Iterator[int]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self.rows)

    def ordered(self) -> Verdicts:
        """Every row's number and verdict, in row order, the verdicts numbered: worked out column by column
        (no Python step per row: a million rows share a handful of verdicts)."""
        labels = {s: label for s, (_, label) in self._looks.items()}
        rows = self.rows
        status_ids = {s: i for i, s in enumerate(Status)}
        parts = [
            np.fromiter(map(status_ids.__getitem__, rows.statuses), np.int64, len(rows)),
            *(_numbered(column) for column in (rows.codes, rows.messages)),
        ]
        key = parts[0]
        for part in parts[1:]:
            key = key * (int(part.max(initial=0)) + 1) + part
        _, firsts, ids = np.unique(key, return_index=True, return_inverse=True)
        verdicts = [(labels[rows.statuses[i]], rows.codes[i], rows.messages[i]) for i in firsts.tolist()]
        numbers = np.asarray(rows.numbers, dtype=np.int64)
        if len(numbers) > 1 and not bool(np.all(numbers[1:] > numbers[:-1])):
            order = np.argsort(numbers, kind="stable")
            numbers, ids = numbers[order], ids[order]
        return Verdicts(numbers.tolist(), ids, verdicts)


def _numbered(texts: list[str]) -> np.ndarray:
    """Each text's place among the distinct texts (a million rows share a handful: hashed once each)."""
    place = {text: i for i, text in enumerate(dict.fromkeys(texts))}
    return np.fromiter(map(place.__getitem__, texts), dtype=np.int64, count=len(texts))


def write_result(
    sheet: Sheet, report: Report, out: Path, may_replace: Callable[[Path], bool] | None = None
) -> Path:
    """Write the result copy of `sheet` with `report`'s verdicts to `out`, atomically, and return where it went:
    a file already at `out` is replaced only when `may_replace(out)` says so, else the copy takes a stamped name
    beside it (see `write_new`). An xlsx is patched in place; when that cannot be done (and for .xls), the copy
    is rebuilt through openpyxl, and `report.result_rebuilt` and the 요약 sheet say so. Any failure is an
    OutputError."""
    if out.resolve() == sheet.path.resolve():
        raise OutputError(Msg.of("file.out_is_input", path=out))
    new = NewCells(
        columns=result_columns(sheet),
        header_row=sheet.header_row,
        header=result_headers(report.lang),
        rows=_RowTexts(report),
        summary=summarise(report) if sheet.kind != "csv" else None,
        autofilter=sheet.kind != "csv",
    )
    failed = functools.partial(_failed, out)
    if sheet.kind == "csv":  # written straight into the file: a million-row copy is not held in memory too
        assert isinstance(new.rows, _RowTexts)
        return write_new(
            out, failed(functools.partial(csv_copy, sheet, new, new.rows.ordered())), may_replace
        )
    data = failed(functools.partial(_result_bytes, sheet, report, new))()
    if sheet.password:
        data = failed(functools.partial(_encrypt, data, sheet.password))()
    return write_new(out, data, may_replace)


def _failed(out: Path, make: Callable[..., _T]) -> Callable[..., _T]:
    """`make`, with whatever it raises but an OutputError turned into one (openpyxl, msoffcrypto, a codec:
    the caller gets one kind of error)."""

    def made(*args: Any) -> _T:
        try:
            return make(*args)
        except OutputError:
            raise
        except Exception as exc:
            raise OutputError(Msg.of("file.result_failed", path=out, error=type(exc).__name__)) from exc

    return made


def _result_bytes(sheet: Sheet, report: Report, new: NewCells) -> bytes:
    if sheet.kind == "xlsx" and sheet.sheet_part is not None:
        try:
            return patch_workbook(sheet.content, sheet.sheet_part, new)
        except XlsxError:
            pass
    report.result_rebuilt = True
    if new.summary is not None:
        new.summary.facts.append((t("summary.written", report.lang), t("summary.rebuilt", report.lang)))
    return rebuilt_bytes(sheet, new)


def _encrypt(data: bytes, password: str) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def write_retry(sheet: Sheet, report: Report, out: Path) -> Path | None:
    """The rows that did not succeed, in the input's columns with the verdict beside each, ready to fix and
    feed straight back to `dispatch` (the journal makes that safe). None when every row succeeded."""
    import openpyxl
    from openpyxl.styles import Font

    wanted = {r.row: r for r in report.rows if r.status not in DONE}
    if not wanted:
        return None
    raw = _raw_rows(sheet, set(wanted))
    tracking = dict(zip(sheet.data["row"].tolist(), sheet.data["trackingNumber"].tolist(), strict=True))
    width = len(sheet.headers)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "발송처리"
    headers = list(sheet.headers)
    if sheet.result_columns is not None:  # a result file fed back: keep only the input's own columns
        keep = [i for i in range(width) if i not in sheet.result_columns]
    else:
        keep = list(range(width))
    ws.append([headers[i] for i in keep] + list(result_headers(report.lang)))
    as_text(ws[1])
    tracking_col = sheet.columns.get("trackingNumber")
    text_cols = {
        keep.index(sheet.columns[n]) + 1 for n in ("productOrderId", "trackingNumber") if n in sheet.columns
    }
    for row_number, result in wanted.items():
        cells = raw.get(row_number, [])
        # Cells as they were (a number stays a number, so an order number Excel truncated is caught again until
        # it is re-entered as text); the tracking number as read, with the zeros its format showed.
        values: list[Any] = []
        for i in keep:
            if i == tracking_col:
                values.append(str(tracking[row_number]))
            else:
                values.append(cells[i] if i < len(cells) and cells[i] != "" else None)
        # row numbers in messages are the original sheet's: say so, since this file's rows differ
        message = t("retry.from_row", report.lang, row=row_number, message=result.message)
        values += [report.label(result.status), result.code, message]
        ws.append(values)
        as_text(ws[ws.max_row])
        for cell in ws[ws.max_row]:
            if cell.column in text_cols:
                cell.number_format = "@"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    fit_widths(ws)
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_new(retry_path(out, sheet.path), buffer.getvalue())


def _raw_rows(sheet: Sheet, rows: set[int]) -> dict[int, list[Any]]:
    """The raw cells of the given spreadsheet rows, read again from the input's bytes."""
    found: dict[int, list[Any]] = {}
    if sheet.kind == "csv":
        fmt = sheet.csv
        assert fmt is not None
        reader = csv.reader(text_stream(sheet.content, fmt.encoding), delimiter=fmt.delimiter)
        for number, cells in enumerate(reader, start=1):
            if number in rows:
                found[number] = list(cells)
        return found
    import python_calamine

    ws = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(sheet.content)).get_sheet_by_name(
        sheet.sheet_name
    )
    offset = ws.start[1] if ws.start else 0
    for number, values in enumerate(ws.iter_rows(), start=1):
        if number in rows:
            found[number] = [""] * offset + list(values)
    return found
