"""How the result copy looks on paper and on screen: the colours of each tone, and the print setup written into a
worksheet's XML (fit to the page's width, landscape unless the sheet says otherwise) and the workbook's print
titles (the header row repeated on every page). Elements are put where the schema orders them, so Excel opens
the file without repairing it."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from typing import Final

from batchship.ooxml.parts import xml_text

#: Cell fills of the result column, by tone (Excel's own "good / bad / neutral" pastels).
TONE_FILLS: Final = {"good": "FFC6EFCE", "bad": "FFFFC7CE", "warn": "FFFFEB9C"}
#: The summary chart's bar of each tone: the same hues, strong enough to read as bars.
TONE_BARS: Final = {"good": "63BE7B", "bad": "F8696B", "warn": "FFC000"}

#: Points per line of wrapped text in the default 11-point font (Excel's default row is 15).
LINE_HEIGHT_PT: Final = 15.0


def display_width(text: str) -> int:
    """Columns a string takes in a terminal or a cell (Hangul and other wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


@functools.lru_cache(maxsize=4096)  # most rows of a sheet share their message
def wrapped_height(text: str, width: float) -> float | None:
    """The row height (points) that shows all of `text` wrapped in a column `width` characters wide; None when
    one line is enough. Readers do not grow rows for wrapped text on their own (LibreOffice does not)."""
    if 2 * len(text) <= width - 2 and "\n" not in text:
        return None
    lines = sum(max(1, math.ceil(display_width(part) / max(1.0, width - 2))) for part in text.split("\n"))
    return lines * LINE_HEIGHT_PT if lines > 1 else None


#: What may follow `<pageSetup>` in a worksheet (CT_Worksheet's order): a new one goes before the first found.
_AFTER_PAGE_SETUP: Final = (
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)
_MARGINS: Final = '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'


def _set_attrs(tag: str, values: dict[str, str], keep: tuple[str, ...] = ()) -> str:
    """An element's start tag with `values` set (attributes named in `keep` are left as they are when present)."""
    closing = "/>" if tag.endswith("/>") else ">"
    body = tag[: -len(closing)]
    for name, value in values.items():
        found = re.search(rf'\s{name}="[^"]*"', body)
        if found and name in keep:
            continue
        body = body[: found.start()] + body[found.end() :] if found else body
        body += f' {name}="{value}"'
    return body + closing


def fit_to_page(head: str) -> str:
    """The worksheet's XML before `<sheetData>`, with `<pageSetUpPr fitToPage="1"/>` in its `<sheetPr>`."""
    found = re.search(r"<pageSetUpPr\b[^>]*?/?>", head)
    if found:
        return head[: found.start()] + _set_attrs(found.group(0), {"fitToPage": "1"}) + head[found.end() :]
    empty = re.search(r"<sheetPr\b[^>]*?/>", head)
    if empty:
        opened = empty.group(0)[:-2] + ">"
        return head[: empty.start()] + opened + '<pageSetUpPr fitToPage="1"/></sheetPr>' + head[empty.end() :]
    if "</sheetPr>" in head:
        return head.replace("</sheetPr>", '<pageSetUpPr fitToPage="1"/></sheetPr>', 1)
    root = re.search(r"<worksheet\b[^>]*>", head)
    if not root:
        return head
    return head[: root.end()] + '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' + head[root.end() :]


def page_setup(tail: str, *, tall: bool) -> str:
    """The worksheet's XML after `</sheetData>`, printing landscape (unless the sheet chose) on pages one wide;
    `tall`: as many pages down as it takes (a long sheet), else one page."""
    values = {"orientation": "landscape", "fitToWidth": "1", "fitToHeight": "0" if tall else "1"}
    found = re.search(r"<pageSetup\b[^>]*?/?>", tail)
    if found:
        tag = _set_attrs(found.group(0), values, keep=("orientation",))
        return tail[: found.start()] + tag + tail[found.end() :]
    element = "<pageSetup " + " ".join(f'{k}="{v}"' for k, v in values.items()) + "/>"
    margins = re.search(r"<pageMargins\b[^>]*?/>", tail)
    if margins:
        return tail[: margins.end()] + element + tail[margins.end() :]
    at = len(tail) - len("</worksheet>") if tail.rstrip().endswith("</worksheet>") else len(tail)
    for name in _AFTER_PAGE_SETUP:
        following = re.search(rf"<{name}\b", tail)
        if following:
            at = min(at, following.start())
    return tail[:at] + _MARGINS + element + tail[at:]


def print_titles(workbook: str, index: int, sheet_name: str, header_row: int) -> str:
    """workbook.xml with the header row of the `index`-th sheet (0-based) repeated on every printed page, unless
    that sheet already has print titles."""
    if re.search(rf'<definedName\b[^>]*name="_xlnm\.Print_Titles"[^>]*localSheetId="{index}"', workbook) or (
        re.search(rf'<definedName\b[^>]*localSheetId="{index}"[^>]*name="_xlnm\.Print_Titles"', workbook)
    ):
        return workbook
    quoted = "'" + sheet_name.replace("'", "''") + "'"
    name = (
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
        f"{xml_text(quoted)}!${header_row}:${header_row}</definedName>"
    )
    if "</definedNames>" in workbook:
        return workbook.replace("</definedNames>", name + "</definedNames>", 1)
    if re.search(r"<definedNames\s*/>", workbook):
        return re.sub(r"<definedNames\s*/>", f"<definedNames>{name}</definedNames>", workbook, count=1)
    # definedNames follows sheets, functionGroups and externalReferences, whichever the workbook has
    ends = [
        m.end()
        for pattern in (
            r"</sheets>",
            r"<functionGroups\b[^>]*?(?:/>|>.*?</functionGroups>)",
            r"</externalReferences>",
        )
        if (m := re.search(pattern, workbook, re.S))
    ]
    if not ends:
        return workbook
    at = max(ends)
    return workbook[:at] + f"<definedNames>{name}</definedNames>" + workbook[at:]
