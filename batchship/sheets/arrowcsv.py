"""The rows under a CSV's header read column-wise by Arrow's CSV parser (multi-threaded C++, no Python object per
cell until a mapped column is asked for), for a large CSV several times faster than Python's `csv` module.

Arrow reads exactly what Python's `csv.reader` (with `strict=False`) reads for a file whose rows all have the
same number of fields: the same fields, quotes and line breaks inside quotes, one row per record, a blank line
as a row of empty fields where `csv` gives no field at all (both mean "nothing in this row");
`tests/test_arrowcsv.py` holds the two readers to that on generated hostile text. For anything else (rows of
different lengths, a row straddling Arrow's blocks, text Arrow will not take) `read_under` answers None and the
sheet is read by `csv.reader`, the reference.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any, Final

from batchship.sheets.rows import Kept, mapped_indexes
from batchship.sheets.table import Header, clean

if TYPE_CHECKING:
    import pyarrow as pa


#: A line break as Python's text reader (and `csv.reader`) sees one.
LINE_BREAK: Final = re.compile(rb"\r\n?|\n")
#: Arrow parses in blocks of this many bytes; a row must fit in one (a line is at most the line limit).
_BLOCK_BYTES: Final = 1 << 22


def line_offset(content: bytes, lines: int) -> int:
    """Where line `lines + 1` begins: past `lines` line breaks as Python's text reader counts them (`\\r\\n`,
    `\\r` or `\\n`), or len(content) when the file has fewer."""
    ends = [match.end() for match in itertools.islice(LINE_BREAK.finditer(content), lines)]
    return ends[-1] if lines and len(ends) == lines else (0 if not lines else len(content))


def read_under(
    content: bytes, fmt: tuple[str, str, int], header: Header, first: list[str]
) -> tuple[Kept, int] | None:
    """The rows under `header` (ending on line `lines` of the file) read by Arrow: the kept rows and how many
    records the file holds; None when Arrow cannot read them as `csv.reader` would. `fmt`: encoding,
    delimiter and the number of lines up to the header's end; `first`: the first row under the header, as
    `csv.reader` read it (its length is the width every row must have)."""
    encoding, delimiter, lines = fmt
    indexes = mapped_indexes(header)
    width = len(first)
    if width <= max(indexes):  # rows end before a mapped column: csv.reader's padding is needed
        return None
    import pyarrow as pa

    start = line_offset(content, lines)
    try:
        table = _table(content, start, encoding, delimiter, width, _wanted(header, indexes, width))
    except Exception:
        return None  # Arrow refused the text (rows of other lengths, a row too long): the reference reads it
    kept, records = _kept(table, header, indexes), header.row + table.num_rows
    del table
    pa.default_memory_pool().release_unused()  # the table's memory back to the system, not kept for later
    return kept, records


def _wanted(header: Header, indexes: list[int], width: int) -> list[int]:
    """The mapped columns, and the columns right of the header's last (a kept row's cell there moves where the
    result columns go)."""
    beyond = max(len(header.texts) - 1, max(indexes))
    return [*indexes, *range(beyond + 1, width)]


def _table(
    content: bytes, start: int, encoding: str, delimiter: str, width: int, wanted: list[int]
) -> pa.Table:
    import pyarrow as pa
    from pyarrow import csv as pacsv

    names = [f"f{i}" for i in range(width)]
    return pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(content).slice(start)),
        read_options=pacsv.ReadOptions(
            column_names=names, encoding="utf8" if encoding == "utf-8" else encoding, block_size=_BLOCK_BYTES
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=True,
            ignore_empty_lines=False,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            include_columns=[names[i] for i in wanted],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _kept(table: pa.Table, header: Header, indexes: list[int]) -> Kept:
    """The rows as `rows_under` keeps them, but for rows with nothing in a mapped column, which `collect`
    drops with those whose cells hold only spaces (a check asks the mapped columns only once)."""
    import numpy as np
    import pyarrow.compute as pc

    mapped = [table.column(f"f{i}") for i in indexes]
    last_column = max(len(header.texts) - 1, max(indexes))
    beyond = table.column_names[len(indexes) :]
    if beyond:  # cells right of the header's last: only a row with something in a mapped column counts
        something = np.zeros(table.num_rows, dtype=bool)
        for column in mapped:
            something |= _ints(pc.binary_length(column)) > 0
        for name in beyond:
            if bool(np.any(something & (_ints(pc.binary_length(table.column(name))) > 0))):
                last_column = max(last_column, int(name[1:]))
    numbers = list(range(header.row + 1, header.row + 1 + table.num_rows))
    columns, longest, codes = zip(*(_cleaned(column) for column in mapped), strict=True)
    return Kept(numbers, list(columns), last_column, cleaned=True, longest=list(longest), codes=list(codes))


#: What `str.strip()` removes from ASCII text.
_ASCII_SPACE: Final = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
#: How many of a column's first cells tell whether it repeats a few texts (couriers) or not (order numbers).
_SAMPLE: Final = 4096


def _cleaned(column: Any) -> tuple[Any, int, tuple[Any, list[str]] | None]:
    """A column as clean text (what `table.clean` makes of each cell) in an object array, the length of its
    longest text, and for a column of few distinct texts (couriers, methods, dates) each row's place among
    them and them (cleaned once each, one object per text: a million rows hold five strings, not a million).
    Any other ASCII column is trimmed by Arrow; the rest is cleaned text by text."""
    import numpy as np
    import pyarrow.compute as pc

    if len(pc.unique(column.slice(0, _SAMPLE))) * 4 <= min(len(column), _SAMPLE):
        distinct = pc.unique(column)
        texts = [clean(text) for text in distinct.to_pylist()]
        if len(texts) * 4 <= len(column):
            positions = _ints(pc.index_in(column, value_set=distinct)).astype(np.int64)
            spread = np.array(texts, dtype=object)[positions]
            return spread, max(map(len, texts), default=0), (positions, texts)
    if pc.all(pc.string_is_ascii(column)).as_py() is not False:
        trimmed = pc.utf8_trim(column, characters=_ASCII_SPACE)
        longest = int(pc.max(pc.utf8_length(trimmed)).as_py() or 0)
        return np.array(trimmed.to_pylist(), dtype=object), longest, None
    texts = [clean(text) for text in column.to_pylist()]
    return np.array(texts, dtype=object), max(map(len, texts), default=0), None


def _ints(values: Any) -> Any:
    """An Arrow column of 32- or 64-bit integers without nulls as a numpy array, read from its buffer (Arrow's
    own `to_numpy` imports pandas, a quarter of a second, to see whether it is asked for a pandas object)."""
    import numpy as np

    array = values.combine_chunks() if hasattr(values, "combine_chunks") else values
    width = array.type.bit_width // 8
    kind = {4: np.int32, 8: np.int64}[width]
    return np.frombuffer(array.buffers()[1], dtype=kind, count=len(array), offset=array.offset * width)
