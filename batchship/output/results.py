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
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from batchship.errors import OutputError
from batchship.i18n import Lang, Msg, t
from batchship.model import DONE, Report, Status
from batchship.ooxml.parts import XlsxError
from batchship.ooxml.patch import NewCells, patch_workbook
from batchship.ooxml.summary_sheet import FACTS_ROW, STATUS_ROW, SummaryTable, filter_ref, layout
from batchship.output.paths import retry_path, write_new
from batchship.output.summary import display_width, summarise
from batchship.sheets.csvfile import decode_csv
from batchship.sheets.table import Sheet

_TONES: Final = {
    Status.SUCCESS: "good",
    Status.ALREADY_DISPATCHED: "good",
    Status.FAILED: "bad",
    Status.INVALID: "bad",
    Status.UNKNOWN: "warn",
    Status.NOT_SENT: "warn",
}
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def result_headers(lang: Lang) -> tuple[str, str, str]:
    """The three result column titles."""
    return (t("header.result", lang), t("header.error_code", lang), t("header.error_message", lang))


def result_columns(sheet: Sheet) -> tuple[int, int, int]:
    """Where the three result columns go: over earlier ones, else after the last used column."""
    if sheet.result_columns is not None:
        return sheet.result_columns
    first = sheet.last_column + 1
    return (first, first + 1, first + 2)


def _row_texts(report: Report) -> dict[int, tuple[str, tuple[str, str, str]]]:
    out = {}
    for r in report.rows:
        tone = _TONES[r.status]
        if report.mode == "check" and r.status is Status.NOT_SENT:
            tone = "good"
        out[r.row] = (tone, (report.label(r.status), r.code, r.message))
    return out


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
        rows=_row_texts(report),
        summary=summarise(report) if sheet.kind != "csv" else None,
        autofilter=sheet.kind != "csv",
    )
    try:
        data = _result_bytes(sheet, report, new)
        if sheet.password and sheet.kind != "csv":
            data = _encrypt(data, sheet.password)
    except OutputError:
        raise
    except Exception as exc:  # openpyxl, msoffcrypto: whatever they raise, the caller gets one kind of error
        raise OutputError(Msg.of("file.result_failed", path=out, error=type(exc).__name__)) from exc
    return write_new(out, data, may_replace)


def _result_bytes(sheet: Sheet, report: Report, new: NewCells) -> bytes:
    if sheet.kind == "csv":
        return _csv_bytes(sheet, new)
    if sheet.kind == "xlsx" and sheet.sheet_part is not None:
        try:
            return patch_workbook(sheet.content, sheet.sheet_part, new)
        except XlsxError:
            pass
    report.result_rebuilt = True
    if new.summary is not None:
        new.summary.facts.append((t("summary.written", report.lang), t("summary.rebuilt", report.lang)))
    return _openpyxl_bytes(sheet, new)


def _safe(text: str) -> str:
    """Text batchship adds, made inert for spreadsheets that would evaluate `=...` in a CSV cell."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_bytes(sheet: Sheet, new: NewCells) -> bytes:
    fmt = sheet.csv
    assert fmt is not None
    text = decode_csv(sheet.content, fmt.encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=fmt.delimiter, strict=False)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=fmt.delimiter, lineterminator=fmt.newline)
    width = max(new.columns) + 1
    for number, cells in enumerate(reader, start=1):
        if number == new.header_row:
            texts: tuple[str, str, str] | None = new.header
        elif number in new.rows:
            texts = new.rows[number][1]
        else:
            texts = None
        if texts is not None:
            cells = cells + [""] * (width - len(cells))
            for col, value in zip(new.columns, texts, strict=True):
                cells[col] = _safe(value)
        writer.writerow(cells)
    body = buffer.getvalue()
    prefix = "\ufeff" if fmt.bom and fmt.encoding == "utf-8" else ""
    encoding = "utf-16" if fmt.encoding == "utf-16" else fmt.encoding
    return (prefix + body).encode(encoding, errors="replace")


def _openpyxl_bytes(sheet: Sheet, new: NewCells) -> bytes:
    """The result copy through openpyxl: for legacy .xls (values of every sheet) and unusual xlsx files."""
    import openpyxl
    from openpyxl.styles import PatternFill

    if sheet.kind == "xls":
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(sheet.content))
        wb = openpyxl.Workbook()
        wb.remove(wb.active)  # type: ignore[arg-type]
        for name in book.sheet_names:
            ws_new = wb.create_sheet(title=name[:31])
            for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False):
                ws_new.append(list(row))
                _as_text(ws_new[ws_new.max_row])
        ws = wb[sheet.sheet_name[:31]]
    else:
        keep_vba = sheet.path.suffix.lower() == ".xlsm"
        wb = openpyxl.load_workbook(io.BytesIO(sheet.content), keep_vba=keep_vba, rich_text=True)
        ws = wb[sheet.sheet_name]
    fills = {
        "good": PatternFill("solid", fgColor="FFC6EFCE"),
        "bad": PatternFill("solid", fgColor="FFFFC7CE"),
        "warn": PatternFill("solid", fgColor="FFFFEB9C"),
    }
    for col, text in zip(new.columns, new.header, strict=True):
        ws.cell(row=new.header_row, column=col + 1, value=text)
    for row_number, (tone, texts) in new.rows.items():
        for i, (col, text) in enumerate(zip(new.columns, texts, strict=True)):
            cell = ws.cell(row=row_number, column=col + 1)
            cell.value = text or None
            cell.data_type = "s"
            if i == 0:
                cell.fill = fills[tone]
    if new.autofilter:
        ws.auto_filter.ref = filter_ref(
            new.header_row, max(new.rows, default=new.header_row), max(new.columns)
        )
    if new.summary is not None:
        _openpyxl_summary(wb, new.summary)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _as_text(cells: Any) -> None:
    """openpyxl makes every string starting with `=` a formula: the user's own text stays text."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _openpyxl_summary(wb: Any, summary: SummaryTable) -> None:
    """The 요약 sheet and its chart through openpyxl (same layout as `ooxml.summary_sheet.sheet_xml`)."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    name = summary.labels["sheet_name"]
    index = None
    for earlier in dict.fromkeys((name, *summary.earlier_names)):  # ours, from a run before: replaced
        if earlier in wb.sheetnames and wb[earlier]["A1"].value in summary.earlier_titles:
            index = wb.sheetnames.index(earlier)
            wb.remove(wb[earlier])
            break
    base, k = name, 2
    while name in wb.sheetnames:
        name, k = f"{base} ({k})", k + 1
    ws = wb.create_sheet(name, index)
    bold = Font(bold=True)
    ws["A1"] = summary.title
    ws["A1"].font = bold
    for i, (label, value) in enumerate(summary.facts):
        ws.cell(row=FACTS_ROW + i, column=1, value=label).font = bold
        _as_text([ws.cell(row=FACTS_ROW + i, column=2, value=value)])  # a file name can look like a formula
    first_status, codes_header = layout(summary)
    for col, text in ((1, summary.labels["status"]), (2, summary.labels["count"])):
        ws.cell(row=STATUS_ROW, column=col, value=text).font = bold
    for i, (label, count) in enumerate(summary.statuses):
        ws.cell(row=first_status + i, column=1, value=label)
        ws.cell(row=first_status + i, column=2, value=count)
    for col, text in (
        (1, summary.labels["code"]),
        (2, summary.labels["count"]),
        (3, summary.labels["meaning"]),
    ):
        ws.cell(row=codes_header, column=col, value=text).font = bold
    for i, (code, meaning, count) in enumerate(summary.codes):
        ws.cell(row=codes_header + 1 + i, column=1, value=code)
        ws.cell(row=codes_header + 1 + i, column=2, value=count)
        ws.cell(row=codes_header + 1 + i, column=3, value=meaning)
    chart = BarChart()
    chart.title = summary.labels["chart"]
    last = first_status + len(summary.statuses) - 1
    chart.add_data(Reference(ws, min_col=2, min_row=first_status, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=1, min_row=first_status, max_row=last))
    chart.legend = None
    ws.add_chart(chart, "D10")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 40


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
    texts = sheet.data.set_index("row")
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
    _as_text(ws[1])
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
                values.append(str(texts.at[row_number, "trackingNumber"]))
            else:
                values.append(cells[i] if i < len(cells) and cells[i] != "" else None)
        # row numbers in messages are the original sheet's: say so, since this file's rows differ
        message = t("retry.from_row", report.lang, row=row_number, message=result.message)
        values += [report.label(result.status), result.code, message]
        ws.append(values)
        _as_text(ws[ws.max_row])
        for cell in ws[ws.max_row]:
            if cell.column in text_cols:
                cell.number_format = "@"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    _fit_widths(ws)
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_new(retry_path(out, sheet.path), buffer.getvalue())


def _fit_widths(ws: Any, least: int = 10, most: int = 60) -> None:
    """Columns as wide as what they hold (Korean counts double), so numbers never show as ### and messages are
    readable: the retry file is the one staff edit by hand."""
    for cells in ws.columns:
        longest = max((display_width(str(c.value)) for c in cells if c.value is not None), default=0)
        ws.column_dimensions[cells[0].column_letter].width = min(most, max(least, longest + 2))


def _raw_rows(sheet: Sheet, rows: set[int]) -> dict[int, list[Any]]:
    """The raw cells of the given spreadsheet rows, read again from the input's bytes."""
    found: dict[int, list[Any]] = {}
    if sheet.kind == "csv":
        fmt = sheet.csv
        assert fmt is not None
        reader = csv.reader(
            io.StringIO(decode_csv(sheet.content, fmt.encoding), newline=""), delimiter=fmt.delimiter
        )
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
