"""Read a shipping sheet (xlsx, xlsm, xls, csv) into rows of text with their real spreadsheet row numbers.

What comes out is a `Sheet`: where the header row is, which column holds which field, and a `Frame` (numpy
arrays by column) with one row per order row of the sheet, every mapped cell as NFKC-normalised, trimmed text,
plus what the raw cell told us that text alone cannot (was it a number cell? a date cell? which zero-padded
format?). The rules in `domain/rules.py` decide what is valid; this module only reads, and raises `SheetError`
when it cannot.

Traps handled here (see shared/reference/API-FACTS.md): the notice paragraph above the header in Seller
Center's order download, Excel's 15 significant digits, numbers that lost their leading zeros, CP949 CSV,
UTF-8 CSV with a BOM, password-protected workbooks, and HTML pages saved with an .xls name.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np

from batchship.errors import SheetError
from batchship.frames import Frame
from batchship.i18n import Msg, os_reason
from batchship.ooxml import parts as ooxml
from batchship.sheets.csvfile import load_csv
from batchship.sheets.guards import LimitBreach, check_package, check_sheet, formula_blanks
from batchship.sheets.limits import DEFAULT_LIMITS, Limits
from batchship.sheets.rows import collect, rows_under
from batchship.sheets.table import Kind, Sheet, find_header, short

#: Sheets picked before the first one when present: Seller Center's bulk upload and order download.
PREFERRED_SHEETS: Final = ("발송처리", "발주발송관리")

EXCEL_SUFFIXES: Final = (".xlsx", ".xlsm", ".xls")
#: Text sheets, the delimiter sniffed: CSV, and Excel's "텍스트(탭으로 분리)" saved as .txt or .tsv.
TEXT_SUFFIXES: Final = (".csv", ".tsv", ".txt")
SUFFIXES: Final = (*EXCEL_SUFFIXES, *TEXT_SUFFIXES)

_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC: Final = b"PK\x03\x04"


def load_sheet(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    password: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Sheet:
    """Read `path` into a `Sheet`, or raise `SheetError` with a message that says what to do."""
    p = Path(path)
    content = _read_bytes(p, limits)
    suffix = p.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return load_csv(p, content, limits)
    if suffix not in EXCEL_SUFFIXES:
        raise SheetError(Msg.of("file.unsupported", path=p, ext=suffix or "?"))
    content, used_password = _decrypt_if_needed(p, content, password)
    if content.startswith(_ZIP_MAGIC):
        return _load_workbook(p, content, "xlsx", sheet, used_password, limits)
    if content.startswith(_OLE_MAGIC):
        return _load_workbook(p, content, "xls", sheet, used_password, limits)
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")) or b"<html" in head:
        raise SheetError(Msg.of("file.html_as_xls", path=p))
    raise SheetError(Msg.of("file.corrupt", path=p, reason="unknown format"))


def worksheet_names(path: str | os.PathLike[str], password: str | None = None) -> list[str]:
    """The worksheets of a workbook in order ([] for a text sheet): a face offers them to choose from."""
    p = Path(path)
    if p.suffix.lower() in TEXT_SUFFIXES:
        return []
    import python_calamine

    content, _ = _decrypt_if_needed(p, _read_bytes(p, DEFAULT_LIMITS), password)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        return [m.name for m in book.sheets_metadata if "Work" in str(m.typ)] or list(book.sheet_names)
    except BaseException as exc:  # calamine raises its own errors, and a Rust panic is a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        raise SheetError(Msg.of("file.corrupt", path=p, reason=short(exc))) from exc


def _read_bytes(p: Path, limits: Limits) -> bytes:
    if p.is_dir():
        raise SheetError(Msg.of("file.is_directory", path=p))
    try:
        size = p.stat().st_size
        if size > limits.max_file_bytes:
            mb = 1024 * 1024
            raise SheetError(
                Msg.of("file.too_big", path=p, size=size // mb, limit=limits.max_file_bytes // mb)
            )
        content = p.read_bytes()
    except FileNotFoundError as exc:
        raise SheetError(Msg.of("file.not_found", path=p)) from exc
    except OSError as exc:
        raise SheetError(Msg.of("file.unreadable", path=p, reason=os_reason(exc))) from exc
    if not content:
        raise SheetError(Msg.of("file.empty", path=p))
    return content


def _decrypt_if_needed(p: Path, content: bytes, password: str | None) -> tuple[bytes, str | None]:
    """Decrypt a password-protected workbook (always an OLE container) with `password`."""
    if not content.startswith(_OLE_MAGIC):
        return content, None
    import msoffcrypto
    import msoffcrypto.exceptions

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(content))
        encrypted = office.is_encrypted()
    except Exception as exc:  # a damaged OLE file: msoffcrypto raises many kinds
        raise SheetError(Msg.of("file.corrupt", path=p, reason=type(exc).__name__)) from exc
    if not encrypted:
        return content, None
    if not password:
        raise SheetError(Msg.of("file.protected", path=p))
    out = io.BytesIO()
    try:
        office.load_key(password=password, verify_password=True)
        office.decrypt(out)
    except (msoffcrypto.exceptions.InvalidKeyError, msoffcrypto.exceptions.DecryptionError) as exc:
        raise SheetError(Msg.of("file.wrong_password", path=p)) from exc
    except Exception as exc:
        raise SheetError(Msg.of("file.corrupt", path=p, reason=type(exc).__name__)) from exc
    return out.getvalue(), password


# ---------------------------------------------------------------------------------------------------------
# Workbooks


def _numbered(ws: Any) -> Iterator[tuple[int, Sequence[Any]]]:
    """A calamine worksheet's rows, numbered from 1 and padded on the left to start at column A."""
    start = ws.start
    if start is None:
        return iter(())
    col_offset = start[1]
    if not col_offset:  # the common case: no generator frame between calamine and the caller
        return enumerate(ws.iter_rows(), start=1)
    pad = [""] * col_offset
    return ((i, pad + list(cells)) for i, cells in enumerate(ws.iter_rows(), start=1))


def _refuse_unsaved_formulas(
    package: zipfile.ZipFile, part: str, header_row: int, columns: Mapping[str, int], where: Msg
) -> None:
    """Formulas whose results were never saved read as empty cells: say so instead of 'missing'."""
    cells = formula_blanks(package.read(part), set(columns.values()), header_row)
    if cells:
        shown = ", ".join(cells[:3]) + (f" ... ({len(cells):,})" if len(cells) > 3 else "")
        raise SheetError(Msg.of("file.formula_no_value", where=where, cells=shown))


def _pick_sheet(p: Path, names: Sequence[str], wanted: str | None) -> str:
    if not names:
        raise SheetError(Msg.of("file.no_sheets", path=p))
    if wanted is not None:
        if wanted in names:
            return wanted
        folded = {n.strip().casefold(): n for n in names}
        if wanted.strip().casefold() in folded:
            return folded[wanted.strip().casefold()]
        raise SheetError(Msg.of("file.sheet_not_found", path=p, sheet=wanted, available=", ".join(names)))
    for preferred in PREFERRED_SHEETS:
        if preferred in names:
            return preferred
    return names[0]


def _load_workbook(
    p: Path, content: bytes, kind: Kind, wanted: str | None, password: str | None, limits: Limits
) -> Sheet:
    import python_calamine

    package = None
    where = Msg.of("where.sheet", file=p.name, sheet=wanted or "")
    try:
        if kind == "xlsx":
            package = zipfile.ZipFile(io.BytesIO(content))
            check_package(package, limits)  # before the reader inflates anything
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = [m.name for m in book.sheets_metadata if "Work" in str(m.typ)] or list(book.sheet_names)
        name = _pick_sheet(p, names, wanted)
        where = Msg.of("where.sheet", file=p.name, sheet=name)
        part, formulas = "", False
        if package is not None:
            part = ooxml.sheet_part(package, name)
            formulas = check_sheet(package, part, limits)  # before it allocates the range
        header, rest = find_header(_numbered(book.get_sheet_by_name(name)), where)
        if formulas and package is not None:  # read again only for a sheet that has formulas at all
            _refuse_unsaved_formulas(package, part, header.row, header.columns, where)
        frame, last_column = collect(header, rows_under(header, rest, where, limits), where, limits)
    except SheetError:
        if package is not None:
            package.close()
        raise
    except LimitBreach as exc:
        raise SheetError(Msg.of(f"file.{exc.key}", path=p, where=where, **exc.values)) from exc
    except BaseException as exc:  # calamine raises its own errors, and a Rust panic is a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        raise SheetError(Msg.of("file.corrupt", path=p, reason=short(exc))) from exc

    sheet_part = None
    if kind == "xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                sheet_part = ooxml.sheet_part(zf, name)
                if frame["trackingNumber_numeric"].any():
                    _repad_tracking(frame, zf, sheet_part, header.columns["trackingNumber"])
        except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError, ooxml.XlsxError) as exc:
            raise SheetError(Msg.of("file.corrupt", path=p, reason=short(exc))) from exc
    return Sheet(
        path=p,
        kind=kind,
        sheet_name=name,
        header_row=header.row,
        headers=header.texts,
        columns=header.columns,
        result_columns=header.result_columns,
        last_column=last_column,
        data=frame,
        content=content,
        password=password,
        sheet_part=sheet_part,
    )


def _repad_tracking(frame: Frame, zf: zipfile.ZipFile, part: str, column: int) -> None:
    """Give numeric tracking cells back the leading zeros their zero-padded number format shows."""
    widths = ooxml.zero_pad_widths(zf, part, column)
    if not widths:
        return
    texts = frame["trackingNumber"].tolist()
    numbers, flags = frame["row"].tolist(), frame["trackingNumber_numeric"].tolist()
    for i, (row, numeric) in enumerate(zip(numbers, flags, strict=True)):
        width = widths.get(int(row))
        text = str(texts[i])
        if numeric and width and text.isdigit() and len(text) < width:
            texts[i] = text.zfill(width)
    frame["trackingNumber"] = np.array(texts, dtype=object)
