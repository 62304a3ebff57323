"""Limits checked before any part of an xlsx is handed to the reader: zip bombs, parts lying about their size,
and a used range the reader could not hold (see `limits.py`)."""

from __future__ import annotations

import re
import zipfile
from typing import Final
from xml.parsers import expat
from zlib import error as zlib_error

from batchship.ooxml.parts import XlsxError, column_index, column_letter
from batchship.sheets.limits import Limits


class LimitBreach(XlsxError):
    """A limit of `sheets.limits.Limits` was breached; `key` names the message, `values` fill it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


_MB: Final = 1024 * 1024


def check_package(zf: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse zip bombs: too much unpacked in all, a part inflating far beyond its packed size, or a part that
    does not unpack to the size it declares. Every part is inflated once, in chunks, with a running cap."""
    infos = zf.infolist()
    if sum(i.file_size for i in infos) > limits.max_unpacked_bytes:
        raise LimitBreach("unpacked_too_big", limit=limits.max_unpacked_bytes // _MB)
    total = 0
    for info in infos:
        if info.file_size > _MB and info.file_size > limits.max_ratio * max(1, info.compress_size):
            raise LimitBreach(
                "zip_bomb", part=info.filename, ratio=info.file_size / max(1, info.compress_size)
            )
        seen = 0
        try:
            with zf.open(info) as fh:
                while chunk := fh.read(_MB):
                    seen += len(chunk)
                    total += len(chunk)
                    if seen > info.file_size:
                        raise LimitBreach("size_lies", part=info.filename)
                    if total > limits.max_unpacked_bytes:
                        raise LimitBreach("unpacked_too_big", limit=limits.max_unpacked_bytes // _MB)
        except (zipfile.BadZipFile, EOFError, zlib_error) as exc:
            raise LimitBreach("size_lies", part=info.filename) from exc
        if seen != info.file_size:
            raise LimitBreach("size_lies", part=info.filename)


#: The usual way of writing rows and cells, as Excel and every library write them: the reference first.
_ROW_NUMBERS = re.compile(rb'<row r="(\d+)"')
#: Cell references with two or three letters (column AA and beyond).
_WIDE_COLUMNS = re.compile(rb'<c r="([A-Z]{2,3})\d')
#: Anything the fast scan could misread (each a search at C speed): a cell or row whose first attribute is not
#: `r="` after one space; a prefixed cell or row (`<x:row>`; Excel's own `<x14:...>` extensions are other
#: tags); a declaration or comment (`<!`); a character reference in a cell's reference.
_UNUSUAL: Final = (
    re.compile(rb'<c(?=[\s>/])(?! r=")'),
    re.compile(rb'<row(?=[\s>/])(?! r=")'),
    re.compile(rb":(?:c|row)[\s>/]"),
)
_ODD_REFERENCE = re.compile(rb'<c r="[^"&]*&')


def _usual(xml: bytes) -> bool:
    """Whether every row and cell carries its reference first, written ` r="..."` without character
    references, with no prefixed cells or rows and no declarations: then the fast scan sees every reference."""
    if b"<!" in xml or any(pattern.search(xml) for pattern in _UNUSUAL):
        return False
    return b"&" not in xml or not _ODD_REFERENCE.search(xml)


def sheet_extent(xml: bytes) -> tuple[int, int]:
    """(last row, last column) a worksheet's cells reach, 1-based, or more: the rectangle a reader will
    allocate. The usual sheet is scanned fast (columns A to Z are not told apart: 26 stands for them);
    anything else is read by a real XML parser (`_parsed_extent`), so that no way of writing a far cell goes
    unseen."""
    if not _usual(xml):
        return _parsed_extent(xml)
    last_row = max(map(int, _ROW_NUMBERS.findall(xml)), default=0)
    # A cell may name a row below the one it sits in (the reader believes the cell). Only cells whose row
    # has at least as many digits as the last row's can name a later one: those few are read.
    digits = len(str(last_row)) if last_row else 1
    far = re.findall(rb'<c r="[A-Z]{1,3}(\d{%d,})"' % digits, xml)
    last_row = max(last_row, *map(int, far)) if far else last_row
    wide = set(_WIDE_COLUMNS.findall(xml))
    last_col = max((column_index(c.decode()) + 1 for c in wide), default=26)
    return last_row, last_col


_REF: Final = re.compile(r"^([A-Z]{1,3})(\d*)$")


def _parsed_extent(xml: bytes) -> tuple[int, int]:
    """The extent as an XML parser sees it: any namespace prefix, quoting or character reference; a row or
    cell without a reference follows the one before it. A document type declaration is refused (no worksheet
    has one, and entities could hide what a cell says)."""
    state = {"row": 0, "col": 0, "last_row": 0, "last_col": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "row":
            r = attrs.get("r", "")
            state["row"] = int(r) if r.isdigit() else state["row"] + 1
            state["col"] = 0
        elif local == "c":
            match = _REF.match(attrs.get("r", "").strip().upper())
            if match:
                state["col"] = column_index(match.group(1)) + 1
                if match.group(2):
                    state["row"] = max(state["row"], int(match.group(2)))
            else:
                state["col"] += 1
            state["last_col"] = max(state["last_col"], state["col"])
        state["last_row"] = max(state["last_row"], state["row"])

    def refuse(*_: object) -> None:
        raise LimitBreach("declaration")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise LimitBreach("not_xml", error=expat.ErrorString(exc.code)) from exc
    return state["last_row"], max(state["last_col"], 1)


#: A cell holding a formula and no saved result (`<f>...</f>` and nothing, or an empty `<v/>`, before `</c>`):
#: a file written by a program and never opened in Excel. The reader sees an empty cell.
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"[^>]*>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>'
)


def formula_blanks(xml: bytes, columns: set[int], below: int) -> list[str]:
    """The cells of `columns` (0-based) below row `below` that hold a formula without a saved result, as
    references (`D5`), in sheet order. Only searched when the sheet has formulas at all."""
    if b"<f" not in xml:
        return []
    found = []
    for letters, digits in _FORMULA_NO_VALUE.findall(xml):
        if int(digits) > below and column_index(letters.decode()) in columns:
            found.append(f"{letters.decode()}{int(digits)}")
    return found


def check_sheet(zf: zipfile.ZipFile, part: str, limits: Limits) -> bool:
    """Refuse a worksheet whose used rectangle the reader could not hold (a stray cell at XFD1048576). Returns
    whether it holds formulas (so that `formula_blanks` need not read it again when it does not)."""
    xml = zf.read(part)
    last_row, last_col = sheet_extent(xml)
    if last_row * last_col > limits.max_cells:
        raise LimitBreach(
            "too_wide",
            last=f"{column_letter(last_col - 1)}{last_row}",
            cells=last_row * last_col,
            limit=limits.max_cells,
        )
    if last_row > limits.max_rows + 100:  # a header and a notice above the rows are fine
        raise LimitBreach("too_many_rows", rows=last_row, limit=limits.max_rows)
    return b"<f" in xml
