"""What a loaded sheet is, how a raw cell becomes clean text, and how the header is found and its fields mapped
(the rows under it become `Sheet.data` in `rows.py`).

Shared by the workbook reader (`loader.py`) and the CSV reader (`csvfile.py`).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from batchship.domain.codes import normalize_key
from batchship.errors import SheetError
from batchship.frames import Frame
from batchship.i18n import LANGS, Msg, t
from batchship.ooxml import parts as ooxml

#: The columns read. paymentDate (결제일, in Seller Center's order download) is only compared with the dispatch
#: date, for a warning.
FIELDS: Final = (
    "productOrderId",
    "deliveryMethod",
    "deliveryCompanyCode",
    "trackingNumber",
    "dispatchDate",
    "paymentDate",
)
REQUIRED_FIELDS: Final = ("productOrderId", "deliveryCompanyCode", "trackingNumber")
#: Fields for which the loader records whether the cell was a number cell (Excel truncation, serial dates).
NUMERIC_FLAGS: Final = ("productOrderId", "trackingNumber", "dispatchDate", "paymentDate")

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
        "paymentDate": ("결제일", "결제일시", "paymentDate", "payment_date"),
    }.items()
    for alias in aliases
}
RESULT_ALIASES: Final[dict[str, int]] = {
    normalize_key(t(f"header.{name}", lang)): i
    for lang in LANGS
    for i, name in enumerate(("result", "error_code", "error_message"))
}
#: How many rows from the top are searched for the header row.
HEADER_SCAN_ROWS: Final = 30
Kind = Literal["xlsx", "xls", "csv"]


@dataclass(frozen=True, slots=True)
class CsvFormat:
    """How a CSV file was written, so the result copy is written the same way.

    encoding: the Python codec name (`utf-8`, `cp949`, `utf-16`); bom: whether the file began with a BOM;
    delimiter: `,`, tab or `;`; newline: the line ending of the first line; one_line_rows: every row of the
    file is one line of its bytes (no quoted line breaks, not UTF-16), so the result copy may be written line
    by line from the bytes as they are; fields: how many cells every row but a blank line has, when the reader
    made sure of it (0: not known).
    """

    encoding: str
    bom: bool
    delimiter: str
    newline: str
    one_line_rows: bool = False
    fields: int = 0


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
    data: Frame
    content: bytes = field(repr=False)
    password: str | None = field(default=None, repr=False)
    csv: CsvFormat | None = None
    sheet_part: str | None = None


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


def clean(text: str) -> str:
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


# ---------------------------------------------------------------------------------------------------------
# Header


@dataclass(frozen=True, slots=True)
class Header:
    row: int  # 1-based
    texts: tuple[str, ...]
    columns: dict[str, int]
    result_columns: tuple[int, int, int] | None


def is_header(cells: Sequence[Any]) -> bool:
    return any(
        isinstance(c, str) and HEADER_ALIASES.get(normalize_key(c)) == "productOrderId" for c in cells if c
    )


def _parse_header(row_number: int, cells: Sequence[Any], where: Msg) -> Header:
    texts = tuple(clean(cell_text(c)[0]) for c in cells)
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
                Msg.of(
                    "file.duplicate_columns",
                    where=where,
                    row=row_number,
                    field=Msg.of(f"field.{name}"),
                    columns=", ".join(ooxml.column_letter(c) for c in cols),
                )
            )
    missing = [Msg.of(f"field.{f}") for f in REQUIRED_FIELDS if f not in found]
    if missing:
        raise SheetError(
            Msg.of(
                "file.missing_columns",
                where=where,
                row=row_number,
                missing=missing,
                found=", ".join(t for t in texts if t) or "-",
            )
        )
    result_columns = (results[0], results[1], results[2]) if len(results) == 3 else None
    return Header(row_number, texts, {k: v[0] for k, v in found.items()}, result_columns)


def find_header(
    rows: Iterator[tuple[int, Sequence[Any]]], where: Msg
) -> tuple[Header, Iterator[tuple[int, Sequence[Any]]]]:
    for scanned, (row_number, cells) in enumerate(rows, start=1):
        if is_header(cells):
            return _parse_header(row_number, cells, where), rows
        if scanned >= HEADER_SCAN_ROWS:
            break
    raise SheetError(Msg.of("file.no_header", where=where, scanned=HEADER_SCAN_ROWS))


def short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__
