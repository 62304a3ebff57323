"""`check`: load a sheet, check every row, plan the requests, write the verdict onto a copy. No network."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from batchship.domain.plan import MAX_BATCH, batches, items_from
from batchship.domain.rules import Validation, validate
from batchship.domain.verdicts import verdicts
from batchship.i18n import Lang
from batchship.model import Plan, Report, RowResult
from batchship.output.paths import default_result_path
from batchship.output.results import write_result
from batchship.sheets.limits import DEFAULT_LIMITS, Limits
from batchship.sheets.loader import Sheet, load_sheet
from batchship.timefmt import now_kst


@dataclass(frozen=True, slots=True)
class SheetOptions:
    """How to open the sheet: sheet (a worksheet name, else the usual choice), password (for a protected
    workbook), lang (of every message), limits (how much of a file to read)."""

    sheet: str | None = None
    password: str | None = None
    lang: Lang = "ko"
    limits: Limits = DEFAULT_LIMITS


def prepare(
    path: str | Path, options: SheetOptions, now: dt.datetime | None = None
) -> tuple[Sheet, Validation, list[RowResult]]:
    """Load and validate a sheet: the first half of both `check` and `dispatch`."""
    sheet = load_sheet(path, sheet=options.sheet, password=options.password, limits=options.limits)
    validation = validate(sheet.data, now or now_kst())
    return sheet, validation, verdicts(validation, options.lang)


def run_check(
    path: str | Path,
    options: SheetOptions = SheetOptions(),
    *,
    out: Path | None = None,
    now: dt.datetime | None = None,
    batch_size: int = MAX_BATCH,
) -> Report:
    """Load, validate, plan the requests and write the result copy; the report says where it went and how
    many requests a dispatch would make."""
    sheet, validation, rows = prepare(path, options, now)
    planned = list(batches(items_from(validation.frame[validation.valid_mask]), batch_size))
    report = Report(
        mode="check",
        source=sheet.path,
        sheet_name=sheet.sheet_name,
        header_row=sheet.header_row,
        rows=rows,
        lang=options.lang,
        plan=Plan(batch_size=batch_size, requests=len(planned)),
    )
    target = out or default_result_path(sheet.path)
    write_result(sheet, report, target)
    report.result_file = target
    return report
