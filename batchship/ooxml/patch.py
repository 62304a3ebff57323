"""Writing into an xlsx package directly, without a full openpyxl round trip.

Writing the result copy streams new cells into the worksheet XML inside the zip and adds three cell styles to
`styles.xml`; every other part of the workbook (other sheets, shared strings, drawings, macros, defined names,
data validation, frozen panes, column widths) is copied unchanged. That is both much faster than loading the
workbook into openpyxl and saving it, and more faithful: openpyxl drops what it does not understand.

Only the small parts (workbook, relationships, styles) are parsed as XML, with defusedxml; the worksheet, which
can be tens of megabytes, is handled as text with regular expressions over its `<row>` and `<c>` elements.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from batchship.ooxml.cells import ResultCells, cell_xml, without_spans
from batchship.ooxml.parts import (
    XlsxError,
    column_index,
    column_letter,
    sheet_position,
    styles_part,
    workbook_part,
)
from batchship.ooxml.printing import TONE_FILLS, fit_to_page, page_setup, print_titles
from batchship.ooxml.summary_sheet import SummaryTable, add_autofilter, add_summary, filter_ref


@dataclass(frozen=True, slots=True)
class NewCells:
    """What to write into a worksheet.

    columns: the 0-based columns of the three result cells; header_row and header: the header row and its
    three texts; rows: row number -> (tone, three texts), tone one of `good`, `bad`, `warn`; widths: the
    column widths to set where the sheet sets none.
    """

    columns: tuple[int, int, int]
    header_row: int
    header: tuple[str, str, str]
    rows: Mapping[int, tuple[str, tuple[str, str, str]]]
    widths: tuple[float, float, float] = (12.0, 12.0, 70.0)
    #: the 요약 sheet to add (None: none); autofilter: put an auto-filter on the header row
    summary: SummaryTable | None = None
    autofilter: bool = False


_ROW = re.compile(r"<row\b([^>]*?)(/>|>(.*?)</row>)", re.S)
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>.*?</c>)", re.S)
_R_ATTR = re.compile(r'\br="([A-Z]*)(\d+)"')
_S_ATTR = re.compile(r'\bs="(\d+)"')
_R_ATTR_BYTES = re.compile(rb'\br="([A-Z]*)(\d+)"')
_CELL_REF_BYTES = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)\d+"')


def _add_bold(styles: str) -> tuple[str, int | None]:
    """Add a bold copy of the first font and a cell style using it; returns the new XML and the style index."""
    fonts = re.search(r'<fonts\b[^>]*\bcount="(\d+)"[^>]*>(.*?)</fonts>', styles, re.S)
    xfs = re.search(r'<cellXfs\b[^>]*\bcount="(\d+)"[^>]*>(.*?)</cellXfs>', styles, re.S)
    first = re.search(r"<font\b[^>]*>(.*?)</font>", fonts.group(2), re.S) if fonts else None
    if not fonts or not xfs or not first:
        return styles, None
    n_fonts = len(re.findall(r"<font\b", fonts.group(2)))
    n_xfs = len(re.findall(r"<xf\b", xfs.group(2)))
    bold_font = "<font><b/>" + re.sub(r"<b\s*/>", "", first.group(1)) + "</font>"
    new_xf = f'<xf numFmtId="0" fontId="{n_fonts}" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    for match, count, extra in sorted(
        [(fonts, n_fonts + 1, bold_font), (xfs, n_xfs + 1, new_xf)], key=lambda b: -b[0].start()
    ):
        head = re.sub(r'\bcount="\d+"', f'count="{count}"', styles[match.start() : match.start(2)], count=1)
        styles = styles[: match.start()] + head + match.group(2) + extra + styles[match.end(2) :]
    return styles, n_xfs


def _add_styles(styles: str) -> tuple[str, dict[str, int], int]:
    """Add three filled text styles, a plain text style and a wrapping one (the message column);
    returns the new XML, tone -> index, and the index of the plain text style (the wrapping one is next)."""
    fills = re.search(r'<fills\b[^>]*\bcount="(\d+)"[^>]*>(.*?)</fills>', styles, re.S)
    xfs = re.search(r'<cellXfs\b[^>]*\bcount="(\d+)"[^>]*>(.*?)</cellXfs>', styles, re.S)
    if not fills or not xfs:
        raise XlsxError("styles.xml without fills or cellXfs")
    n_fills = len(re.findall(r"<fill\b", fills.group(2)))
    n_xfs = len(re.findall(r"<xf\b", xfs.group(2)))
    new_fills = "".join(
        f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/><bgColor indexed="64"/>'
        "</patternFill></fill>"
        for rgb in TONE_FILLS.values()
    )
    tone_index = {tone: n_xfs + i for i, tone in enumerate(TONE_FILLS)}
    new_xfs = "".join(
        f'<xf numFmtId="49" fontId="0" fillId="{n_fills + i}" borderId="0" xfId="0" applyNumberFormat="1" '
        'applyFill="1"/>'
        for i in range(len(TONE_FILLS))
    )
    text_index = n_xfs + len(TONE_FILLS)
    new_xfs += '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    new_xfs += (
        '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">'
        '<alignment wrapText="1"/></xf>'
    )
    # Replace the later block first so the earlier match's offsets stay valid.
    blocks = sorted(
        [(fills, n_fills + len(TONE_FILLS), new_fills), (xfs, text_index + 2, new_xfs)],
        key=lambda b: -b[0].start(),
    )
    for match, count, extra in blocks:
        head = re.sub(r'\bcount="\d+"', f'count="{count}"', styles[match.start() : match.start(2)], count=1)
        styles = styles[: match.start()] + head + match.group(2) + extra + styles[match.end(2) :]
    return styles, tone_index, text_index


#: Row pieces gathered before they are passed on as one (fewer, larger writes into the zip).
_BATCH: Final = 2048


def patch_sheet(
    xml: bytes, new: NewCells, tone_styles: Mapping[str, int], text_style: int | None
) -> Iterator[bytes]:
    """The worksheet XML, as a stream of byte pieces, with the result cells written into it (replacing any
    already in those columns). Raises `XlsxError` (at the end, when rows were not found) if it cannot.

    Works on the UTF-8 bytes without decoding the whole part, walking `<sheetData>` from one `</row>` to the
    next: the last `<row` tag before each is the row being closed, so result cells are added right there.
    Only a batch of rows is copied at a time, so memory stays flat however large the sheet.
    """
    return _SheetPatch(xml, new, ResultCells(new.columns, tone_styles, text_style, new.widths[2])).pieces()


class _SheetPatch:
    """One worksheet being patched: the rows still waiting for their cells, and the columns' letters seen."""

    def __init__(self, xml: bytes, new: NewCells, cells: ResultCells) -> None:
        self.xml, self.new, self.cells = xml, new, cells
        self.first_new, self.col_set = min(new.columns), set(new.columns)
        self.pending = set(new.rows)
        self.header_done = False
        self.column_of: dict[bytes, int] = {}

    def pieces(self) -> Iterator[bytes]:
        xml, new, cols = self.xml, self.new, self.new.columns
        start, end = xml.find(b"<sheetData"), xml.rfind(b"</sheetData>")
        if start < 0 or end < 0:
            raise XlsxError("worksheet without a sheetData element (prefixed namespace?)")
        head = _add_widths(_widen_dimension(xml[:start].decode("utf-8"), max(cols)), cols, new.widths)
        yield fit_to_page(head).encode("utf-8")
        row, pos, pending = 0, start, self.pending
        out: list[bytes] = []
        while True:
            if len(out) >= _BATCH:
                yield b"".join(out)
                out.clear()
            close = xml.find(b"</row>", pos, end)
            if close < 0:
                out.append(xml[pos:end])
                break
            k = xml.rfind(b"<row", pos, close)
            tag_end = xml.find(b">", k, close) if k >= 0 else -1
            if k < 0 or tag_end < 0:
                raise XlsxError("unbalanced row elements")
            found = _row_number(xml, k, tag_end)
            row = found if found is not None else row + xml.count(b"<row", pos, close)
            after = close + len(b"</row>")
            if row in pending or row == new.header_row:
                out += (xml[pos:k], *self._row(row, k, tag_end, close), b"</row>")
            else:
                out.append(xml[pos:after])
            pos = after
        yield b"".join(out)
        if pending or not self.header_done:
            missing = sorted(pending) + ([] if self.header_done else [new.header_row])
            raise XlsxError(f"rows not found in the worksheet: {missing[:5]}")
        yield _tail(xml[end:], new)

    def _last_column(self, tag_end: int, close: int) -> int | None:
        """The column of a row's last cell (-1: no cells; None: a cell without a reference)."""
        xml = self.xml
        last_pos = max(xml.rfind(b"<c ", tag_end, close), xml.rfind(b"<c>", tag_end, close))
        if last_pos < 0:
            return -1
        last = _CELL_REF_BYTES.match(xml, last_pos)
        if last is None:
            return None
        letters = last.group(1)
        found = self.column_of.get(letters)
        if found is None:
            found = self.column_of[letters] = column_index(letters.decode())
        return found

    def _row(self, row: int, k: int, tag_end: int, close: int) -> tuple[bytes, ...]:
        """A row's start tag and content, with its result cells (or the header's titles)."""
        xml, new, cells = self.xml, self.new, self.cells
        tag = xml[k:tag_end]
        last_col = self._last_column(tag_end, close)
        at_end = last_col is not None and last_col < self.first_new
        if row == new.header_row:
            self.header_done = True
            style = _style_before(xml[tag_end + 1 : close], self.first_new)
            listed: list[tuple[int | None, str]] = [
                (c, cell_xml(f"{letter}{row}", style, text))
                for c, letter, text in zip(new.columns, cells.letters, new.header, strict=True)
            ]
            tag = without_spans(tag)
        else:
            self.pending.discard(row)
            result = new.rows[row]
            if at_end:  # the common case: the cells go after the row's last one
                return cells.row_tag(tag, result), xml[tag_end:close], cells.xml(row, result)
            listed, tag = cells.listed(row, result), cells.row_tag(tag, result)
        body = xml[tag_end + 1 : close]
        if at_end:
            return tag, b">", body, "".join(x for _, x in listed).encode("utf-8")
        return tag, b">", _merged(body, listed, self.col_set)


def _row_number(xml: bytes, k: int, tag_end: int) -> int | None:
    """The `r` of the `<row` tag at `k` (`<row r="12" ...`: found without a regex in the usual case), or None
    (a row without one follows the one before)."""
    if xml.startswith(b'<row r="', k):
        close = xml.find(b'"', k + 8, tag_end)
        digits = xml[k + 8 : close]
        if close > 0 and digits.isdigit():
            return int(digits)
    r = _R_ATTR_BYTES.search(xml, k, tag_end)
    return int(r.group(2)) if r else None


def _tail(tail: bytes, new: NewCells) -> bytes:
    """What follows `</sheetData>`: the print setup, and the auto-filter when wanted."""
    text = page_setup(tail.decode("utf-8"), tall=True)
    if new.autofilter:
        ref = filter_ref(new.header_row, max(new.rows, default=new.header_row), max(new.columns))
        text = add_autofilter(text, ref)
    return text.encode("utf-8")


def _style_before(body: bytes, first_new: int) -> int | None:
    """The style of the last cell left of the new columns in the header row (the new headers match it)."""
    found = [(_cell_col(c.group(1)), c.group(0)) for c in _CELL.finditer(body.decode())]
    before = [cell for col, cell in found if col is not None and col < first_new]
    style = _S_ATTR.search(before[-1].split(">", 1)[0]) if before else None
    return int(style.group(1)) if style else None


def _merged(body: bytes, new_cells: list[tuple[int | None, str]], replaced: set[int]) -> bytes:
    """A row's cells with the new ones put in column order, replacing cells in the `replaced` columns."""
    kept = [
        (col, c.group(0))
        for c in _CELL.finditer(body.decode("utf-8"))
        if (col := _cell_col(c.group(1))) is None or col not in replaced
    ]
    ordered = sorted(kept + new_cells, key=lambda item: -1 if item[0] is None else item[0])
    return "".join(x for _, x in ordered).encode("utf-8")


def _cell_col(attrs: str) -> int | None:
    r = _R_ATTR.search(attrs)
    return column_index(r.group(1)) if r and r.group(1) else None


def _widen_dimension(xml: str, last_col: int) -> str:
    m = re.search(r'<dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', xml)
    if not m:
        return xml
    first_col, first_row = m.group(1), m.group(2)
    end_col = m.group(3) or first_col
    end_row = m.group(4) or first_row
    if column_index(end_col) >= last_col:
        return xml
    ref = f"{first_col}{first_row}:{column_letter(last_col)}{end_row}"
    return xml[: m.start()] + f'<dimension ref="{ref}"' + xml[m.end() :]


def _add_widths(xml: str, cols: tuple[int, int, int], widths: tuple[float, float, float]) -> str:
    existing = re.search(r"<cols>(.*?)</cols>", xml, re.S)
    covered: set[int] = set()
    if existing:
        for m in re.finditer(r'<col\b[^>]*\bmin="(\d+)"[^>]*\bmax="(\d+)"', existing.group(1)):
            covered.update(range(int(m.group(1)) - 1, int(m.group(2))))
    extra = "".join(
        f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'
        for c, w in sorted(zip(cols, widths, strict=True))
        if c not in covered
    )
    if not extra:
        return xml
    if existing:
        merged = existing.group(1) + extra
        items = re.findall(r"<col\b[^>]*/>", merged)
        items.sort(key=lambda s: int(re.search(r'\bmin="(\d+)"', s).group(1)))  # type: ignore[union-attr]
        return xml[: existing.start()] + "<cols>" + "".join(items) + "</cols>" + xml[existing.end() :]
    return xml + f"<cols>{extra}</cols>"


def _add_print_titles(src: zipfile.ZipFile, part: str, header_row: int, replaced: dict[str, bytes]) -> None:
    """The header row of the worksheet in `part` printed on every page (workbook.xml, as changed so far)."""
    found = sheet_position(src, part)
    if found is None:
        return
    book = workbook_part(src)
    workbook = (replaced.get(book) or src.read(book)).decode("utf-8")
    replaced[book] = print_titles(workbook, found[0], found[1], header_row).encode("utf-8")


def patch_workbook(content: bytes, part: str, new: NewCells) -> bytes:
    """A copy of the workbook `content` with `new` written into the worksheet `part`."""
    src = zipfile.ZipFile(io.BytesIO(content))
    styles_name = styles_part(src)
    tone_styles: dict[str, int] = {}
    text_style: int | None = None
    replaced: dict[str, bytes] = {}
    bold: int | None = None
    if styles_name and styles_name in src.namelist():
        try:
            styles, tone_styles, text_style = _add_styles(src.read(styles_name).decode("utf-8"))
            styles, bold = _add_bold(styles)
            replaced[styles_name] = styles.encode("utf-8")
        except XlsxError:
            tone_styles, text_style = {}, None
    if new.summary is not None:
        added, _ = add_summary(src, replaced, new.summary, bold)
        replaced.update(added)
    _add_print_titles(src, part, new.header_row, replaced)
    sheet_pieces = patch_sheet(src.read(part), new, tone_styles, text_style)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename == part:
                target = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                target.compress_type = zipfile.ZIP_DEFLATED
                target.external_attr = info.external_attr
                # Fast deflate for the big part: speed over a few percent of size.
                setattr(
                    target, "compress_level" if hasattr(target, "compress_level") else "_compresslevel", 1
                )
                with dst.open(target, "w") as fh:
                    for piece in sheet_pieces:  # batches of rows already: written as they come
                        fh.write(piece)
                continue
            data = replaced.pop(info.filename, None)
            if data is None:
                data = src.read(info)
            dst.writestr(info, data, compress_type=info.compress_type)
        for name, data in replaced.items():  # parts that are new (the summary sheet, its drawing and chart)
            dst.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()
