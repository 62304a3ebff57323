"""Read a shipping sheet (xlsx, xlsm, xls, csv) into rows of text with their real spreadsheet row numbers.

What comes out is a `Sheet`: where the header row is, which column holds which field, and a DataFrame with
one row per order row of the sheet, every mapped cell as NFKC-normalised, trimmed text, plus what the raw cell
told us that text alone cannot (was it a number cell? a date cell? which zero-padded format?). The rules in
`rules.py` decide what is valid; this module only reads, and raises `SheetError` when it cannot.

Traps handled here (see shared/reference/API-FACTS.md): the notice paragraph above the header in Seller
Center's order download, Excel's 15 significant digits, numbers that lost their leading zeros, CP949 CSV,
UTF-8 CSV with a BOM, password-protected workbooks, and HTML pages saved with an .xls name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import pandas as pd

from batchship import xlsx
from batchship.codes import normalize_key
from batchship.errors import SheetError
from batchship.limits import DEFAULT_LIMITS, Limits
from batchship.messages import FIELD_LABELS, RESULT_HEADERS, SUMMARY, Lang, file_error

FIELDS: Final = ("productOrderId", "deliveryMethod", "deliveryCompanyCode", "trackingNumber", "dispatchDate")
REQUIRED_FIELDS: Final = ("productOrderId", "deliveryCompanyCode", "trackingNumber")
#: Fields for which the loader records whether the cell was a number cell (Excel truncation, serial dates).
NUMERIC_FLAGS: Final = ("productOrderId", "trackingNumber", "dispatchDate")

HEADER_ALIASES: Final[dict[str, str]] = {
    normalize_key(alias): name
    for name, aliases in {
        "productOrderId": ("상품주문번호", "productOrderId", "product_order_id"),
        "deliveryMethod": ("배송방법", "deliveryMethod", "delivery_method"),
        "deliveryCompanyCode": (
            "택배사",
            "택배사코드",
            "deliveryCompanyCode",
            "delivery_company_code",
            "deliveryCompany",
        ),
        "trackingNumber": ("송장번호", "운송장번호", "trackingNumber", "tracking_number"),
        "dispatchDate": ("발송일", "발송일시", "배송일", "dispatchDate", "dispatch_date"),
    }.items()
    for alias in aliases
}
RESULT_ALIASES: Final[dict[str, int]] = {
    normalize_key(text): i for headers in RESULT_HEADERS.values() for i, text in enumerate(headers)
}
#: How many rows from the top are searched for the header row.
HEADER_SCAN_ROWS: Final = 30
#: Sheets picked before the first one when present: Seller Center's bulk upload and order download.
PREFERRED_SHEETS: Final = ("발송처리", "발주발송관리")

EXCEL_SUFFIXES: Final = (".xlsx", ".xlsm", ".xls")
SUFFIXES: Final = (*EXCEL_SUFFIXES, ".csv")

_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC: Final = b"PK\x03\x04"

Kind = Literal["xlsx", "xls", "csv"]


@dataclass(frozen=True, slots=True)
class CsvFormat:
    """How a CSV file was written, so the result copy is written the same way.

    encoding: the Python codec name (`utf-8`, `cp949`, `utf-16`); bom: whether the file began with a BOM;
    delimiter: `,`, tab or `;`; newline: the line ending of the first line.
    """

    encoding: str
    bom: bool
    delimiter: str
    newline: str


@dataclass(frozen=True, slots=True)
class Sheet:
    """A loaded shipping sheet.

    path: the input file; kind: xlsx (also xlsm), xls or csv; sheet_name: the worksheet read ('' for CSV);
    header_row: 1-based spreadsheet row of the header; headers: the header row's texts; columns: field name ->
    0-based column index; result_columns: where earlier result columns are (a result file fed back), if any;
    last_column: 0-based index of the last column holding anything in the header or data rows;
    data: one row per order row, columns `row` (1-based spreadsheet row) and, for each field, its text, plus
    `productOrderId_numeric`, `trackingNumber_numeric`, `dispatchDate_numeric` (the cell was a number cell);
    content: the file's bytes (decrypted when it was protected); password: the password that opened it;
    csv: how a CSV was written.
    """

    path: Path
    kind: Kind
    sheet_name: str
    header_row: int
    headers: tuple[str, ...]
    columns: Mapping[str, int]
    result_columns: tuple[int, int, int] | None
    last_column: int
    data: pd.DataFrame
    content: bytes = field(repr=False)
    password: str | None = field(default=None, repr=False)
    csv: CsvFormat | None = None
    sheet_part: str | None = None


def load_sheet(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    password: str | None = None,
    lang: Lang = "ko",
    limits: Limits = DEFAULT_LIMITS,
) -> Sheet:
    """Read `path` into a `Sheet`, or raise `SheetError` with a message that says what to do."""
    p = Path(path)
    content = _read_bytes(p, lang, limits)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return _load_csv(p, content, lang, limits)
    if suffix not in EXCEL_SUFFIXES:
        raise SheetError(file_error("unsupported", lang, path=p, ext=suffix or "?"))
    content, used_password = _decrypt_if_needed(p, content, password, lang)
    if content.startswith(_ZIP_MAGIC):
        return _load_workbook(p, content, "xlsx", sheet, used_password, lang, limits)
    if content.startswith(_OLE_MAGIC):
        return _load_workbook(p, content, "xls", sheet, used_password, lang, limits)
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")) or b"<html" in head:
        raise SheetError(file_error("html_as_xls", lang, path=p))
    raise SheetError(file_error("corrupt", lang, path=p, reason="unknown format"))


def _read_bytes(p: Path, lang: Lang, limits: Limits) -> bytes:
    if p.is_dir():
        raise SheetError(file_error("is_directory", lang, path=p))
    try:
        size = p.stat().st_size
        if size > limits.max_file_bytes:
            mb = 1024 * 1024
            raise SheetError(
                file_error("too_big", lang, path=p, size=size // mb, limit=limits.max_file_bytes // mb)
            )
        content = p.read_bytes()
    except FileNotFoundError as exc:
        raise SheetError(file_error("not_found", lang, path=p)) from exc
    except OSError as exc:
        raise SheetError(file_error("unreadable", lang, path=p, reason=exc.strerror or exc)) from exc
    if not content:
        raise SheetError(file_error("empty", lang, path=p))
    return content


def _decrypt_if_needed(p: Path, content: bytes, password: str | None, lang: Lang) -> tuple[bytes, str | None]:
    """Decrypt a password-protected workbook (always an OLE container) with `password`."""
    if not content.startswith(_OLE_MAGIC):
        return content, None
    import msoffcrypto
    import msoffcrypto.exceptions

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(content))
        encrypted = office.is_encrypted()
    except Exception as exc:  # a damaged OLE file: msoffcrypto raises many kinds
        raise SheetError(file_error("corrupt", lang, path=p, reason=type(exc).__name__)) from exc
    if not encrypted:
        return content, None
    if not password:
        raise SheetError(file_error("protected", lang, path=p))
    out = io.BytesIO()
    try:
        office.load_key(password=password, verify_password=True)
        office.decrypt(out)
    except (msoffcrypto.exceptions.InvalidKeyError, msoffcrypto.exceptions.DecryptionError) as exc:
        raise SheetError(file_error("wrong_password", lang, path=p)) from exc
    except Exception as exc:
        raise SheetError(file_error("corrupt", lang, path=p, reason=type(exc).__name__)) from exc
    return out.getvalue(), password


# ---------------------------------------------------------------------------------------------------------
# Cells to text


def cell_text(value: Any) -> tuple[str, bool]:
    """A cell as text, and whether it was a number cell."""
    if isinstance(value, str):
        return value, False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value)), True
        return repr(value), True
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S"), False
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d"), False
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S"), False
    if value is None:
        return "", False
    return str(value), False


def _clean(text: str) -> str:
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


# ---------------------------------------------------------------------------------------------------------
# Header


@dataclass(frozen=True, slots=True)
class _Header:
    row: int  # 1-based
    texts: tuple[str, ...]
    columns: dict[str, int]
    result_columns: tuple[int, int, int] | None


def _is_header(cells: Sequence[Any]) -> bool:
    return any(
        isinstance(c, str) and HEADER_ALIASES.get(normalize_key(c)) == "productOrderId" for c in cells if c
    )


def _parse_header(row_number: int, cells: Sequence[Any], where: str, lang: Lang) -> _Header:
    texts = tuple(_clean(cell_text(c)[0]) for c in cells)
    while texts and not texts[-1]:
        texts = texts[:-1]
    found: dict[str, list[int]] = {}
    results: dict[int, int] = {}
    for i, text in enumerate(texts):
        key = normalize_key(text)
        if key in HEADER_ALIASES:
            found.setdefault(HEADER_ALIASES[key], []).append(i)
        elif key in RESULT_ALIASES:
            results.setdefault(RESULT_ALIASES[key], i)
    for name, cols in found.items():
        if len(cols) > 1:
            raise SheetError(
                file_error(
                    "duplicate_columns",
                    lang,
                    where=where,
                    row=row_number,
                    field=FIELD_LABELS[name][lang],
                    columns=", ".join(xlsx.column_letter(c) for c in cols),
                )
            )
    missing = [FIELD_LABELS[f][lang] for f in REQUIRED_FIELDS if f not in found]
    if missing:
        raise SheetError(
            file_error(
                "missing_columns",
                lang,
                where=where,
                row=row_number,
                missing=", ".join(missing),
                found=", ".join(t for t in texts if t) or "-",
            )
        )
    result_columns = (results[0], results[1], results[2]) if len(results) == 3 else None
    return _Header(row_number, texts, {k: v[0] for k, v in found.items()}, result_columns)


def _find_header(
    rows: Iterator[tuple[int, Sequence[Any]]], where: str, lang: Lang
) -> tuple[_Header, Iterator[tuple[int, Sequence[Any]]]]:
    for scanned, (row_number, cells) in enumerate(rows, start=1):
        if _is_header(cells):
            return _parse_header(row_number, cells, where, lang), rows
        if scanned >= HEADER_SCAN_ROWS:
            break
    raise SheetError(file_error("no_header", lang, where=where, scanned=HEADER_SCAN_ROWS))


# ---------------------------------------------------------------------------------------------------------
# Data rows


def _cell(raw: Any) -> tuple[str, bool]:
    """A raw cell as cleaned text, and whether it was a number cell."""
    if raw.__class__ is str:
        return (raw.strip() if raw.isascii() else _clean(raw)) if raw else "", False
    text, is_number = cell_text(raw)
    return (_clean(text) if text else ""), is_number


def _collect(
    header: _Header,
    rows: Iterable[tuple[int, Sequence[Any]]],
    where: str,
    lang: Lang,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[pd.DataFrame, int]:
    """Turn the rows under the header into the DataFrame `Sheet.data` describes.

    Works column by column: the raw cells of the mapped columns are gathered first, then each column is turned
    into text in one pass (much faster than cell by cell in a nested loop on large sheets).
    """
    cols = header.columns
    present = [name for name in FIELDS if name in cols]
    indexes = [cols[name] for name in present]
    last_column = max(len(header.texts) - 1, max(cols.values()))
    row_numbers: list[int] = []
    raw_rows: list[list[Any]] = []
    for row_number, cells in rows:
        n = len(cells)
        raw = [cells[c] if c < n else "" for c in indexes]
        if not any(v not in ("", None) for v in raw):
            continue
        for i in range(n - 1, last_column, -1):
            if cells[i] not in ("", None):
                last_column = i
                break
        row_numbers.append(row_number)
        raw_rows.append(raw)
        if len(row_numbers) > limits.max_rows:
            raise SheetError(
                file_error("too_many_rows", lang, where=where, rows=f"{row_number}+", limit=limits.max_rows)
            )
    data: dict[str, Any] = {"row": row_numbers}
    for position, name in enumerate(present):
        cells_of = [_cell(r[position]) for r in raw_rows]
        data[name] = [t for t, _ in cells_of]
        longest = max(range(len(cells_of)), key=lambda i: len(cells_of[i][0]), default=None)
        if longest is not None and len(cells_of[longest][0]) > limits.max_cell_chars:
            raise SheetError(
                file_error(
                    "cell_too_long",
                    lang,
                    where=where,
                    row=row_numbers[longest],
                    column=xlsx.column_letter(cols[name]),
                    length=len(cells_of[longest][0]),
                    limit=limits.max_cell_chars,
                )
            )
        if name in NUMERIC_FLAGS:
            data[f"{name}_numeric"] = [f for _, f in cells_of]
    keep = [i for i in range(len(row_numbers)) if any(data[name][i] for name in present)]
    if len(keep) != len(row_numbers):  # rows whose cells held only spaces are blank too
        for key in list(data):
            data[key] = [data[key][i] for i in keep]
    count = len(data["row"])
    if not count:
        raise SheetError(file_error("no_rows", lang, where=where, row=header.row))
    for name in FIELDS:
        data.setdefault(name, [""] * count)
    for name in NUMERIC_FLAGS:
        data.setdefault(f"{name}_numeric", [False] * count)
    frame = pd.DataFrame(data)
    for name in FIELDS:
        frame[name] = frame[name].astype(object)
    return frame, last_column


# ---------------------------------------------------------------------------------------------------------
# Workbooks


def _pick_sheet(p: Path, names: Sequence[str], wanted: str | None, lang: Lang) -> str:
    if not names:
        raise SheetError(file_error("no_sheets", lang, path=p))
    if wanted is not None:
        if wanted in names:
            return wanted
        folded = {n.strip().casefold(): n for n in names}
        if wanted.strip().casefold() in folded:
            return folded[wanted.strip().casefold()]
        raise SheetError(
            file_error("sheet_not_found", lang, path=p, sheet=wanted, available=", ".join(names))
        )
    for preferred in PREFERRED_SHEETS:
        if preferred in names:
            return preferred
    return names[0]


def _load_workbook(
    p: Path, content: bytes, kind: Kind, wanted: str | None, password: str | None, lang: Lang, limits: Limits
) -> Sheet:
    import python_calamine

    package = None
    where = SUMMARY[lang]["where"].format(file=p.name, sheet=wanted or "")
    try:
        if kind == "xlsx":
            package = zipfile.ZipFile(io.BytesIO(content))
            xlsx.check_package(package, limits)  # before the reader inflates anything
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = [m.name for m in book.sheets_metadata if "Work" in str(m.typ)] or list(book.sheet_names)
        name = _pick_sheet(p, names, wanted, lang)
        where = SUMMARY[lang]["where"].format(file=p.name, sheet=name)
        if package is not None:
            xlsx.check_sheet(package, xlsx.sheet_part(package, name), limits)  # before it allocates the range
        ws = book.get_sheet_by_name(name)
        start = ws.start
        col_offset = start[1] if start else 0

        def numbered() -> Iterator[tuple[int, Sequence[Any]]]:
            if start is None:
                return
            for i, cells in enumerate(ws.iter_rows(), start=1):
                yield i, ([""] * col_offset + list(cells)) if col_offset else cells

        where = SUMMARY[lang]["where"].format(file=p.name, sheet=name)
        header, rest = _find_header(numbered(), where, lang)
        frame, last_column = _collect(header, rest, where, lang, limits)
    except SheetError:
        if package is not None:
            package.close()
        raise
    except xlsx.LimitBreach as exc:
        raise SheetError(file_error(exc.key, lang, path=p, where=where, **exc.values)) from exc
    except BaseException as exc:  # calamine raises its own errors, and a Rust panic is a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        raise SheetError(file_error("corrupt", lang, path=p, reason=_short(exc))) from exc

    sheet_part = None
    if kind == "xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                sheet_part = xlsx.sheet_part(zf, name)
                if frame["trackingNumber_numeric"].any():
                    _repad_tracking(frame, zf, sheet_part, header.columns["trackingNumber"])
        except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError, xlsx.XlsxError) as exc:
            raise SheetError(file_error("corrupt", lang, path=p, reason=_short(exc))) from exc
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


def _repad_tracking(frame: pd.DataFrame, zf: zipfile.ZipFile, part: str, column: int) -> None:
    """Give numeric tracking cells back the leading zeros their zero-padded number format shows."""
    widths = xlsx.zero_pad_widths(zf, part, column)
    if not widths:
        return
    texts = frame["trackingNumber"].tolist()
    for i, (row, numeric) in enumerate(zip(frame["row"], frame["trackingNumber_numeric"], strict=True)):
        width = widths.get(int(row))
        text = str(texts[i])
        if numeric and width and text.isdigit() and len(text) < width:
            texts[i] = text.zfill(width)
    frame["trackingNumber"] = pd.Series(texts, index=frame.index, dtype=object)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


# ---------------------------------------------------------------------------------------------------------
# CSV


def detect_csv_encoding(content: bytes, p: Path, lang: Lang) -> tuple[str, bool]:
    """The codec of a CSV: UTF-8 (BOM or not), UTF-16 with a BOM, or CP949; never a silent guess."""
    if content.startswith(b"\xef\xbb\xbf"):
        encoding, bom = "utf-8", True
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, bom = "utf-16", True
    else:
        encoding, bom = "", False
    if not encoding and b"\x00" in content:
        raise SheetError(file_error("not_text_csv", lang, path=p))
    tried: list[str] = []
    for candidate in [encoding] if encoding else ["utf-8", "cp949"]:
        try:
            content.decode(candidate)
        except UnicodeDecodeError as exc:
            tried.append(f"{candidate}: byte {exc.start}")
            continue
        if candidate == "cp949":
            _refuse_mixed(content, p, lang)
        return candidate, bom
    _refuse_mixed(content, p, lang)  # lines of each kind: say so, rather than "unknown"
    raise SheetError(file_error("encoding", lang, path=p, detail="; ".join(tried)))


def _refuse_mixed(content: bytes, p: Path, lang: Lang) -> None:
    """Refuse a file whose lines are partly UTF-8 and partly CP949 (pasted together from two sources): read as
    one or the other, part of it would become plausible-looking nonsense."""
    utf8_line = cp949_line = 0
    for number, line in enumerate(content.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line.decode("cp949")
            except UnicodeDecodeError:
                return  # neither: not a mix of the two
            cp949_line = cp949_line or number
        else:
            utf8_line = utf8_line or number
        if utf8_line and cp949_line:
            raise SheetError(
                file_error("mixed_encoding", lang, path=p, utf8_line=utf8_line, cp949_line=cp949_line)
            )


def decode_csv(content: bytes, encoding: str, bom: bool) -> str:
    text = content.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


def _sniff_delimiter(text: str) -> str:
    """The delimiter under which some early row holds the product-order-number header (else a comma)."""
    head = "\n".join(text.splitlines()[:HEADER_SCAN_ROWS])
    best, best_cells = ",", 0
    for delimiter in (",", "\t", ";"):
        try:
            for cells in csv.reader(io.StringIO(head), delimiter=delimiter):
                if _is_header(cells) and len(cells) > best_cells:
                    best, best_cells = delimiter, len(cells)
                    break
        except csv.Error:  # a field too large for this reading: not the delimiter
            continue
    return best


def _load_csv(p: Path, content: bytes, lang: Lang, limits: Limits) -> Sheet:
    encoding, bom = detect_csv_encoding(content, p, lang)
    text = decode_csv(content, encoding, bom)
    if "\x00" in text:
        raise SheetError(file_error("not_text_csv", lang, path=p))
    too_long = re.search(f"[^\n]{{{limits.max_line_chars + 1}}}", text)
    if too_long:
        line = text.count("\n", 0, too_long.start()) + 1
        raise SheetError(file_error("line_too_long", lang, path=p, line=line, limit=limits.max_line_chars))
    delimiter = _sniff_delimiter(text)
    first_break = text.find("\n")
    newline = "\r\n" if first_break > 0 and text[first_break - 1] == "\r" else "\n"
    where = SUMMARY[lang]["where_csv"].format(file=p.name)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        rows = ((i, cells) for i, cells in enumerate(reader, start=1))
        header, rest = _find_header(rows, where, lang)
        frame, last_column = _collect(header, rest, where, lang, limits)
    except csv.Error as exc:
        raise SheetError(file_error("csv_unreadable", lang, path=p, reason=_short(exc))) from exc
    return Sheet(
        path=p,
        kind="csv",
        sheet_name="",
        header_row=header.row,
        headers=header.texts,
        columns=header.columns,
        result_columns=header.result_columns,
        last_column=last_column,
        data=frame,
        content=content,
        csv=CsvFormat(encoding=encoding, bom=bom, delimiter=delimiter, newline=newline),
    )
