"""CSV (and Korean Excel's CSV flavours): the encoding detected, never guessed; the delimiter sniffed by finding
the header; line length bounded before parsing."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Final

import numpy as np

from batchship.errors import SheetError
from batchship.i18n import Msg
from batchship.sheets.limits import Limits
from batchship.sheets.rows import Kept, collect, rows_under
from batchship.sheets.table import HEADER_SCAN_ROWS, CsvFormat, Header, Sheet, find_header, is_header, short

#: Below this many bytes Python's reader is as quick as starting Arrow's.
ARROW_FROM_BYTES: Final = 1 << 20


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
        if candidate == "utf-8" and len(content) >= ARROW_FROM_BYTES and _utf8_valid(content):
            return candidate, bom
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


def _utf8_valid(content: bytes) -> bool:
    """Whether `content` is valid UTF-8, asked of Arrow (its check is many times faster than decoding into a
    string that is thrown away; a file that fails is decoded after all, for the place of the first bad
    byte)."""
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(content)], dtype=np.int64))
    raw = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(content)])
    try:
        raw.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


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
    raw = io.BytesIO(content)
    if encoding == "utf-8" and content.startswith(b"\xef\xbb\xbf"):
        raw.seek(3)  # past the BOM: plain UTF-8 decodes in C, the "utf-8-sig" codec line by line in Python
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def _sniff_delimiter(head: str) -> str:
    """The delimiter under which some early row holds the product-order-number header (else a comma)."""
    head = "\n".join(head.splitlines()[:HEADER_SCAN_ROWS])
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


def _head(content: bytes, encoding: str) -> str:
    """The text of the first lines searched for the header (not the whole file)."""
    end = -1
    for _ in range(HEADER_SCAN_ROWS):
        end = content.find(b"\n", end + 1)
        if end < 0:
            end = len(content)
            break
    return decode_csv(content[:end], encoding)


def _scan_lines(content: bytes, encoding: str, limit: int) -> tuple[int, int, int]:
    """The number of the first line longer than `limit` characters (0 when none), found from the bytes (a line
    has at least as many bytes as characters, so only lines with more than `limit` bytes are decoded); how
    many lines Python's text reader sees (a line ends at CRLF, CR or LF); and the longest line's bytes."""
    data = np.frombuffer(content, dtype=np.uint8)
    starts = np.flatnonzero(data == 10) + 1
    bounds = np.concatenate(([0], starts, [len(content) + 1]))
    lengths = np.diff(bounds) - 1  # without the line feed
    too_long = 0
    for i in np.flatnonzero(lengths > limit).tolist():
        line = content[bounds[i] : bounds[i] + lengths[i]]
        if len(line.decode("utf-8-sig" if encoding == "utf-8" and not i else encoding)) > limit:
            too_long = i + 1
            break
    lines = len(starts) + (not content.endswith((b"\n", b"\r")))
    if b"\r" in content:
        returns = np.flatnonzero(data == 13)
        following = data[np.minimum(returns + 1, len(data) - 1)]
        lines += int(np.count_nonzero((following != 10) | (returns + 1 == len(data))))
    return too_long, lines, int(lengths.max())


def _count_records(reader: Iterator[list[str]]) -> tuple[Iterator[tuple[int, list[str]]], Callable[[], int]]:
    """The reader's records numbered from 1, and how many it gave once it is exhausted (counted in C: zip
    takes one number past the last record before finding the reader done)."""
    numbers = itertools.count(1)
    return zip(numbers, reader, strict=False), lambda: next(numbers) - 2


def _by_arrow(
    content: bytes,
    fmt: tuple[str, str, int],
    header: Header,
    first: Sequence[str] | None,
    lines: tuple[int, int],
) -> tuple[Kept, bool] | None:
    """The rows under the header read by Arrow (see `arrowcsv`), and whether every row is one line (`lines`:
    how many the file has, and the longest's bytes); None for a small file, a UTF-16 one, one without rows,
    one with a line longer than `csv` takes a cell (its reading is the reference, refusal included), or one
    Arrow does not read as `csv.reader` would. `first`: the first row under the header, as `csv.reader` read
    it."""
    count, longest = lines
    if (
        len(content) < ARROW_FROM_BYTES
        or fmt[0] == "utf-16"
        or first is None
        or longest > csv.field_size_limit()
    ):
        return None
    from batchship.sheets import arrowcsv

    read = arrowcsv.read_under(content, fmt, header, list(first))
    if read is None:
        return None
    kept, records = read
    return kept, records == count


def load_csv(p: Path, content: bytes, limits: Limits) -> Sheet:
    encoding, bom = detect_csv_encoding(content, p)
    if encoding == "utf-16":  # not a byte-wise superset of ASCII: read as text
        text = decode_csv(content, encoding)
        if "\x00" in text:
            raise SheetError(Msg.of("file.not_text_csv", path=p))
        too_long = re.search(f"[^\n]{{{limits.max_line_chars + 1}}}", text)
        line, lines = (text.count("\n", 0, too_long.start()) + 1 if too_long else 0), (0, 0)
        head = "\n".join(text.splitlines()[:HEADER_SCAN_ROWS])
        newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
        del text
    else:  # UTF-8 and CP949 never hold a byte below 0x80 inside a character: the bytes are searched as they are
        if b"\x00" in content:
            raise SheetError(Msg.of("file.not_text_csv", path=p))
        line, *scanned = _scan_lines(content, encoding, limits.max_line_chars)
        lines = (scanned[0], scanned[1])
        head = _head(content, encoding)
        first_break = content.find(b"\n")
        newline = "\r\n" if first_break > 0 and content[first_break - 1 : first_break] == b"\r" else "\n"
    if line:
        raise SheetError(Msg.of("file.line_too_long", path=p, line=line, limit=limits.max_line_chars))
    delimiter = _sniff_delimiter(head)
    where = Msg.of("where.csv", file=p.name)
    try:
        reader = csv.reader(text_stream(content, encoding), delimiter=delimiter, strict=False)
        rows, records = _count_records(reader)
        header, rest = find_header(rows, where)
        above = reader.line_num
        first = next(rest, None)
        rest = itertools.chain([first], rest) if first is not None else rest
        fast = _by_arrow(content, (encoding, delimiter, above), header, first and first[1], lines)
        if fast is None:
            kept = rows_under(header, rest, where, limits)
            one_line_rows, fields = encoding != "utf-16" and records() == reader.line_num, 0
        else:
            (kept, one_line_rows), fields = fast, len(first[1]) if first else 0
        frame, last_column = collect(header, kept, where, limits)
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
        csv=CsvFormat(
            encoding=encoding,
            bom=bom,
            delimiter=delimiter,
            newline=newline,
            one_line_rows=one_line_rows,
            fields=fields,
        ),
    )
