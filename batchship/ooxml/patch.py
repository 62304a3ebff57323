"""Writing into an xlsx package directly, without a full openpyxl round trip.

Writing the result copy streams new cells into the worksheet XML inside the zip and adds three cell styles to
`styles.xml`; every other part of the workbook (other sheets, shared strings, drawings, macros, defined names,
data validation, frozen panes, column widths) is copied unchanged. That is both much faster than loading the
workbook into openpyxl and saving it, and more faithful: openpyxl drops what it does not understand.

Only the small parts (workbook, relationships, styles) are parsed as XML, with defusedxml; the worksheet, which
can be tens of megabytes, is handled as text with regular expressions over its `<row>` and `<c>` elements.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from batchship.ooxml.parts import (
    XlsxError,
    column_index,
    column_letter,
    sheet_position,
    styles_part,
    workbook_part,
    xml_text,
)
from batchship.ooxml.printing import TONE_FILLS, fit_to_page, page_setup, print_titles, wrapped_height
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
_SPANS_BYTES = re.compile(rb'\s+spans="[^"]*"')
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


def _cell_xml(ref: str, style: int | None, text: str) -> str:
    s = f' s="{style}"' if style is not None else ""
    if not text:
        return f'<c r="{ref}"{s}/>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{xml_text(text)}</t></is></c>'


class _Cells:
    """The result cells of rows, built from templates: rows share their verdicts (most say "passed the
    checks"), so the XML of each distinct (tone, texts) is made once, with gaps where the row number goes."""

    def __init__(
        self,
        cols: tuple[int, int, int],
        tone_styles: Mapping[str, int],
        text_style: int | None,
        width: float,
    ) -> None:
        self.cols, self.letters = cols, [column_letter(c) for c in cols]
        self.tone_styles, self.text_style, self.width = tone_styles, text_style, width
        self._parts: dict[tuple[str, tuple[str, str, str]], list[bytes]] = {}
        self._heights: dict[str, float | None] = {}

    def styles(self, tone: str) -> tuple[int | None, int | None, int | None]:
        wrap = None if self.text_style is None else self.text_style + 1
        return self.tone_styles.get(tone), self.text_style, wrap

    def xml(self, row: int, result: tuple[str, tuple[str, str, str]]) -> bytes:
        """The three cells of `row`, as bytes."""
        parts = self._parts.get(result)
        if parts is None:
            marker = "\x00"  # never in XML text: where the row number goes
            cells = [
                _cell_xml(f"{letter}{marker}", style, text)
                for letter, style, text in zip(self.letters, self.styles(result[0]), result[1], strict=True)
            ]
            parts = self._parts[result] = [p.encode("utf-8") for p in "".join(cells).split(marker)]
        return str(row).encode().join(parts)

    def listed(self, row: int, result: tuple[str, tuple[str, str, str]]) -> list[tuple[int | None, str]]:
        """The three cells of `row` with their columns (for a row whose cells are merged in order)."""
        return [
            (c, _cell_xml(f"{letter}{row}", style, text))
            for c, letter, style, text in zip(
                self.cols, self.letters, self.styles(result[0]), result[1], strict=True
            )
        ]

    def row_tag(self, tag: bytes, result: tuple[str, tuple[str, str, str]]) -> bytes:
        """The `<row ...` start tag without its stale spans, tall enough for the message."""
        if b" spans=" in tag:
            tag = _SPANS_BYTES.sub(b"", tag)
        message = result[1][2]
        height = self._heights.get(message, 0.0)
        if height == 0.0:
            height = self._heights[message] = wrapped_height(message, self.width)
        return _with_height(tag, height)


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
    start = xml.find(b"<sheetData")
    end = xml.rfind(b"</sheetData>")
    if start < 0 or end < 0:
        raise XlsxError("worksheet without a sheetData element (prefixed namespace?)")
    cols = new.columns
    first_new = min(cols)
    col_set = set(cols)
    pending = dict(new.rows)
    header_done = False
    cells = _Cells(cols, tone_styles, text_style, new.widths[2])
    column_of: dict[bytes, int] = {}

    head = _add_widths(_widen_dimension(xml[:start].decode("utf-8"), max(cols)), cols, new.widths)
    yield fit_to_page(head).encode("utf-8")
    row = 0
    pos = start
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
        tag = xml[k:tag_end]
        r = _R_ATTR_BYTES.search(tag)
        row = int(r.group(2)) if r else row + xml.count(b"<row", pos, close)
        after = close + len(b"</row>")
        if row not in pending and row != new.header_row:
            out.append(xml[pos:after])
            pos = after
            continue
        last_pos = max(xml.rfind(b"<c ", tag_end, close), xml.rfind(b"<c>", tag_end, close))
        last = _CELL_REF_BYTES.match(xml, last_pos) if last_pos >= 0 else None
        if last is not None:
            letters = last.group(1)
            last_col: int | None = column_of.get(letters)
            if last_col is None:
                last_col = column_of[letters] = column_index(letters.decode())
        else:
            last_col = -1 if last_pos < 0 else None
        if row == new.header_row:
            header_done = True
            style = _style_before(xml[tag_end + 1 : close], first_new)
            listed: list[tuple[int | None, str]] = [
                (c, _cell_xml(f"{letter}{row}", style, text))
                for c, letter, text in zip(cols, cells.letters, new.header, strict=True)
            ]
            tag = _result_row_tag(tag, None, new.widths[2])
        else:
            result = pending.pop(row)
            if last_col is not None and last_col < first_new:  # the common case: cells go at the end
                out += (
                    xml[pos:k],
                    cells.row_tag(tag, result),
                    xml[tag_end:close],
                    cells.xml(row, result),
                    b"</row>",
                )
                pos = after
                continue
            listed = cells.listed(row, result)
            tag = cells.row_tag(tag, result)
        body = xml[tag_end + 1 : close]
        if last_col is not None and last_col < first_new:
            out += (xml[pos:k], tag, b">", body, "".join(x for _, x in listed).encode("utf-8"), b"</row>")
        else:
            out += (xml[pos:k], tag, b">", _merged(body, listed, col_set), b"</row>")
        pos = after
    yield b"".join(out)
    if pending or not header_done:
        missing = sorted(pending) + ([] if header_done else [new.header_row])
        raise XlsxError(f"rows not found in the worksheet: {missing[:5]}")
    yield _tail(xml[end:], new)


def _tail(tail: bytes, new: NewCells) -> bytes:
    """What follows `</sheetData>`: the print setup, and the auto-filter when wanted."""
    text = page_setup(tail.decode("utf-8"), tall=True)
    if new.autofilter:
        ref = filter_ref(new.header_row, max(new.rows, default=new.header_row), max(new.columns))
        text = add_autofilter(text, ref)
    return text.encode("utf-8")


_HT_BYTES: Final = re.compile(rb'\s+(?:ht|customHeight)="[^"]*"')


def _result_row_tag(tag: bytes, result: tuple[str, tuple[str, str, str]] | None, width: float) -> bytes:
    """The `<row ...` start tag of a row getting result cells: without its (now stale) spans, and tall enough
    for its message wrapped in a column `width` wide."""
    if b" spans=" in tag:
        tag = _SPANS_BYTES.sub(b"", tag)
    return tag if result is None else _with_height(tag, wrapped_height(result[1][2], width))


def _with_height(tag: bytes, height: float | None) -> bytes:
    """A `<row ...` start tag tall enough for `height` points (a taller height it has is kept)."""
    if height is None:
        return tag
    if b"ht=" in tag or b"customHeight" in tag:
        found = re.search(rb'\bht="([\d.]+)"', tag)
        if found and float(found.group(1)) >= height:
            return tag
        tag = _HT_BYTES.sub(b"", tag)
    return tag + _height_attrs(height)


@functools.lru_cache(maxsize=64)
def _height_attrs(height: float) -> bytes:
    return f' ht="{height:g}" customHeight="1"'.encode()


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
                    chunk: list[bytes] = []
                    for piece in sheet_pieces:
                        chunk.append(piece)
                        if len(chunk) == 4096:
                            fh.write(b"".join(chunk))
                            chunk.clear()
                    fh.write(b"".join(chunk))
                continue
            data = replaced.pop(info.filename, None)
            if data is None:
                data = src.read(info)
            dst.writestr(info, data, compress_type=info.compress_type)
        for name, data in replaced.items():  # parts that are new (the summary sheet, its drawing and chart)
            dst.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()
