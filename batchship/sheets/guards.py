"""Limits checked before any part of an xlsx is handed to the reader: zip bombs, parts lying about their size,
and a used range the reader could not hold (see `limits.py`)."""

from __future__ import annotations

import re
import zipfile
from typing import Final
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


_ROW_NUMBERS = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
#: Cell references with two or three letters (column AA and beyond); "r=" after white space is a cell's
#: reference wherever it stands among the attributes (rows carry digits only, `ref=` does not match).
_WIDE_COLUMNS = re.compile(rb'\sr="([A-Z]{2,3})\d')


def sheet_extent(xml: bytes) -> tuple[int, int]:
    """(last row, last column) a worksheet's cells reach, 1-based, or more: the rectangle a reader will
    allocate. Columns A to Z are not scanned one by one (26 stands for them), which keeps this fast on the
    usual narrow sheets."""
    rows = _ROW_NUMBERS.findall(xml)
    last_row = max((int(r) for r in set(rows)), default=0)
    if not last_row:
        last_row = xml.count(b"<row")
    wide = set(_WIDE_COLUMNS.findall(xml))
    last_col = max((column_index(c.decode()) + 1 for c in wide), default=26)
    return last_row, last_col


def check_sheet(zf: zipfile.ZipFile, part: str, limits: Limits) -> None:
    """Refuse a worksheet whose used rectangle the reader could not hold (a stray cell at XFD1048576)."""
    last_row, last_col = sheet_extent(zf.read(part))
    if last_row * last_col > limits.max_cells:
        raise LimitBreach(
            "too_wide",
            last=f"{column_letter(last_col - 1)}{last_row}",
            cells=last_row * last_col,
            limit=limits.max_cells,
        )
    if last_row > limits.max_rows + 100:  # a header and a notice above the rows are fine
        raise LimitBreach("too_many_rows", rows=last_row, limit=limits.max_rows)
