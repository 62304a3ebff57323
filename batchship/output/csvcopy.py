"""The result copy of a CSV: the input's rows with the three result cells, in the input's own encoding and
delimiter.

Where every row of the file is one line of its bytes (`CsvFormat.one_line_rows`), the copy is spliced from the
bytes: each line is kept exactly as it was written and the result cells are appended (after padding a short
row), so a million-row copy costs a pass over the lines, not a parse and a re-write of every cell. Otherwise
(line breaks inside quoted cells, UTF-16, result columns to overwrite in every row) the rows are read with
`csv.reader` and written back with `csv.writer`, which is also what a spliced row falls back to when it already
has cells where the result cells go.
"""

from __future__ import annotations

import bisect
import csv
import io
import itertools
from collections.abc import Iterator
from typing import Final

from batchship.ooxml.patch import NewCells
from batchship.sheets.csvfile import text_stream
from batchship.sheets.table import CsvFormat, Sheet

_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
#: The copy is spliced a slice of the file at a time (whole lines), so the lines are never all held at once.
_SLICE_BYTES: Final = 1 << 22


def _safe(text: str) -> str:
    """Text batchship adds, made inert for spreadsheets that would evaluate `=...` in a CSV cell."""
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Inert(dict[str, str]):
    """`_safe` of each distinct text once (a million rows share a handful of results and messages)."""

    def __call__(self, text: str) -> str:
        found = self.get(text)
        if found is None:
            found = self[text] = _safe(text)
        return found


def csv_copy(sheet: Sheet, new: NewCells, numbers: list[int], texts: list[tuple[str, str, str]]) -> bytes:
    """The copy's bytes. `numbers`, `texts`: the rows with a result, in row order, and their three texts."""
    fmt = sheet.csv
    assert fmt is not None
    first, second, third = new.columns
    if fmt.one_line_rows and second == first + 1 and third == first + 2:
        at = bisect.bisect_left(numbers, new.header_row)
        if at < len(numbers) and numbers[at] == new.header_row:  # never: the header row has no result
            numbers, texts = numbers[:at] + numbers[at + 1 :], texts[:at] + texts[at + 1 :]
        numbers = [*numbers[:at], new.header_row, *numbers[at:]]
        texts = [*texts[:at], new.header, *texts[at:]]
        return _spliced(sheet.content, fmt, new, numbers, texts)
    return _rewritten(sheet.content, fmt, new)


def _rewritten(content: bytes, fmt: CsvFormat, new: NewCells) -> bytes:
    """Every row read by `csv.reader` and written back by `csv.writer`, the result cells set."""
    reader = csv.reader(text_stream(content, fmt.encoding), delimiter=fmt.delimiter, strict=False)
    encoding = "utf-16" if fmt.encoding == "utf-16" else fmt.encoding
    raw = io.BytesIO()  # encoded as it is written: the copy is never held as one large string
    buffer = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
    if fmt.bom and fmt.encoding == "utf-8":
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=fmt.delimiter, lineterminator=fmt.newline)
    put = _Putter(new.columns)
    rows = new.rows
    for number, cells in enumerate(reader, start=1):
        if number in rows:
            writer.writerow(put(cells, rows[number][1]))
        elif number == new.header_row:
            writer.writerow(put(cells, new.header))
        else:
            writer.writerow(cells)
    buffer.flush()
    return raw.getvalue()


class _Putter:
    """A row's cells with the three result cells set (the row padded to reach them)."""

    def __init__(self, columns: tuple[int, int, int]) -> None:
        self.columns, self.width, self.inert = columns, max(columns) + 1, _Inert()

    def __call__(self, cells: list[str], texts: tuple[str, str, str]) -> list[str]:
        if len(cells) < self.width:
            cells.extend([""] * (self.width - len(cells)))
        for column, text in zip(self.columns, texts, strict=True):
            cells[column] = self.inert(text)
        return cells


def _spliced(
    content: bytes, fmt: CsvFormat, new: NewCells, numbers: list[int], texts: list[tuple[str, str, str]]
) -> bytes:
    """Each line as it was; a row with a result gets its three cells appended (see the module docstring).
    `numbers`, `texts`: the rows with a result (the header among them), in row order."""
    out = io.BytesIO()
    line = _LineSplicer(fmt, new.columns)
    done = 0  # lines before the current slice
    for raw, lines in _slices(content):
        end = done + len(lines)
        lo, hi = bisect.bisect_left(numbers, done + 1), bisect.bisect_right(numbers, end)
        if hi - lo == len(lines) and line.plain(raw, lines):  # every line a row with a result: in C
            out.write(line.joined(lines, texts[lo:hi]))
        else:
            for number, these in zip(numbers[lo:hi], texts[lo:hi], strict=True):
                lines[number - done - 1] = line(lines[number - done - 1], these)
            out.write(b"".join(lines))
        done = end
    return out.getvalue()


def _slices(content: bytes) -> Iterator[tuple[bytes, list[bytes]]]:
    """The file's lines (with their line breaks), a few megabytes of whole lines at a time."""
    start = 0
    while start < len(content):
        end = start + _SLICE_BYTES
        if end < len(content):
            cut = max(content.rfind(b"\n", start, end), content.rfind(b"\r", start, end))
            if cut < start:  # a line longer than the slice: take it whole
                cut = min(
                    p
                    for p in (content.find(b"\n", end), content.find(b"\r", end), len(content) - 1)
                    if p >= 0
                )
            if content[cut : cut + 1] == b"\r" and content[cut + 1 : cut + 2] == b"\n":
                cut += 1  # never part a CRLF
            end = cut + 1
        raw = content[start:end]
        yield raw, raw.splitlines(keepends=True)
        start = end


class _LineSplicer:
    """One line of the file with the three result cells appended (or, when the row already has cells where they
    go, set by `csv`)."""

    def __init__(self, fmt: CsvFormat, columns: tuple[int, int, int]) -> None:
        self.fmt, self.first = fmt, columns[0]
        self.codec = "utf-8" if fmt.encoding == "utf-8" else fmt.encoding
        self.delimiter = fmt.delimiter.encode(self.codec)
        self.newline = fmt.newline.encode(self.codec)
        self.suffixes: dict[tuple[str, str, str], bytes] = {}
        self.put = _Putter(columns)

    def __call__(self, line: bytes, texts: tuple[str, str, str]) -> bytes:
        body = line.rstrip(b"\r\n")
        ending = line[len(body) :] or self.newline
        fields = len(self._cells(body)) if b'"' in body else body.count(self.delimiter) + 1
        if fields > self.first:  # cells already where the results go (a result file fed back): set them
            return self._row(self.put(self._cells(body), texts)) + ending
        return body + self.delimiter * (self.first - max(fields, 1)) + self.suffix(texts) + ending

    def suffix(self, texts: tuple[str, str, str]) -> bytes:
        """The three cells as they follow a row's last cell: a delimiter before each."""
        found = self.suffixes.get(texts)
        if found is None:
            found = self.suffixes[texts] = self._row(["", *(self.put.inert(t) for t in texts)])
        return found

    def plain(self, raw: bytes, lines: list[bytes]) -> bool:
        """Whether every line of this slice has no quote, exactly the cells before the result columns, and the
        file's line ending (so `joined` may append the results to all of them at once)."""
        if b'"' in raw or raw.count(self.delimiter) != len(lines) * (self.first - 1):
            return False
        ends = raw.count(b"\n")  # every line break the file's own: no lone CR, and CRLF throughout or nowhere
        if raw.count(b"\r") != (ends if self.newline == b"\r\n" else 0) or ends < len(lines) - 1:
            return False
        if self.newline == b"\r\n" and raw.count(b"\r\n") != ends:
            return False
        counts = list(map(bytes.count, lines, itertools.repeat(self.delimiter)))
        return min(counts) == max(counts) == self.first - 1

    def joined(self, lines: list[bytes], texts: list[tuple[str, str, str]]) -> bytes:
        """`plain` lines with their result cells appended, in C: no Python step per line."""
        for missing in set(texts).difference(self.suffixes):
            self.suffix(missing)
        bodies = map(bytes.rstrip, lines, itertools.repeat(b"\r\n"))
        ending = self.newline if lines[-1].endswith(b"\n") or lines[-1].endswith(b"\r") else b""
        return self.newline.join(map(bytes.__add__, bodies, map(self.suffixes.__getitem__, texts))) + ending

    def _cells(self, body: bytes) -> list[str]:
        text = body.decode(self.codec)
        return next(csv.reader([text], delimiter=self.fmt.delimiter, strict=False), [])

    def _row(self, cells: list[str]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=self.fmt.delimiter, lineterminator="").writerow(cells)
        return buffer.getvalue().encode(self.codec, errors="replace")
