"""The 요약 (summary) sheet with its bar chart, and the auto-filter on the result columns, written straight
into an xlsx package (see `patch.py` for why the package is patched rather than round-tripped). What the
sheet says comes in already put into words (`SummaryTable`): this module knows the package, not the run."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from batchship.ooxml.parts import XlsxError, column_letter, relationships, sheet_part, workbook_part, xml_text
from batchship.ooxml.printing import TONE_BARS

_CT_SHEET: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CT_DRAWING: Final = "application/vnd.openxmlformats-officedocument.drawing+xml"
_CT_CHART: Final = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_REL_SHEET: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_REL_DRAWING: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
_REL_CHART: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"


@dataclass(frozen=True, slots=True)
class SummaryTable:
    """What the summary sheet shows, in words: title; facts: (label, value) lines; statuses: (label, count)
    for every status; codes: (code, meaning, count) by frequency; labels: `sheet_name`, `status`, `count`,
    `code`, `meaning`, `chart` (the sheet's name, column titles and chart title)."""

    title: str
    facts: list[tuple[str, str]]
    statuses: list[tuple[str, int]]
    codes: list[tuple[str, str, int]]
    labels: dict[str, str]
    #: The titles (A1) by which an earlier summary sheet of batchship's is recognised, to be replaced rather
    #: than kept beside the new one when a result file is fed back in.
    earlier_titles: tuple[str, ...] = ()
    #: The names such a sheet may have (the sheet name in every language).
    earlier_names: tuple[str, ...] = ()
    #: Each status's tone (`good`, `bad`, `warn`, as its result cells): the colour of its bar.
    tones: tuple[str, ...] = ()


FACTS_ROW: Final = 3
#: Widths of columns A-C: labels; counts (beside their labels; a fact's longer value runs on over the empty C);
#: code meanings.
COLUMN_WIDTHS: Final = (18, 10, 44)
#: Where the chart sits: columns D to K, from the status table's header down.
CHART_FROM: Final = (3, 9)
CHART_TO: Final = (11, 27)
STATUS_ROW: Final = 11  # header; statuses follow (facts take rows 3-9)
CODES_GAP: Final = 2


def layout(summary: SummaryTable) -> tuple[int, int]:
    """(first status row, first code header row)."""
    first_status = STATUS_ROW + 1
    codes_header = first_status + len(summary.statuses) + CODES_GAP - 1
    return first_status, codes_header


def _cell(ref: str, value: str | int, style: int | None) -> str:
    s = f' s="{style}"' if style is not None else ""
    if isinstance(value, int):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{xml_text(value)}</t></is></c>'


def sheet_xml(summary: SummaryTable, bold: int | None) -> str:
    rows: dict[int, list[str]] = {1: [_cell("A1", summary.title, bold)]}
    for i, (label, value) in enumerate(summary.facts):
        r = FACTS_ROW + i
        rows[r] = [_cell(f"A{r}", label, bold), _cell(f"B{r}", value, None)]
    labels = summary.labels
    rows[STATUS_ROW] = [
        _cell(f"A{STATUS_ROW}", labels["status"], bold),
        _cell(f"B{STATUS_ROW}", labels["count"], bold),
    ]
    first_status, codes_header = layout(summary)
    for i, (label, count) in enumerate(summary.statuses):
        r = first_status + i
        rows[r] = [_cell(f"A{r}", label, None), _cell(f"B{r}", count, None)]
    rows[codes_header] = [
        _cell(f"A{codes_header}", labels["code"], bold),
        _cell(f"B{codes_header}", labels["count"], bold),
        _cell(f"C{codes_header}", labels["meaning"], bold),
    ]
    for i, (code, meaning, count) in enumerate(summary.codes):
        r = codes_header + 1 + i
        rows[r] = [_cell(f"A{r}", code, None), _cell(f"B{r}", count, None), _cell(f"C{r}", meaning, None)]
    body = "".join(f'<row r="{r}">{"".join(cells)}</row>' for r, cells in sorted(rows.items()))
    last = max(rows)
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(COLUMN_WIDTHS, 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:C{last}"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols>'
        f"<sheetData>{body}</sheetData>"
        '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="1"/>'
        '<drawing r:id="rId1"/></worksheet>'
    )


def chart_xml(summary: SummaryTable, sheet_name: str) -> str:
    first_status, _ = layout(summary)
    last_status = first_status + len(summary.statuses) - 1
    quoted = "'" + sheet_name.replace("'", "''") + "'"
    cats = "".join(
        f'<c:pt idx="{i}"><c:v>{xml_text(label)}</c:v></c:pt>'
        for i, (label, _) in enumerate(summary.statuses)
    )
    vals = "".join(
        f'<c:pt idx="{i}"><c:v>{count}</c:v></c:pt>' for i, (_, count) in enumerate(summary.statuses)
    )
    n = len(summary.statuses)
    title = xml_text(summary.labels["chart"])
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        "<c:chart>"
        f"<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>{title}</a:t></a:r></a:p></c:rich></c:tx>"
        '<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>'
        '<c:plotArea><c:layout/><c:barChart><c:barDir val="col"/><c:grouping val="clustered"/>'
        '<c:varyColors val="0"/><c:ser><c:idx val="0"/><c:order val="0"/>'
        f"<c:tx><c:v>{xml_text(summary.labels['count'])}</c:v></c:tx>"
        '<c:spPr><a:solidFill><a:srgbClr val="4472C4"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>'
        f"{_points(summary)}"
        '<c:dLbls><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:showLegendKey val="0"/>'
        '<c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/>'
        '<c:showBubbleSize val="0"/></c:dLbls>'
        f"<c:cat><c:strRef><c:f>{xml_text(quoted)}!$A${first_status}:$A${last_status}</c:f>"
        f'<c:strCache><c:ptCount val="{n}"/>{cats}</c:strCache></c:strRef></c:cat>'
        f"<c:val><c:numRef><c:f>{xml_text(quoted)}!$B${first_status}:$B${last_status}</c:f>"
        f'<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{n}"/>{vals}</c:numCache>'
        "</c:numRef></c:val></c:ser>"
        '<c:gapWidth val="80"/><c:axId val="10"/><c:axId val="20"/></c:barChart>'
        '<c:catAx><c:axId val="10"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        '<c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="20"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/></c:catAx>'
        '<c:valAx><c:axId val="20"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        '<c:axPos val="l"/><c:majorGridlines/><c:numFmt formatCode="General" sourceLinked="1"/>'
        '<c:tickLblPos val="nextTo"/><c:crossAx val="10"/><c:crosses val="autoZero"/>'
        '<c:crossBetween val="between"/></c:valAx></c:plotArea>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    )


def _points(summary: SummaryTable) -> str:
    """Each status's bar in its tone's colour."""
    return "".join(
        f'<c:dPt><c:idx val="{i}"/><c:invertIfNegative val="0"/><c:bubble3D val="0"/>'
        f'<c:spPr><a:solidFill><a:srgbClr val="{TONE_BARS[tone]}"/></a:solidFill></c:spPr></c:dPt>'
        for i, tone in enumerate(summary.tones)
        if tone in TONE_BARS
    )


def drawing_xml() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        "<xdr:twoCellAnchor>"
        f"<xdr:from><xdr:col>{CHART_FROM[0]}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{CHART_FROM[1]}</xdr:row>"
        f"<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>{CHART_TO[0]}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{CHART_TO[1]}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="batchship chart"/>'
        "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
        "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"
    )


def _rels(target_type: str, target: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{target_type}" Target="{target}"/></Relationships>'
    )


def _free(names: set[str], pattern: str) -> tuple[int, str]:
    n = 1
    while pattern.format(n) in names:
        n += 1
    return n, pattern.format(n)


def find_summary(
    zf: zipfile.ZipFile, names: Iterable[str], titles: Iterable[str], read: Callable[[str], str] | None = None
) -> tuple[str, str] | None:
    """(sheet name, part) of a summary sheet of batchship's in the workbook: a sheet of one of these `names`
    with one of these `titles` in A1 (as batchship writes it: an inline string)."""
    read = read or (lambda part: zf.read(part).decode("utf-8", errors="replace"))
    wanted = [f">{xml_text(title)}</t>" for title in titles]
    for name in dict.fromkeys(names):
        try:
            part = sheet_part(zf, name)
            head = read(part)[:4000]
        except (XlsxError, KeyError):
            continue
        if any(title in head for title in wanted):
            return name, part
    return None


def _earlier_summary(
    zf: zipfile.ZipFile, read: Callable[[str], str], summary: SummaryTable
) -> tuple[str, str] | None:
    """(sheet name, part) of a summary sheet of batchship's already in the workbook (its title in A1)."""
    names = (summary.labels.get("sheet_name", "요약"), *summary.earlier_names)
    return find_summary(zf, names, summary.earlier_titles, read)


def _rewrite_earlier(
    zf: zipfile.ZipFile, read: Callable[[str], str], summary: SummaryTable, bold: int | None
) -> tuple[dict[str, bytes], str] | None:
    """The summary sheet and chart rewritten in place (keeping the sheet's name) when the workbook already
    has one of batchship's; None otherwise."""
    found = _earlier_summary(zf, read, summary)
    if found is None:
        return None
    name, part = found
    drawings = [
        (rid, target) for rid, (kind, target) in relationships(zf, part).items() if kind == _REL_DRAWING
    ]
    if len(drawings) != 1:
        return None
    rid, drawing = drawings[0]
    charts = [target for kind, target in relationships(zf, drawing).values() if kind == _REL_CHART]
    if len(charts) != 1:
        return None
    sheet = sheet_xml(summary, bold).replace('<drawing r:id="rId1"/>', f'<drawing r:id="{rid}"/>')
    return {part: sheet.encode("utf-8"), charts[0]: chart_xml(summary, name).encode("utf-8")}, name


def add_summary(
    zf: zipfile.ZipFile, replaced: dict[str, bytes], summary: SummaryTable, bold: int | None
) -> tuple[dict[str, bytes], str]:
    """New and changed parts that add the summary sheet (named 요약, or 요약 (2) ... when taken), or that
    rewrite an earlier summary of batchship's in place (a result file fed back in).
    `replaced` holds parts already changed by the caller (they are read from there first)."""

    def read(name: str) -> str:
        return (replaced.get(name) or zf.read(name)).decode("utf-8")

    earlier = _rewrite_earlier(zf, read, summary, bold)
    if earlier is not None:
        return earlier

    names = set(zf.namelist())
    book = workbook_part(zf)
    book_rels = posixpath.join(posixpath.dirname(book), "_rels", posixpath.basename(book) + ".rels")
    workbook = read(book)
    rels = read(book_rels)
    types = read("[Content_Types].xml")
    if "<sheets>" not in workbook or "</sheets>" not in workbook or "</Relationships>" not in rels:
        raise XlsxError("workbook.xml in an unexpected form (prefixed namespace?)")

    existing = set(re.findall(r'<sheet\b[^>]*\bname="([^"]*)"', workbook))
    sheet_name = summary.labels.get("sheet_name", "요약")
    base = sheet_name
    k = 2
    while xml_text(sheet_name) in existing:
        sheet_name = f"{base} ({k})"
        k += 1

    _, sheet_part = _free(names, "xl/worksheets/sheet{}.xml")
    drawing_n, drawing_part = _free(names, "xl/drawings/drawing{}.xml")
    _, chart_part = _free(names, "xl/charts/chart{}.xml")
    rel_ids = {int(x) for x in re.findall(r'Id="rId(\d+)"', rels)}
    rid = f"rId{max(rel_ids, default=0) + 1}"
    sheet_ids = [int(x) for x in re.findall(r'<sheet\b[^>]*\bsheetId="(\d+)"', workbook)]
    sheet_id = max(sheet_ids, default=0) + 1

    parts: dict[str, bytes] = {}
    parts[sheet_part] = sheet_xml(summary, bold).encode("utf-8")
    parts[posixpath.join("xl/worksheets/_rels", posixpath.basename(sheet_part) + ".rels")] = _rels(
        _REL_DRAWING, f"../drawings/{posixpath.basename(drawing_part)}"
    ).encode("utf-8")
    parts[drawing_part] = drawing_xml().encode("utf-8")
    parts[f"xl/drawings/_rels/drawing{drawing_n}.xml.rels"] = _rels(
        _REL_CHART, f"../charts/{posixpath.basename(chart_part)}"
    ).encode("utf-8")
    parts[chart_part] = chart_xml(summary, sheet_name).encode("utf-8")

    target = posixpath.relpath(sheet_part, posixpath.dirname(book))
    parts[book_rels] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="{rid}" Type="{_REL_SHEET}" Target="{target}"/></Relationships>',
    ).encode("utf-8")
    ns_r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    prefix = next((p for p, uri in re.findall(r'xmlns:(\w+)="([^"]+)"', workbook) if uri == ns_r), None)
    if prefix is None:
        prefix = "r"
        workbook = re.sub(r"<workbook\b", f'<workbook xmlns:r="{ns_r}"', workbook, count=1)
    entry = f'<sheet name="{xml_text(sheet_name)}" sheetId="{sheet_id}" {prefix}:id="{rid}"/>'
    parts[book] = workbook.replace("</sheets>", entry + "</sheets>", 1).encode("utf-8")
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{ct}"/>'
        for name, ct in ((sheet_part, _CT_SHEET), (drawing_part, _CT_DRAWING), (chart_part, _CT_CHART))
    )
    parts["[Content_Types].xml"] = types.replace("</Types>", overrides + "</Types>").encode("utf-8")
    return parts, sheet_name


_AFTER_SHEETDATA: Final = ("sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios")


def add_autofilter(sheet: str, ref: str) -> str:
    """The worksheet XML (its head or tail part after sheetData) with an auto-filter over `ref`."""
    existing = re.search(r"<autoFilter\b[^>]*?(?:/>|>.*?</autoFilter>)", sheet, re.S)
    element = f'<autoFilter ref="{ref}"/>'
    if existing:
        return sheet[: existing.start()] + element + sheet[existing.end() :]
    at = sheet.find("</sheetData>")
    if at < 0:
        return sheet
    at += len("</sheetData>")
    for name in _AFTER_SHEETDATA:
        m = re.compile(rf"<{name}\b[^>]*?(?:/>|>.*?</{name}>)", re.S).match(sheet, at)
        if m:
            at = m.end()
    return sheet[:at] + element + sheet[at:]


def filter_ref(header_row: int, last_row: int, last_col: int) -> str:
    return f"A{header_row}:{column_letter(last_col)}{max(last_row, header_row)}"
