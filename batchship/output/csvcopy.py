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
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Final

import numpy as np

from batchship.ooxml.patch import NewCells
from batchship.sheets.arrowcsv import LINE_BREAK, line_offset
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


@dataclass(frozen=True, slots=True)
class Verdicts:
    """The rows with a result: their numbers in row order, and for each the place of its three texts in
    `texts` (rows of one verdict share it)."""

    numbers: list[int]
    ids: np.ndarray
    texts: list[tuple[str, str, str]]


def csv_copy(sheet: Sheet, new: NewCells, verdicts: Verdicts, sink: BinaryIO) -> None:
    """Write the copy to `sink`."""
    fmt = sheet.csv
    assert fmt is not None
    first, second, third = new.columns
    if fmt.one_line_rows and second == first + 1 and third == first + 2:
        numbers, ids = verdicts.numbers, verdicts.ids
        at = bisect.bisect_left(numbers, new.header_row)
        if at < len(numbers) and numbers[at] == new.header_row:  # never: the header row has no result
            numbers, ids = numbers[:at] + numbers[at + 1 :], np.delete(ids, at)
        header = len(verdicts.texts)  # the header's titles: one more verdict
        numbers = [*numbers[:at], new.header_row, *numbers[at:]]
        ids = np.insert(ids, at, header)
        _spliced(sheet.content, fmt, new, Verdicts(numbers, ids, [*verdicts.texts, new.header]), sink)
    else:
        sink.write(_rewritten(sheet.content, fmt, new))


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


def _spliced(content: bytes, fmt: CsvFormat, new: NewCells, verdicts: Verdicts, out: BinaryIO) -> None:
    """Each line as it was; a row with a result gets its three cells appended (see the module docstring).
    `verdicts`: the rows with a result, the header among them."""
    numbers, ids = verdicts.numbers, verdicts.ids
    line = _LineSplicer(fmt, new.columns, verdicts.texts)
    # the reader's width is every data row's: the header's own is counted (a column without a title changes it)
    start = line_offset(content, new.header_row - 1)
    header_fits = len(line.cells(LINE_BREAK.split(content[start:], maxsplit=1)[0])) == line.first
    done = 0  # lines before the current slice
    with _Writer(out) as write:
        for raw in _slices(content):
            ends = line.plain_ends(raw)
            if ends is not None and not header_fits and done < new.header_row <= done + len(ends):
                ends = None
            if ends is not None:
                lo, hi = bisect.bisect_left(numbers, done + 1), bisect.bisect_right(numbers, done + len(ends))
                if hi - lo == len(ends):  # every line a row with a result, none to be parsed: in C
                    write(line.appended(raw, ends, ids[lo:hi]))
                    done += len(ends)
                    continue
            lines = raw.splitlines(keepends=True)
            lo, hi = bisect.bisect_left(numbers, done + 1), bisect.bisect_right(numbers, done + len(lines))
            for number, verdict in zip(numbers[lo:hi], ids[lo:hi].tolist(), strict=True):
                lines[number - done - 1] = line(lines[number - done - 1], verdict)
            write(b"".join(lines))
            done += len(lines)


class _Writer:
    """Writes pieces to `out` from a thread of its own, so the disk works while the next slice is spliced (a
    file's write lets other threads run); at most a few pieces wait. Whatever the writing raised is raised
    on leaving."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.pieces: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self.failed: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="csv-copy-writer", daemon=True)

    def _run(self) -> None:
        while (piece := self.pieces.get()) is not None:
            if self.failed is None:
                try:
                    self.out.write(piece)
                except BaseException as exc:  # kept for the caller's thread
                    self.failed = exc

    def __enter__(self) -> Callable[[bytes], None]:
        self.thread.start()
        return self._put

    def _put(self, piece: bytes) -> None:
        if self.failed is not None:
            raise self.failed
        self.pieces.put(piece)

    def __exit__(self, *_: object) -> None:
        self.pieces.put(None)
        self.thread.join()
        if self.failed is not None:
            raise self.failed


def _slices(content: bytes) -> Iterator[bytes]:
    """The file a few megabytes of whole lines (with their line breaks) at a time."""
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
        yield content[start:end]
        start = end


class _LineSplicer:
    """One line of the file with the three result cells of its verdict appended (or, when the row already has
    cells where they go, set by `csv`). `texts`: the verdicts' texts, by number."""

    def __init__(
        self, fmt: CsvFormat, columns: tuple[int, int, int], texts: list[tuple[str, str, str]]
    ) -> None:
        self.fmt, self.first, self.texts = fmt, columns[0], texts
        self.codec = "utf-8" if fmt.encoding == "utf-8" else fmt.encoding
        self.delimiter = fmt.delimiter.encode(self.codec)
        self.newline = fmt.newline.encode(self.codec)
        self.put = _Putter(columns)
        self.suffixes = [self._row(["", *(self.put.inert(t) for t in these)]) for these in texts]

    def __call__(self, line: bytes, verdict: int) -> bytes:
        body = line.rstrip(b"\r\n")
        ending = line[len(body) :] or self.newline
        fields = len(self.cells(body)) if b'"' in body else body.count(self.delimiter) + 1
        if fields > self.first:  # cells already where the results go (a result file fed back): set them
            return self._row(self.put(self.cells(body), self.texts[verdict])) + ending
        return body + self.delimiter * (self.first - max(fields, 1)) + self.suffixes[verdict] + ending

    def plain_ends(self, raw: bytes) -> np.ndarray | None:
        """Where each line of this slice ends, when every line has the file's own line break and exactly the
        cells before the result columns (so `appended` may add the results to all of them at once); None
        otherwise. The cells are counted by the reader's width when it knew it (`CsvFormat.fields`), else by
        the delimiters of a slice without quotes."""
        data = np.frombuffer(raw, dtype=np.uint8)
        ends = np.flatnonzero(data == 10) + 1
        if self.newline == b"\n":
            if b"\r" in raw:
                return None
        elif raw.count(b"\r") != len(ends) or not bool(np.all(data[ends - 2] == 13)):
            return None  # a CR that is not part of a CRLF, or a line ending in LF alone
        if not raw.endswith(b"\n"):
            ends = np.append(ends, len(raw))
        if self.fmt.fields:
            return ends if self.fmt.fields == self.first else None
        if b'"' in raw:
            return None
        delimiters = np.flatnonzero(data == self.delimiter[0]) if len(self.delimiter) == 1 else None
        if delimiters is None:
            return None
        per_line = np.bincount(np.searchsorted(ends, delimiters, side="right"), minlength=len(ends))
        return ends if bool(np.all(per_line[: len(ends)] == self.first - 1)) else None

    def appended(self, raw: bytes, ends: np.ndarray, ids: np.ndarray) -> bytes:
        """The lines of `raw` (ending at `ends`) with the result cells of their verdicts (`ids`) appended: each
        run of lines with one verdict in one C-level replace of its line breaks, or line by line when the runs
        are short."""
        starts = [0, *(np.flatnonzero(ids[1:] != ids[:-1]) + 1).tolist()]
        if len(starts) * 8 > len(ids):  # verdicts change every few lines: line by line
            bodies = map(bytes.rstrip, raw.splitlines(keepends=True), itertools.repeat(b"\r\n"))
            suffixes = map(self.suffixes.__getitem__, ids.tolist())
            return self.newline.join(map(bytes.__add__, bodies, suffixes)) + self.newline
        bounds, pieces, verdicts = [0, *ends.tolist()], [], ids[starts].tolist()
        for a, b, verdict in zip(starts, [*starts[1:], len(ids)], verdicts, strict=True):
            suffix = self.suffixes[verdict]
            pieces.append(raw[bounds[a] : bounds[b]].replace(self.newline, suffix + self.newline))
        if not raw.endswith(
            b"\n"
        ):  # the file's last line had no line break: a row with results ends with one
            pieces.append(self.suffixes[verdicts[-1]] + self.newline)
        return b"".join(pieces)

    def cells(self, body: bytes) -> list[str]:
        """A one-line row's cells, as `csv` reads them."""
        text = body.decode(self.codec)
        return next(csv.reader([text], delimiter=self.fmt.delimiter, strict=False), [])

    def _row(self, cells: list[str]) -> bytes:
        """`cells` as one row of this file, without its line break (written with one, so that `csv` quotes a
        cell holding a line break: it quotes only the characters of the line ending it is given)."""
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=self.fmt.delimiter, lineterminator="\r\n").writerow(cells)
        return buffer.getvalue()[:-2].encode(self.codec, errors="replace")
