"""From a validation to one verdict per row: INVALID with every problem in words, or NOT_SENT and ready."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from batchship.domain.codes import courier_label, method_label, suggest_courier, suggest_method
from batchship.domain.rules import TRACKING_MAX, TRACKING_MIN, Validation
from batchship.i18n import Lang, t
from batchship.model import Rows, Status

MESSAGE_SEPARATOR = " / "
#: A dispatch date further back than this many days still goes, with a warning (a year typed wrong?).
STALE_DAYS = 30
#: Rows named in a duplicate's message; the rest are counted ("23, 33, 41 외 99,997행").
LISTED_ROWS = 3


def _suggestion(codes: list[str], label: Callable[[str], str], lang: Lang) -> str:
    if not codes:
        return ""
    return t("row.suggestion", lang, names=t("word.or", lang).join(label(c) for c in codes))


def rows_text(rows: list[int], lang: Lang) -> str:
    """The first few rows, and how many more: one order number repeated 100,000 times makes a short message."""
    shown = ", ".join(str(r) for r in rows[:LISTED_ROWS])
    more = len(rows) - LISTED_ROWS
    return t("row.rows_more", lang, rows=shown, more=more) if more > 0 else shown


#: The one cell a problem's sentence quotes (a problem not listed quotes none): `row_message` is the same for
#: every row with the same code and that cell.
_SUBJECT = {
    **dict.fromkeys(("BS102", "BS103", "104131"), "productOrderId"),
    **dict.fromkeys(("BS201", "BS202"), "deliveryMethod"),
    "104119": "deliveryCompanyCode",
    **dict.fromkeys(("104122", "BS301"), "trackingNumber"),
    **dict.fromkeys(("BS401", "BS402"), "dispatchDate"),
}


def row_message(code: str, row: Mapping[str, Any], lang: Lang, duplicates: dict[str, tuple[int, str]]) -> str:
    """The sentence for one problem of one row: what is wrong, the value seen, what to do. `duplicates`: for
    each repeated order number, how many times and the rows' text (built once per number)."""
    values: dict[str, object] = {}
    if code in ("BS102", "BS103", "104131"):
        values["value"] = row["productOrderId"]
        values["count"], values["rows"] = duplicates.get(row["productOrderId"], (0, ""))
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
    return t(f"row.{code}", lang, **values)


def _passed(key: tuple[str, int, str], ok_message: str, lang: Lang) -> str:
    """The message of a row that passed: with a note when its date is long ago or before the payment."""
    date, age, paid = key
    message = ok_message
    if age > STALE_DAYS:
        message += " " + t("row.date_long_ago", lang, days=age, date=date)
    if paid and date < paid:
        message += " " + t("row.date_before_payment", lang, date=date, paid=paid)
    return message


def verdicts(validation: Validation, lang: Lang) -> Rows:
    """One verdict per row, held as columns: INVALID with every problem, or NOT_SENT with "passed the checks".
    Built column-wise: a row's own words are made only where it has some (a problem, an old or early date)."""
    frame = validation.frame
    count = len(frame)
    ok_message = t("row.CHECK_OK", lang)
    statuses = [Status.NOT_SENT] * count
    codes = [""] * count
    messages = [ok_message] * count
    ages = frame["age_days"]
    paid = frame["paid_on"]
    noted = (ages > STALE_DAYS) | (paid != "")
    if noted.any():
        passed: dict[tuple[str, int, str], str] = {}  # rows share their dates: each message is made once
        dates = frame["date"]
        for i in np.flatnonzero(noted).tolist():
            key = (dates[i][:10], int(ages[i]), paid[i])
            said = passed.get(key)
            if said is None:
                said = passed[key] = _passed(key, ok_message, lang)
            messages[i] = said
    if validation.errors:
        _put_problems(validation, lang, (statuses, codes, messages))
    return Rows(frame["row"].tolist(), frame["productOrderId"].tolist(), statuses, codes, messages)


def _put_problems(
    validation: Validation, lang: Lang, into: tuple[list[Status], list[str], list[str]]
) -> None:
    """The rows with problems: INVALID, their first code, every problem in words."""
    frame = validation.frame
    statuses, codes, messages = into
    duplicates: dict[str, tuple[int, str]] = {}
    if any("104131" in found for found in validation.errors.values()):
        seen: dict[str, list[int]] = {}
        for pid, row in zip(frame["productOrderId"].tolist(), frame["row"].tolist(), strict=True):
            if pid:
                seen.setdefault(pid, []).append(row)
        for pid, rows in seen.items():
            if len(rows) > 1:
                duplicates[pid] = (len(rows), rows_text(sorted(rows), lang))
    shown = ("productOrderId", "deliveryMethod", "deliveryCompanyCode", "trackingNumber", "dispatchDate")
    positions = np.array(list(validation.errors), dtype=np.int64)
    values = [frame[name][positions].tolist() for name in shown]
    said: dict[tuple[str, str], str] = {}  # rows share problems (no tracking number): each sentence made once

    def sentence(code: str, row: dict[str, Any]) -> str:
        key = (code, row[_SUBJECT[code]] if code in _SUBJECT else "")
        found = said.get(key)
        if found is None:
            found = said[key] = row_message(code, row, lang, duplicates)
        return found

    for position, *cells in zip(positions.tolist(), *values, strict=True):
        found = validation.errors[position]
        row = dict(zip(shown, cells, strict=True))
        statuses[position] = Status.INVALID
        codes[position] = found[0]
        messages[position] = MESSAGE_SEPARATOR.join(sentence(c, row) for c in found)
