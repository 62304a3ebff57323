"""How much of a file batchship will read: explicit limits, each with its own message.

A file from a shared folder can be anything, including a tiny xlsx that inflates to gigabytes, a sheet that
claims a cell at XFD1048576 (the reader would allocate the whole rectangle and the process would die), or a
cell of a million characters. Every limit below is checked before the expensive work, and each breach is a
SheetError that says what was found and what to do. The defaults fit any real shipping sheet by far; the CLI
raises the common ones (`--max-rows`, `--max-file-mb`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """max_file_bytes: size of the file as stored; max_unpacked_bytes: all parts of an xlsx unpacked;
    max_ratio: how much more one unpacked part of an xlsx (over 1 MB) may be than its packed size;
    max_rows: order rows (and the last row the sheet uses); max_cells: the rectangle from A1 to the sheet's
    last used cell (rows x columns); max_cell_chars: characters in one cell of the five fields (Excel's own
    limit is 32,767); max_line_chars: characters in one line of a CSV."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_unpacked_bytes: int = 1024 * 1024 * 1024
    max_ratio: float = 250.0
    max_rows: int = 1_000_000
    max_cells: int = 30_000_000
    max_cell_chars: int = 32_767
    max_line_chars: int = 1_000_000


DEFAULT_LIMITS = Limits()
