"""The parts of an xlsx package batchship reads directly: relationships, workbook, worksheets, styles, number
formats. Knows nothing of shipping sheets: `sheets/` and `output/` build on it (see `patch.py` for writing)."""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from typing import Final

from defusedxml import ElementTree

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NS_MAIN: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL: Final = "http://schemas.openxmlformats.org/package/2006/relationships"


class XlsxError(Exception):
    """The workbook's structure is not what the streaming reader/writer can handle."""


def column_letter(index: int) -> str:
    """0-based column index to its letters: 0 -> A, 26 -> AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Column letters to a 0-based index: A -> 0, AA -> 26."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def _rels_path(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def relationships(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, resolved target part) for `part`."""
    try:
        root = ElementTree.fromstring(zf.read(_rels_path(part)))
    except KeyError:
        return {}
    rels = {}
    for rel in root.iter(f"{{{_NS_PKG_REL}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        rels[rel.get("Id", "")] = (rel.get("Type", ""), _resolve(part, rel.get("Target", "")))
    return rels


def workbook_part(zf: zipfile.ZipFile) -> str:
    for rel_type, target in relationships(zf, "").values():
        if rel_type.endswith("/officeDocument"):
            return target
    return "xl/workbook.xml"


def sheet_part(zf: zipfile.ZipFile, name: str) -> str:
    """The zip member holding the worksheet called `name`."""
    book = workbook_part(zf)
    rels = relationships(zf, book)
    root = ElementTree.fromstring(zf.read(book))
    for sheet in root.iter(f"{{{_NS_MAIN}}}sheet"):
        if sheet.get("name") == name:
            rid = sheet.get(f"{{{_NS_REL}}}id", "")
            if rid in rels:
                return rels[rid][1]
    raise XlsxError(f"no worksheet part for sheet {name!r}")


def sheet_position(zf: zipfile.ZipFile, part: str) -> tuple[int, str] | None:
    """(0-based position among the workbook's sheets, name) of the worksheet held in `part`."""
    book = workbook_part(zf)
    rels = relationships(zf, book)
    root = ElementTree.fromstring(zf.read(book))
    for index, sheet in enumerate(root.iter(f"{{{_NS_MAIN}}}sheet")):
        rid = sheet.get(f"{{{_NS_REL}}}id", "")
        if rid in rels and rels[rid][1] == part:
            return index, sheet.get("name", "")
    return None


def styles_part(zf: zipfile.ZipFile) -> str | None:
    for rel_type, target in relationships(zf, workbook_part(zf)).values():
        if rel_type.endswith("/styles"):
            return target
    return None


_BUILTIN_FORMATS: Final = {0: "General", 1: "0", 49: "@"}


def number_formats(zf: zipfile.ZipFile) -> list[str]:
    """Cell style index -> number format code."""
    part = styles_part(zf)
    if part is None:
        return []
    root = ElementTree.fromstring(zf.read(part))
    custom = {
        int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iter(f"{{{_NS_MAIN}}}numFmt")
    }
    xfs = root.find(f"{{{_NS_MAIN}}}cellXfs")
    if xfs is None:
        return []
    out = []
    for xf in xfs.findall(f"{{{_NS_MAIN}}}xf"):
        fid = int(xf.get("numFmtId", "0"))
        out.append(custom.get(fid, _BUILTIN_FORMATS.get(fid, "")))
    return out


_ZERO_PAD = re.compile(r"^0{2,}$")


def zero_pad_widths(zf: zipfile.ZipFile, part: str, column: int) -> dict[int, int]:
    """Row -> width for the cells of `column` whose number format pads with zeros (`000000000000`)."""
    formats = number_formats(zf)
    padded = {i: len(code) for i, code in enumerate(formats) if _ZERO_PAD.match(code)}
    if not padded:
        return {}
    xml = zf.read(part).decode("utf-8")
    letter = column_letter(column)
    widths = {}
    for m in re.finditer(rf'<c\b[^>]*?\br="{letter}(\d+)"[^>]*>', xml):
        s = re.search(r'\bs="(\d+)"', m.group(0))
        if s and int(s.group(1)) in padded:
            widths[int(m.group(1))] = padded[int(s.group(1))]
    return widths


@functools.lru_cache(maxsize=8192)
def xml_text(text: str) -> str:
    """`text` escaped for XML character data, without characters XML 1.0 forbids."""
    text = _INVALID_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
