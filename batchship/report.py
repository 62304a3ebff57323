"""The report is a value: what happened to every row, which the CLI, the writer and the JSON file all render.

A `Report` holds one `RowResult` per order row of the sheet (its spreadsheet row number, status, error code,
message) plus counts; `exit_code` is derived from it, never decided elsewhere.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from batchship.messages import STATUS_LABELS, Lang


class Status(enum.StrEnum):
    """What became of a row. The values are the English labels; Korean ones are in `messages`."""

    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    INVALID = "INVALID"
    ALREADY_DISPATCHED = "ALREADY_DISPATCHED"
    UNKNOWN = "UNKNOWN"
    NOT_SENT = "NOT_SENT"

    def label(self, lang: Lang) -> str:
        return STATUS_LABELS[lang][self.value]


@dataclass(frozen=True, slots=True)
class RowResult:
    """One row's verdict. row: 1-based spreadsheet row; code: the first error code ('' when none);
    message: every problem of the row, in the report's language."""

    row: int
    product_order_id: str
    status: Status
    code: str
    message: str


@dataclass(slots=True)
class Report:
    """Everything a run produced.

    mode: `check` or `dispatch`; source: the input file; sheet_name and header_row: where the rows came from;
    rows: one result per order row, in sheet order; lang: the language of the messages; result_file: where
    the result copy was written; extra: figures a dispatch adds (requests, retries, ...).
    """

    mode: Literal["check", "dispatch"]
    source: Path
    sheet_name: str
    header_row: int
    rows: list[RowResult]
    lang: Lang = "ko"
    result_file: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Rows by status, every status present (0 when none)."""
        seen = Counter(r.status for r in self.rows)
        return {s.value: seen.get(s, 0) for s in Status}

    def error_codes(self) -> dict[str, int]:
        """Rows by error code (the first code of each row that has one), most frequent first."""
        return dict(Counter(r.code for r in self.rows if r.code).most_common())

    @property
    def exit_code(self) -> int:
        """0: every row is fine (valid in `check`; in `dispatch`, dispatched now or already before with the same
        tracking number: the end state is the same); 1: some are not."""
        if self.mode == "check":
            return 0 if all(r.status is Status.NOT_SENT for r in self.rows) else 1
        done = (Status.SUCCESS, Status.ALREADY_DISPATCHED)
        return 0 if all(r.status in done for r in self.rows) else 1

    def to_dict(self) -> dict[str, Any]:
        """The JSON report."""
        return {
            "mode": self.mode,
            "source": str(self.source),
            "sheet": self.sheet_name,
            "header_row": self.header_row,
            "rows": len(self.rows),
            "counts": self.counts(),
            "error_codes": self.error_codes(),
            "result_file": str(self.result_file) if self.result_file else None,
            "exit_code": self.exit_code,
            **self.extra,
            "row_results": [
                {
                    "row": r.row,
                    "productOrderId": r.product_order_id,
                    "status": r.status.value,
                    "code": r.code,
                    "message": r.message,
                }
                for r in self.rows
            ],
        }
