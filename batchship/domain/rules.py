"""The rules a row must pass before it may be sent, declared once (`RULES`; `schema()` is them as a pandera
schema).

`validate(sheet.data, now=...)` normalises every row (courier and method names to NAVER's codes, hyphens out
of tracking numbers, dates to NAVER's exact format), runs every rule on whole columns so every problem of every
row is found in one pass, and returns a `Validation`: per row, the normalised values and the list of error codes.

Each check is named by the error code it reports. Where a check is the same as one NAVER applies, it carries
NAVER's code (104118 courier missing, 104119 courier unknown, 104120 tracking missing, 104122 tracking
invalid, 104131 duplicate order), so staff see one vocabulary whether batchship or NAVER caught it. The other
codes are batchship's own (`BS...`, see `domain.meanings.OWN_CODES` and the README).

Dates: a blank date means the time of the run. A date without a time means that day at the run's time of day
(so today's date means "now"). A date and time in the future is refused. All times are Korea time (KST).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd

from batchship.domain.codes import (
    NOT_DISPATCH_METHODS,
    PARCEL_METHODS,
    resolve_courier,
    resolve_method,
)
from batchship.timefmt import KST, format_naver_time

if TYPE_CHECKING:
    from pandera.pandas import DataFrameSchema

#: Tracking numbers for parcel methods: letters and digits only, this long (after hyphens/spaces are removed).
TRACKING_MIN, TRACKING_MAX = 8, 30
#: Tracking numbers for methods without a parcel (optional): letters and digits, at most this long.
OTHER_TRACKING_MAX: Final = 50

#: The order in which a row's problems are listed (the first is the row's error code).
CODE_ORDER: Final = (
    "BS101",
    "BS103",
    "BS102",
    "104131",
    "BS201",
    "BS202",
    "104118",
    "104119",
    "104120",
    "BS301",
    "104122",
    "BS401",
    "BS402",
)
_RANK: Final = {code: i for i, code in enumerate(CODE_ORDER)}

_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_TRACKING_JUNK = re.compile(r"[\s\-‐‑–—_/.]")


_DATE = re.compile(
    r"^(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*[.일]?"
    r"(?:\s*(?:T|\s)\s*(?:(오전|오후|AM|PM)\s*)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(오전|오후|AM|PM)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\s*(\d{2}):?(\d{2})(?::?(\d{2}))?)?$")
_EXCEL_EPOCH: Final = dt.datetime(1899, 12, 30)


def parse_date(text: str, numeric: bool, now: dt.datetime) -> dt.datetime | None:
    """A dispatch date as a KST datetime, or None when it cannot be read. See the module docstring."""
    if not text:
        return now
    time_given = True
    if numeric and re.fullmatch(r"\d+(\.\d+)?", text) and 20000 <= float(text) < 80000:
        value = _EXCEL_EPOCH + dt.timedelta(days=float(text))
        time_given = float(text) != int(float(text))
        parsed = value.replace(tzinfo=KST)
    else:
        m = _DATE.match(text)
        if m:
            year, month, day = int(m[1]), int(m[2]), int(m[3])
            ampm = (m[4] or m[9] or "").upper()
            hour, minute = int(m[5] or 0), int(m[6] or 0)
            second, frac = int(m[7] or 0), (m[8] or "0")
            time_given = m[5] is not None
            if ampm in ("오후", "PM") and hour < 12:
                hour += 12
            elif ampm in ("오전", "AM") and hour == 12:
                hour = 0
            tz = KST
            if m[10]:
                if m[10].upper() == "Z":
                    tz = dt.UTC
                else:
                    sign = 1 if m[10][0] == "+" else -1
                    digits = m[10][1:].replace(":", "")
                    tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
            micro = int(frac.ljust(6, "0")[:6])
        else:
            c = _COMPACT.match(text)
            if not c:
                return None
            year, month, day = int(c[1]), int(c[2]), int(c[3])
            hour, minute, second, micro = int(c[4] or 0), int(c[5] or 0), int(c[6] or 0), 0
            time_given = c[4] is not None
            tz = KST
        try:
            parsed = dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=tz).astimezone(KST)
        except ValueError:
            return None
    if not time_given:
        local_now = now.astimezone(KST)
        parsed = parsed.replace(
            hour=local_now.hour,
            minute=local_now.minute,
            second=local_now.second,
            microsecond=local_now.microsecond,
        )
    if parsed.year < 2000:
        return None
    return parsed


def _on_unique(series: pd.Series, func: Callable[[str], object]) -> pd.Series:
    """Apply `func` once per distinct value (sheets repeat couriers, methods and dates a lot)."""
    uniques = series.unique()
    return series.map(dict(zip(uniques, (func(u) for u in uniques), strict=True)))


def normalise(data: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """Add the normalised columns the schema checks and the planner sends.

    method (code, '' when unknown), courier (code, '' when blank or unknown), tracking (hyphens and spaces
    removed), date (NAVER's form, '' when unreadable), future (the date lies after `now`), age_days (whole
    days the date lies before `now`: a date long past still goes, with a warning) and paid_on (the payment
    date's day, `YYYY-MM-DD`, when the sheet has a readable one: a dispatch dated before it gets a warning).
    """
    frame = data.copy()
    method_text = frame["deliveryMethod"]
    frame["method"] = _on_unique(method_text, lambda t: "DELIVERY" if not t else (resolve_method(t) or ""))
    frame["courier"] = _on_unique(
        frame["deliveryCompanyCode"], lambda t: resolve_courier(t) or "" if t else ""
    )
    tracking = frame["trackingNumber"].tolist()  # most hold no junk at all: kept as they are
    frame["tracking"] = pd.Series(
        [t if t.isalnum() else _TRACKING_JUNK.sub("", t) for t in tracking], index=frame.index, dtype=object
    )
    keys = frame["dispatchDate_numeric"].map({True: "1", False: "0"}) + frame["dispatchDate"]

    def date_of(key: str) -> tuple[str, bool, int]:
        parsed = parse_date(key[1:], key[0] == "1", now)
        if parsed is None:
            return "", False, 0
        return format_naver_time(parsed), parsed > now, max(0, (now - parsed).days)

    uniques = keys.unique()
    table = {u: date_of(u) for u in uniques}
    frame["date"] = keys.map({k: v[0] for k, v in table.items()}).astype(object)
    frame["future"] = keys.map({k: v[1] for k, v in table.items()}).astype(bool)
    frame["age_days"] = keys.map({k: v[2] for k, v in table.items()}).astype(int)
    frame["paid_on"] = _paid_on(frame, now)
    return frame


def _paid_on(frame: pd.DataFrame, now: dt.datetime) -> pd.Series:
    """The payment date's day of each row (`YYYY-MM-DD`), '' when the sheet has none or it cannot be read."""
    if "paymentDate" not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    numeric = frame.get("paymentDate_numeric", pd.Series(False, index=frame.index))
    keys = numeric.map({True: "1", False: "0"}) + frame["paymentDate"]

    def day_of(key: str) -> str:
        parsed = parse_date(key[1:], key[0] == "1", now) if len(key) > 1 else None
        return parsed.astimezone(KST).date().isoformat() if parsed else ""

    return _on_unique(keys, day_of).astype(object)


#: Masks several rules share, kept for the frame being validated (with the frame itself, so a mask is never
#: given for another frame): computed once, not once per rule.
_SHARED: dict[str, tuple[object, pd.Series]] = {}


def _shared(df: pd.DataFrame | pd.Series, name: str, make: Callable[[], pd.Series]) -> pd.Series:
    found = _SHARED.get(name)
    if found is not None and found[0] is df:
        return found[1]
    mask = make()
    _SHARED[name] = (df, mask)
    return mask


_SIXTEEN_DIGITS: Final = re.compile(r"\d{16}")
_LETTERS_AND_DIGITS: Final = re.compile(r"[A-Za-z0-9]+")


def _each(s: pd.Series, test: Callable[[str], object]) -> pd.Series:
    """`test` of every text of `s`, as a boolean Series (a plain loop over the texts: pandas' `.str` methods
    do the same with more bookkeeping per value)."""
    values = s.tolist()
    return pd.Series(np.fromiter(map(bool, map(test, values)), bool, len(values)), index=s.index)


def _lengths(s: pd.Series) -> pd.Series:
    values = s.tolist()
    return pd.Series(np.fromiter(map(len, values), np.int64, len(values)), index=s.index)


def _parcel(df: pd.DataFrame) -> pd.Series:
    return _shared(df, "parcel", lambda: df["method"].isin(PARCEL_METHODS))


def _scientific(s: pd.Series) -> pd.Series:
    """Which order numbers are written as Excel shows a long number (`2.02405E+15`)."""
    return _shared(s, "scientific", lambda: _each(s, _SCIENTIFIC.match))


#: A rule: its error code and a vectorised test, True where a row passes. `column`: a test of that column
#: (a Series); `frame`: a test of the whole normalised frame.
Rule = tuple[str, Literal["column", "frame"], Callable[..., pd.Series]]


def _product_order_rules() -> list[Rule]:
    def not_truncated(s: pd.Series) -> pd.Series:
        return ~_scientific(s)

    return [
        ("BS101", "column", lambda s: s != ""),
        ("BS103", "column", not_truncated),
        ("BS102", "column", lambda s: (s == "") | _scientific(s) | _each(s, _SIXTEEN_DIGITS.fullmatch)),
        ("104131", "column", lambda s: (s == "") | ~s.duplicated(keep=False)),
    ]


def _frame_rules() -> list[Rule]:
    def excel_truncated_order(df: pd.DataFrame) -> pd.Series:
        pid = df["productOrderId"]
        cut = _each(pid, lambda p: len(p) == 16 and p.endswith("0"))
        return ~(df["productOrderId_numeric"] & cut)

    def known_method(df: pd.DataFrame) -> pd.Series:
        return df["method"] != ""

    def dispatch_method(df: pd.DataFrame) -> pd.Series:
        return ~df["method"].isin(NOT_DISPATCH_METHODS)

    def courier_given(df: pd.DataFrame) -> pd.Series:
        return ~_parcel(df) | (df["deliveryCompanyCode"] != "")

    def courier_known(df: pd.DataFrame) -> pd.Series:
        return (df["deliveryCompanyCode"] == "") | (df["courier"] != "")

    def tracking_given(df: pd.DataFrame) -> pd.Series:
        return ~_parcel(df) | (df["tracking"] != "")

    def excel_number(df: pd.DataFrame) -> pd.Series:
        """Tracking numbers Excel turned into numbers: cut after 15 digits, or in scientific notation."""

        def make() -> pd.Series:
            long = df["trackingNumber_numeric"] & (_lengths(df["tracking"]) > 15)
            return long | _each(df["trackingNumber"], lambda t: _SCIENTIFIC.match(t.strip()))

        return _shared(df, "excel_number", make)

    def tracking_not_truncated(df: pd.DataFrame) -> pd.Series:
        return ~excel_number(df)

    def tracking_format(df: pd.DataFrame) -> pd.Series:
        t = df["tracking"]
        letters_and_digits, length = _each(t, _LETTERS_AND_DIGITS.fullmatch), _lengths(t)
        parcel_ok = letters_and_digits & length.between(TRACKING_MIN, TRACKING_MAX)
        other_ok = letters_and_digits & (length <= OTHER_TRACKING_MAX)
        return (t == "") | excel_number(df) | parcel_ok.where(_parcel(df), other_ok)

    def date_readable(df: pd.DataFrame) -> pd.Series:
        return df["date"] != ""

    def date_not_future(df: pd.DataFrame) -> pd.Series:
        return ~df["future"]

    return [
        ("BS103", "frame", excel_truncated_order),
        ("BS201", "frame", known_method),
        ("BS202", "frame", dispatch_method),
        ("104118", "frame", courier_given),
        ("104119", "frame", courier_known),
        ("104120", "frame", tracking_given),
        ("BS301", "frame", tracking_not_truncated),
        ("104122", "frame", tracking_format),
        ("BS401", "frame", date_readable),
        ("BS402", "frame", date_not_future),
    ]


#: Every rule, once: the productOrderId column's, then the whole row's.
RULES: Final[tuple[Rule, ...]] = (*_product_order_rules(), *_frame_rules())


def schema() -> DataFrameSchema:
    """The rules as a pandera schema: the declaration the tests hold `validate` to (pandera validates the same
    frame and must find the same problems). `validate` runs the rules itself, vectorised, without pandera's
    per-check bookkeeping, which cost twice the rules' own time on a 100,000-row sheet."""
    from pandera.pandas import Check, Column, DataFrameSchema

    return DataFrameSchema(
        columns={
            "productOrderId": Column(
                str, checks=[Check(fn, name=code) for code, scope, fn in RULES if scope == "column"]
            ),
            "row": Column(int, unique=True),
        },
        checks=[Check(fn, name=code) for code, scope, fn in RULES if scope == "frame"],
        name="shipping sheet",
    )


@dataclass(frozen=True, slots=True)
class Validation:
    """The outcome of the rules for a whole sheet.

    frame: the sheet's data plus the normalised columns (`method`, `courier`, `tracking`, `date`);
    errors: DataFrame index -> the error codes of that row, in `CODE_ORDER` (rows with no problem are absent).
    """

    frame: pd.DataFrame
    errors: dict[int, list[str]]

    @property
    def valid_mask(self) -> pd.Series:
        return pd.Series(~self.frame.index.isin(list(self.errors)), index=self.frame.index)


def validate(data: pd.DataFrame, now: dt.datetime) -> Validation:
    """Normalise `data` and check every row against `RULES`, collecting every problem of every row."""
    frame = normalise(data, now)
    failing: dict[str, list[int]] = {}
    orders = frame["productOrderId"]
    try:
        for code, scope, rule in RULES:
            passed = rule(orders if scope == "column" else frame)
            failed = frame.index[~passed.to_numpy(dtype=bool)]
            if len(failed):
                failing.setdefault(code, []).extend(failed.tolist())
    finally:
        _SHARED.clear()
    errors: dict[int, set[str]] = {}
    for code, indexes in failing.items():
        for index in indexes:
            errors.setdefault(index, set()).add(code)
    ordered = {i: sorted(codes, key=_RANK.__getitem__) for i, codes in sorted(errors.items())}
    return Validation(frame=frame, errors=ordered)
