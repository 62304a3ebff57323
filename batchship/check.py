"""`batchship check`: load a sheet, check every row, write the verdict back. No network."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from batchship.codes import courier_label, method_label, suggest_courier, suggest_method
from batchship.limits import DEFAULT_LIMITS, Limits
from batchship.messages import OR_WORD, ROW_MESSAGES, SUGGESTION, Lang
from batchship.plan import MAX_BATCH, batches, items_from
from batchship.report import Report, RowResult, Status
from batchship.results import default_result_path, write_result
from batchship.rules import KST, TRACKING_MAX, TRACKING_MIN, Validation, validate
from batchship.sheet import Sheet, load_sheet

MESSAGE_SEPARATOR = " / "


@dataclass(frozen=True, slots=True)
class SheetOptions:
    """How to open the sheet: sheet (a worksheet name, else the usual choice), password (for a protected
    workbook), lang (of every message), limits (how much of a file to read)."""

    sheet: str | None = None
    password: str | None = None
    lang: Lang = "ko"
    limits: Limits = DEFAULT_LIMITS


def now_kst() -> dt.datetime:
    return dt.datetime.now(KST)


def _suggestion(codes: list[str], label: Callable[[str], str], lang: Lang) -> str:
    if not codes:
        return ""
    return SUGGESTION[lang].format(names=OR_WORD[lang].join(label(c) for c in codes))


def row_message(code: str, row: pd.Series, lang: Lang, duplicates: dict[str, list[int]]) -> str:
    """The sentence for one problem of one row: what is wrong, the value seen, what to do."""
    template = ROW_MESSAGES[code][lang]
    values: dict[str, object] = {}
    if code in ("BS102", "BS103", "104131"):
        values["value"] = row["productOrderId"]
        rows = duplicates.get(row["productOrderId"], [])
        values["count"] = len(rows)
        values["rows"] = ", ".join(str(r) for r in rows)
    elif code in ("BS201", "BS202"):
        values["value"] = row["deliveryMethod"]
        values["suggestion"] = _suggestion(suggest_method(row["deliveryMethod"]), method_label, lang)
    elif code == "104119":
        values["value"] = row["deliveryCompanyCode"]
        values["suggestion"] = _suggestion(suggest_courier(row["deliveryCompanyCode"]), courier_label, lang)
    elif code in ("104122", "BS301"):
        values["value"] = row["trackingNumber"]
        values["min_len"], values["max_len"] = TRACKING_MIN, TRACKING_MAX
    elif code in ("BS401", "BS402"):
        values["value"] = row["dispatchDate"]
    return template.format(**values)


def verdicts(validation: Validation, lang: Lang) -> list[RowResult]:
    """One `RowResult` per row: INVALID with every problem, or NOT_SENT with "passed the checks"."""
    frame = validation.frame
    ok_message = ROW_MESSAGES["CHECK_OK"][lang]
    duplicates: dict[str, list[int]] = {}
    if any("104131" in codes for codes in validation.errors.values()):
        ids = frame["productOrderId"]
        dup = frame[(ids != "") & ids.duplicated(keep=False)]
        for pid, rows in dup.groupby("productOrderId")["row"]:
            duplicates[str(pid)] = [int(r) for r in rows]
    results = []
    for idx, row_number, pid in zip(frame.index, frame["row"], frame["productOrderId"], strict=True):
        codes = validation.errors.get(idx)
        if codes:
            row = frame.loc[idx]
            message = MESSAGE_SEPARATOR.join(row_message(c, row, lang, duplicates) for c in codes)
            results.append(RowResult(int(row_number), pid, Status.INVALID, codes[0], message))
        else:
            results.append(RowResult(int(row_number), pid, Status.NOT_SENT, "", ok_message))
    return results


def prepare(
    path: str | Path, options: SheetOptions, now: dt.datetime | None = None
) -> tuple[Sheet, Validation, list[RowResult]]:
    """Load and validate a sheet: the first half of both `check` and `dispatch`."""
    sheet = load_sheet(
        path, sheet=options.sheet, password=options.password, lang=options.lang, limits=options.limits
    )
    validation = validate(sheet.data, now or now_kst())
    return sheet, validation, verdicts(validation, options.lang)


def run_check(
    path: str | Path,
    options: SheetOptions = SheetOptions(),
    *,
    out: Path | None = None,
    now: dt.datetime | None = None,
    batch_size: int = MAX_BATCH,
) -> tuple[Report, Sheet, Validation]:
    """Load, validate, plan the requests and write the result copy; the report says where it went and how
    many requests a dispatch would make."""
    sheet, validation, rows = prepare(path, options, now)
    report = Report(
        mode="check",
        source=sheet.path,
        sheet_name=sheet.sheet_name,
        header_row=sheet.header_row,
        rows=rows,
        lang=options.lang,
    )
    planned = list(batches(items_from(validation.frame[validation.valid_mask]), batch_size))
    report.extra["requests_planned"] = len(planned)
    report.extra["batch_size"] = batch_size
    target = out or default_result_path(sheet.path)
    write_result(sheet, report, target)
    report.result_file = target
    return report, sheet, validation
