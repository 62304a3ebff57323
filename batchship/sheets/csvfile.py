"""CSV (and Korean Excel's CSV flavours): the encoding detected, never guessed; the delimiter sniffed by finding
the header; line length bounded before parsing."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from batchship.errors import SheetError
from batchship.i18n import Msg
from batchship.sheets.limits import Limits
from batchship.sheets.table import HEADER_SCAN_ROWS, CsvFormat, Sheet, collect, find_header, is_header, short


def detect_csv_encoding(content: bytes, p: Path) -> tuple[str, bool]:
    """The codec of a CSV: UTF-8 (BOM or not), UTF-16 with a BOM, or CP949; never a silent guess."""
    if content.startswith(b"\xef\xbb\xbf"):
        encoding, bom = "utf-8", True
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, bom = "utf-16", True
    else:
        encoding, bom = "", False
    if not encoding and b"\x00" in content:
        raise SheetError(Msg.of("file.not_text_csv", path=p))
    tried: list[str] = []
    for candidate in [encoding] if encoding else ["utf-8", "cp949"]:
        try:
            content.decode(candidate)
        except UnicodeDecodeError as exc:
            tried.append(f"{candidate}: byte {exc.start}")
            continue
        if candidate == "cp949":
            _refuse_mixed(content, p)
        return candidate, bom
    _refuse_mixed(content, p)  # lines of each kind: say so, rather than "unknown"
    raise SheetError(Msg.of("file.encoding", path=p, detail="; ".join(tried)))


def _refuse_mixed(content: bytes, p: Path) -> None:
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
                Msg.of("file.mixed_encoding", path=p, utf8_line=utf8_line, cp949_line=cp949_line)
            )


def decode_csv(content: bytes, encoding: str) -> str:
    """The text of a CSV in `encoding`, without its byte-order mark."""
    text = content.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


def text_stream(content: bytes, encoding: str) -> io.TextIOWrapper:
    """The text of a CSV in `encoding`, without its byte-order mark, decoded as it is read: a large file is
    not held a second time as one string (`content` must decode: `detect_csv_encoding` made sure)."""
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    return io.TextIOWrapper(io.BytesIO(content), encoding=codec, newline="")


def _sniff_delimiter(text: str) -> str:
    """The delimiter under which some early row holds the product-order-number header (else a comma)."""
    end = -1
    for _ in range(HEADER_SCAN_ROWS):  # the text up to the last line searched, not every line of the file
        end = text.find("\n", end + 1)
        if end < 0:
            end = len(text)
            break
    head = "\n".join(text[:end].splitlines()[:HEADER_SCAN_ROWS])
    best, best_cells = ",", 0
    for delimiter in (",", "\t", ";"):
        try:
            for cells in csv.reader(io.StringIO(head), delimiter=delimiter):
                if is_header(cells) and len(cells) > best_cells:
                    best, best_cells = delimiter, len(cells)
                    break
        except csv.Error:  # a field too large for this reading: not the delimiter
            continue
    return best


def load_csv(p: Path, content: bytes, limits: Limits) -> Sheet:
    encoding, bom = detect_csv_encoding(content, p)
    text = decode_csv(content, encoding)
    if "\x00" in text:
        raise SheetError(Msg.of("file.not_text_csv", path=p))
    too_long = re.search(f"[^\n]{{{limits.max_line_chars + 1}}}", text)
    if too_long:
        line = text.count("\n", 0, too_long.start()) + 1
        raise SheetError(Msg.of("file.line_too_long", path=p, line=line, limit=limits.max_line_chars))
    delimiter = _sniff_delimiter(text)
    first_break = text.find("\n")
    newline = "\r\n" if first_break > 0 and text[first_break - 1] == "\r" else "\n"
    del text  # the rows are read from the bytes, decoded as they come
    where = Msg.of("where.csv", file=p.name)
    try:
        reader = csv.reader(text_stream(content, encoding), delimiter=delimiter, strict=False)
        rows = ((i, cells) for i, cells in enumerate(reader, start=1))
        header, rest = find_header(rows, where)
        frame, last_column = collect(header, rest, where, limits)
    except csv.Error as exc:
        raise SheetError(Msg.of("file.csv_unreadable", path=p, reason=short(exc))) from exc
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
