"""The result copy rebuilt through openpyxl: for legacy .xls inputs (the values of every sheet) and xlsx files the
part-by-part patch (`ooxml/patch.py`) cannot handle. It looks the same as a patched copy: result cells in their
tone, the message column wrapping, the header row repeated on every printed page, pages one wide, and the 요약
sheet with its chart coloured by status."""

from __future__ import annotations

import io
from typing import Any

from batchship.ooxml.parts import column_letter
from batchship.ooxml.patch import NewCells
from batchship.ooxml.printing import TONE_BARS, TONE_FILLS, display_width, wrapped_height
from batchship.ooxml.summary_sheet import (
    CHART_FROM,
    COLUMN_WIDTHS,
    FACTS_ROW,
    STATUS_ROW,
    SummaryTable,
    filter_ref,
    layout,
)
from batchship.sheets.table import Sheet


def as_text(cells: Any) -> None:
    """openpyxl makes every string starting with `=` a formula: the user's own text stays text."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def fit_widths(ws: Any, least: int = 10, most: int = 60) -> None:
    """Columns as wide as what they hold (Korean counts double), so numbers never show as ### and messages are
    readable (the retry file, which staff edit by hand; the sheets of an .xls, which bring no widths)."""
    for cells in ws.columns:
        longest = max((display_width(str(c.value)) for c in cells if c.value is not None), default=0)
        ws.column_dimensions[cells[0].column_letter].width = min(most, max(least, longest + 2))


def _open(sheet: Sheet) -> tuple[Any, Any]:
    """The workbook to write into, and the sheet of the orders."""
    import openpyxl

    if sheet.kind == "xls":
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(sheet.content))
        wb = openpyxl.Workbook()
        wb.remove(wb.active)  # type: ignore[arg-type]
        for name in book.sheet_names:
            ws_new = wb.create_sheet(title=name[:31])
            for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False):
                ws_new.append(list(row))
                as_text(ws_new[ws_new.max_row])
            fit_widths(ws_new)
        return wb, wb[sheet.sheet_name[:31]]
    keep_vba = sheet.path.suffix.lower() == ".xlsm"
    wb = openpyxl.load_workbook(io.BytesIO(sheet.content), keep_vba=keep_vba, rich_text=True)
    return wb, wb[sheet.sheet_name]


def _print_setup(ws: Any, header_row: int, *, tall: bool) -> None:
    """Landscape (unless the sheet chose), one page wide (`tall`: as many down as it takes, else one page)."""
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.orientation = ws.page_setup.orientation or "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0 if tall else 1
    if header_row and not ws.print_title_rows:
        ws.print_title_rows = f"{header_row}:{header_row}"


def rebuilt_bytes(sheet: Sheet, new: NewCells) -> bytes:
    """The result copy of `sheet` with `new` written into it, through openpyxl."""
    from openpyxl.styles import Alignment, PatternFill

    wb, ws = _open(sheet)
    fills = {tone: PatternFill("solid", fgColor=rgb) for tone, rgb in TONE_FILLS.items()}
    wrap = Alignment(wrap_text=True)
    for col, text in zip(new.columns, new.header, strict=True):
        ws.cell(row=new.header_row, column=col + 1, value=text)
    for row_number, (tone, texts) in new.rows.items():
        for i, (col, text) in enumerate(zip(new.columns, texts, strict=True)):
            cell = ws.cell(row=row_number, column=col + 1)
            cell.value = text or None
            cell.data_type = "s"
            if i == 0:
                cell.fill = fills[tone]
            elif i == 2:
                cell.alignment = wrap
        height = wrapped_height(texts[2], new.widths[2])
        current = ws.row_dimensions[row_number].height
        if height is not None and (current is None or current < height):
            ws.row_dimensions[row_number].height = height
    for col, width in zip(new.columns, new.widths, strict=True):
        letter = column_letter(col)
        if ws.column_dimensions[letter].width in (None, 13.0):  # openpyxl's default: the sheet set none
            ws.column_dimensions[letter].width = width
    _print_setup(ws, new.header_row, tall=True)
    if new.autofilter:
        ws.auto_filter.ref = filter_ref(
            new.header_row, max(new.rows, default=new.header_row), max(new.columns)
        )
    if new.summary is not None:
        _summary(wb, new.summary)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _summary_sheet(wb: Any, summary: SummaryTable) -> Any:
    """A new 요약 sheet, in the place of an earlier one of batchship's (a result file fed back in)."""
    name = summary.labels["sheet_name"]
    index = None
    for earlier in dict.fromkeys((name, *summary.earlier_names)):
        if earlier in wb.sheetnames and wb[earlier]["A1"].value in summary.earlier_titles:
            index = wb.sheetnames.index(earlier)
            wb.remove(wb[earlier])
            break
    base, k = name, 2
    while name in wb.sheetnames:
        name, k = f"{base} ({k})", k + 1
    return wb.create_sheet(name, index)


def _summary(wb: Any, summary: SummaryTable) -> None:
    """The 요약 sheet and its chart (same layout as `ooxml.summary_sheet.sheet_xml`)."""
    from openpyxl.styles import Font

    ws = _summary_sheet(wb, summary)
    bold = Font(bold=True)
    ws["A1"] = summary.title
    ws["A1"].font = bold
    for i, (label, value) in enumerate(summary.facts):
        ws.cell(row=FACTS_ROW + i, column=1, value=label).font = bold
        as_text([ws.cell(row=FACTS_ROW + i, column=2, value=value)])  # a file name can look like a formula
    first_status, codes_header = layout(summary)
    for col, text in ((1, summary.labels["status"]), (2, summary.labels["count"])):
        ws.cell(row=STATUS_ROW, column=col, value=text).font = bold
    for i, (label, count) in enumerate(summary.statuses):
        ws.cell(row=first_status + i, column=1, value=label)
        ws.cell(row=first_status + i, column=2, value=count)
    header = (summary.labels["code"], summary.labels["count"], summary.labels["meaning"])
    for col, text in enumerate(header, 1):
        ws.cell(row=codes_header, column=col, value=text).font = bold
    for i, (code, meaning, count) in enumerate(summary.codes):
        cells: tuple[str | int, ...] = (code, count, meaning)
        for col, cell in enumerate(cells, 1):
            ws.cell(row=codes_header + 1 + i, column=col, value=cell)
    ws.add_chart(_chart(ws, summary, first_status), f"{column_letter(CHART_FROM[0])}{CHART_FROM[1] + 1}")
    for i, width in enumerate(COLUMN_WIDTHS):
        ws.column_dimensions[column_letter(i)].width = width
    _print_setup(ws, 0, tall=False)


def _chart(ws: Any, summary: SummaryTable, first_status: int) -> Any:
    """The bar chart of rows by status, each bar in its status's colour, with its count on it."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.marker import DataPoint

    chart = BarChart()
    chart.title = summary.labels["chart"]
    last = first_status + len(summary.statuses) - 1
    chart.add_data(Reference(ws, min_col=2, min_row=first_status, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=1, min_row=first_status, max_row=last))
    chart.legend = None
    series = chart.series[0]
    for i, tone in enumerate(summary.tones):
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = TONE_BARS[tone]
        series.dPt.append(point)
    series.dLbls = DataLabelList()
    series.dLbls.showVal = True
    for flag in ("showLegendKey", "showCatName", "showSerName", "showPercent"):
        setattr(series.dLbls, flag, False)
    return chart
