"""The report is a value: what happened to every row, which every face and writer renders.

A `Report` holds one `RowResult` per order row of the sheet (its spreadsheet row number, status, error code,
message) and typed figures: `Plan` (what a check or dry run would send) and, for a real dispatch,
`DispatchStats` (what was sent). `exit_code` is derived from it, never decided elsewhere; `to_dict` is the JSON
report (`--report`, the folder watcher's `.report.json`, later the web desk's API).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, overload

from batchship.i18n import Lang, Msg, t


class Status(enum.StrEnum):
    """What became of a row. The values are the English labels; the Korean ones are in the catalogue."""

    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    INVALID = "INVALID"
    ALREADY_DISPATCHED = "ALREADY_DISPATCHED"
    UNKNOWN = "UNKNOWN"
    HELD = "HELD"
    NOT_SENT = "NOT_SENT"

    def label(self, lang: Lang) -> str:
        return t(f"status.{self.value}", lang)


#: Statuses whose end state is "dispatched": they count as done for exit codes and the retry file.
DONE: tuple[Status, ...] = (Status.SUCCESS, Status.ALREADY_DISPATCHED)
#: Rows that need someone's attention: refused, unknown at NAVER, to be fixed, held back.
ATTENTION: tuple[Status, ...] = (Status.FAILED, Status.UNKNOWN, Status.INVALID, Status.HELD)


@dataclass(frozen=True, slots=True)
class RowResult:
    """One row's verdict. row: 1-based spreadsheet row; code: the first error code ('' when none);
    message: every problem of the row, in the report's language."""

    row: int
    product_order_id: str
    status: Status
    code: str
    message: str


class Rows(Sequence[RowResult]):
    """Row results held column by column: what a check of a large sheet makes (a million `RowResult` objects
    cost a second and a hundred megabytes; these five lists share their texts). Reads as a sequence of
    `RowResult`, each made when asked for; the writers and the counts read the columns themselves."""

    __slots__ = ("codes", "ids", "messages", "numbers", "statuses")

    def __init__(
        self,
        numbers: list[int],
        ids: list[str],
        statuses: list[Status],
        codes: list[str],
        messages: list[str],
    ) -> None:
        if not len(numbers) == len(ids) == len(statuses) == len(codes) == len(messages):
            raise ValueError("Rows: columns of different lengths")
        self.numbers, self.ids, self.statuses, self.codes, self.messages = (
            numbers,
            ids,
            statuses,
            codes,
            messages,
        )

    @classmethod
    def of(cls, results: Iterable[RowResult]) -> Rows:
        listed = list(results)
        return cls(
            [r.row for r in listed],
            [r.product_order_id for r in listed],
            [r.status for r in listed],
            [r.code for r in listed],
            [r.message for r in listed],
        )

    def __len__(self) -> int:
        return len(self.numbers)

    @overload
    def __getitem__(self, index: int) -> RowResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[RowResult]: ...
    def __getitem__(self, index: int | slice) -> RowResult | list[RowResult]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return RowResult(
            self.numbers[index],
            self.ids[index],
            self.statuses[index],
            self.codes[index],
            self.messages[index],
        )

    def __iter__(self) -> Iterator[RowResult]:
        return map(RowResult, self.numbers, self.ids, self.statuses, self.codes, self.messages)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Rows({len(self)} rows)"

    def replaced(self, results: Iterable[RowResult]) -> Rows:
        """These rows with `results` in place of the rows of the same numbers (the others kept as they are)."""
        new = {r.row: r for r in results}
        if not new:
            return self
        copy = Rows(self.numbers, list(self.ids), list(self.statuses), list(self.codes), list(self.messages))
        for i, number in enumerate(self.numbers):
            r = new.get(number)
            if r is not None:
                copy.ids[i], copy.statuses[i], copy.codes[i], copy.messages[i] = (
                    r.product_order_id,
                    r.status,
                    r.code,
                    r.message,
                )
        return copy


def statuses(rows: Sequence[RowResult]) -> Iterable[Status]:
    """Each row's status, from the column when the rows are held as columns."""
    return rows.statuses if isinstance(rows, Rows) else (r.status for r in rows)


def codes(rows: Sequence[RowResult]) -> Iterable[str]:
    """Each row's error code ('' when none), from the column when the rows are held as columns."""
    return rows.codes if isinstance(rows, Rows) else (r.code for r in rows)


@dataclass(slots=True)
class Plan:
    """The requests a run would make. batch_size: orders per request; requests: how many requests;
    sample_request: the first request's body (dry runs show it)."""

    batch_size: int = 30
    requests: int = 0
    sample_request: dict[str, Any] | None = None


@dataclass(slots=True)
class DispatchStats:
    """What a real dispatch did. requests: dispatch calls made (retries included); retries: calls repeated;
    lookups: order lookup calls (one per 300 orders); rate_limited: 429s received; reconciled: attempts of
    earlier runs settled first; failed_trace_ids: NAVER's trace ids of refused calls (for NAVER's support);
    api_base_url: where it sent."""

    api_base_url: str = ""
    requests: int = 0
    retries: int = 0
    lookups: int = 0
    rate_limited: int = 0
    reconciled: int = 0
    failed_trace_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Origin:
    """Who started a run, and from where. started_by: a web desk user, or the system user of the CLI and the
    folder watcher; face: `cli`, `watch` or `web`; name: the sheet's file name as its owner knows it (the web
    desk keeps uploads under random names); store: which store of a config of several it was for ("" for the
    one store)."""

    started_by: str = ""
    face: str = "cli"
    name: str = ""
    store: str = ""


@dataclass(slots=True)
class Report:
    """Everything a run produced.

    mode: `check` or `dispatch`; source: the input file; sheet_name and header_row: where the rows came from;
    rows: one result per order row, in sheet order; lang: the language of the messages; dry_run: a dispatch
    that sent nothing; plan: the requests; sent: what a real dispatch did (None for check and dry run);
    result_file, retry_file: what was written; journal: where attempts were recorded; duration_s: wall time;
    errors: why a dispatch stopped before the end or its result copy could not be written (the report still
    says what happened to every row); result_rebuilt: the result copy was rebuilt through openpyxl (an .xls, or
    an xlsx that could not be patched in place), so some of the original's formatting may be missing;
    run_id: the journal's id of this run (rows of later runs name it); notes: what is worth saying that
    changed nothing (a journal a check could not read); origin: who started the run, and from where.
    """

    mode: Literal["check", "dispatch"]
    source: Path
    sheet_name: str
    header_row: int
    rows: Sequence[RowResult]
    lang: Lang = "ko"
    dry_run: bool = False
    plan: Plan = field(default_factory=Plan)
    sent: DispatchStats | None = None
    result_file: Path | None = None
    retry_file: Path | None = None
    journal: str | None = None
    duration_s: float = 0.0
    errors: list[Msg] = field(default_factory=list)
    result_rebuilt: bool = False
    run_id: str = ""
    notes: list[Msg] = field(default_factory=list)
    origin: Origin = field(default_factory=Origin)

    @property
    def source_name(self) -> str:
        """The sheet's file name as its owner knows it."""
        return self.origin.name or self.source.name

    def counts(self) -> dict[str, int]:
        """Rows by status, every status present (0 when none)."""
        seen = Counter(statuses(self.rows))
        return {s.value: seen.get(s, 0) for s in Status}

    def error_codes(self) -> dict[str, int]:
        """Rows by error code (the first code of each row that has one), most frequent first."""
        seen = Counter(codes(self.rows))
        seen.pop("", None)
        return dict(seen.most_common())

    def label(self, status: Status) -> str:
        """A status in words, the same everywhere the report is shown: in `check` (and a dry run) a row that
        is not sent passed the checks, and says so."""
        if status is Status.NOT_SENT and (self.mode == "check" or self.dry_run):
            return t("text.passed", self.lang)
        return status.label(self.lang)

    def needing_attention(self) -> int:
        """How many rows need someone's attention (the web desk shows them first, notifications count them)."""
        return sum(s in ATTENTION for s in statuses(self.rows))

    def went_out(self) -> bool:
        """Whether any order may have reached NAVER in this run (dispatched, or its outcome unknown)."""
        return any(s in (Status.SUCCESS, Status.UNKNOWN) for s in statuses(self.rows))

    @property
    def exit_code(self) -> int:
        """0: every row is fine (in `check` and a dry run: valid, or already dispatched with the same tracking
        number; in `dispatch`, dispatched now or already before: the end state is the same); 1: some are not; 2: the run stopped on an error (`errors`)
        before any order went out (with some out: 1, so that what was done is never reported as nothing)."""
        if self.errors:
            return 1 if self.went_out() else 2
        fine = (Status.NOT_SENT, *DONE) if self.mode == "check" or self.dry_run else DONE
        return 0 if all(s in fine for s in statuses(self.rows)) else 1

    @staticmethod
    def _row_dict(r: RowResult) -> dict[str, Any]:
        return {
            "row": r.row,
            "productOrderId": r.product_order_id,
            "status": r.status.value,
            "code": r.code,
            "message": r.message,
        }

    def to_dict(self, rows: bool = True) -> dict[str, Any]:
        """The JSON report (without `row_results` when not `rows`: the web desk keeps those in a table)."""
        sent = self.sent or DispatchStats()
        return {
            "mode": self.mode,
            "source": str(self.source),
            "sheet": self.sheet_name,
            "header_row": self.header_row,
            "rows": len(self.rows),
            "counts": self.counts(),
            "error_codes": self.error_codes(),
            "result_file": str(self.result_file) if self.result_file else None,
            "retry_file": str(self.retry_file) if self.retry_file else None,
            "result_rebuilt": self.result_rebuilt,
            "exit_code": self.exit_code,
            "errors": [e.render(self.lang) for e in self.errors],
            "notes": [n.render(self.lang) for n in self.notes],
            "run_id": self.run_id or None,
            "started_by": self.origin.started_by or None,
            "face": self.origin.face,
            "store": self.origin.store or None,
            "file_name": self.source_name,
            "dry_run": self.dry_run,
            "batch_size": self.plan.batch_size,
            "requests_planned": self.plan.requests,
            "sample_request": self.plan.sample_request,
            "api_base_url": sent.api_base_url or None,
            "journal": self.journal,
            "requests": sent.requests,
            "retries": sent.retries,
            "lookups": sent.lookups,
            "rate_limited": sent.rate_limited,
            "reconciled": sent.reconciled,
            "failed_trace_ids": sent.failed_trace_ids,
            "duration_s": self.duration_s,
            **({"row_results": [self._row_dict(r) for r in self.rows]} if rows else {}),
        }
