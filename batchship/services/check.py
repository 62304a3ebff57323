"""`check`: load a sheet, check every row, see what the journal already knows of its orders (read-only), plan
the requests, write the verdict onto a copy. No network."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from batchship.domain.plan import MAX_BATCH, DispatchItem, items_from
from batchship.domain.rules import Validation, validate
from batchship.domain.verdicts import verdicts
from batchship.i18n import Lang, Msg
from batchship.journal import location
from batchship.model import Origin, Plan, Report, Rows
from batchship.output.ours import written_by_batchship
from batchship.output.paths import default_result_path, replace_any
from batchship.output.results import write_result
from batchship.services.bulk import no_cycle_collection
from batchship.services.known import Look, look, may_know
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
) -> tuple[Sheet, Validation, Rows]:
    """Load and validate a sheet: the first half of both `check` and `dispatch`."""
    with no_cycle_collection():
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
    journal: Look | None = None,
    origin: Origin | None = None,
) -> Report:
    """Load, validate, look the orders up in the journal (read-only: orders already dispatched say so), plan the
    requests a dispatch would make and write the check copy (`<name>.check.xlsx`, or `out`); the report says
    where it went (`origin`: who started it, named on the copy's 요약 sheet)."""
    sheet, validation, rows = prepare(path, options, now)
    report = Report("check", sheet.path, sheet.sheet_name, sheet.header_row, rows, lang=options.lang)
    report.origin = origin or report.origin
    # with no journal yet every valid row would be sent: no request needs building to count them
    if may_know(journal):
        sending = len(screen_rows(report, items_from(validation.frame.take(validation.valid_mask)), journal))
    else:
        sending = len(validation.frame) - len(validation.errors)
    report.plan = Plan(batch_size=batch_size, requests=-(-sending // batch_size))
    report.result_file = write_copy(sheet, report, out)
    return report


def screen_rows(report: Report, items: list[DispatchItem], journal: Look | None) -> list[DispatchItem]:
    """What the journal already knows of `items` (read-only), put on the report's rows; the items a dispatch
    would still send."""
    looked = look(items, journal, report.lang)
    rows = report.rows if isinstance(report.rows, Rows) else Rows.of(report.rows)
    report.rows = rows.replaced(looked.settled)
    report.journal = looked.journal
    if looked.failed is not None:
        report.notes.append(
            Msg.of(
                "known.unreadable", path=location(journal.journal) if journal else "", reason=looked.failed
            )
        )
    return looked.to_send


def write_copy(sheet: Sheet, report: Report, out: Path | None, replace: bool = True) -> Path:
    """The copy of a check or a dry run: `out` (replaced when `replace`: the user named it), else
    `<name>.check.xlsx` beside the sheet, replacing only an earlier copy batchship wrote (never a dispatch's
    result, never a file of someone else's: those keep their place and the copy takes a stamped name)."""
    with no_cycle_collection():
        if out is not None:
            return write_result(sheet, report, out, replace_any if replace else None)
        ours = functools.partial(written_by_batchship, password=sheet.password)
        return write_result(sheet, report, default_result_path(sheet.path, "check"), ours)
