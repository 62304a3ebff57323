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
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar, cast

import numpy as np

from batchship import frames
from batchship.domain.codes import (
    NOT_DISPATCH_METHODS,
    PARCEL_METHODS,
    resolve_courier,
    resolve_method,
)
from batchship.domain.columns import Texts, filled, flags
from batchship.domain.dates import parse_date
from batchship.frames import Frame
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
_T = TypeVar("_T")

_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_TRACKING_JUNK = re.compile(r"[\s\-‐‑–—_/.]")


def _distinct(frame: Frame, column: str, flagged: bool = False) -> tuple[np.ndarray, list[Any]]:
    """A column's distinct keys, and each row's place among them (sheets repeat couriers, methods and dates:
    what is worked out of a key is worked out once, then spread in C). A key is the row's text, or, when
    `flagged`, (the cell was a number cell, the text)."""
    known = frame.codes.get(column)
    if known is not None:  # the reader found them (a large CSV)
        codes, texts = known
    else:
        values = frame[column].tolist()
        texts = list(set(values))
        place = {text: i for i, text in enumerate(texts)}
        codes = np.fromiter(map(place.__getitem__, values), dtype=np.int64, count=len(values))
    numeric = frame.get(f"{column}_numeric") if flagged else None
    if numeric is None or not numeric.any():
        return codes, [(False, text) for text in texts] if flagged else texts
    pairs, codes = np.unique(codes * 2 + numeric.astype(np.int64), return_inverse=True)
    return codes, [(bool(pair % 2), texts[pair // 2]) for pair in pairs.tolist()]


def _spread(codes: np.ndarray, values: list[Any], dtype: Any = object) -> np.ndarray:
    """`values` (one per distinct key) given to every row by its key's place."""
    table = np.empty(len(values), dtype=dtype)
    table[:] = values
    return table[codes]


def normalise(data: Frame, now: dt.datetime) -> Frame:
    """Add the normalised columns the schema checks and the planner sends.

    method (code, '' when unknown), courier (code, '' when blank or unknown), tracking (hyphens and spaces
    removed), date (NAVER's form, '' when unreadable), future (the date lies after `now`), age_days (whole
    days the date lies before `now`: a date long past still goes, with a warning) and paid_on (the payment
    date's day, `YYYY-MM-DD`, when the sheet has a readable one: a dispatch dated before it gets a warning).
    Each is computed once per distinct value and spread over the rows in C, or in C over the whole column.
    """
    frame = data.copy()  # the sheet's columns shared, not copied: only new columns are added
    codes, keys = _distinct(frame, "deliveryMethod")
    methods = ["DELIVERY" if not t else (resolve_method(t) or "") for t in keys]
    frame["method"] = _spread(codes, methods)
    frame.codes["method"] = (codes, methods)  # the rules ask the methods once each too
    codes, keys = _distinct(frame, "deliveryCompanyCode")
    frame["courier"] = _spread(codes, [resolve_courier(t) or "" if t else "" for t in keys])
    tracking = frame["trackingNumber"].tolist()  # most hold no junk at all: kept as they are
    for i in np.flatnonzero(~flags(tracking, str.isalnum)).tolist():
        tracking[i] = _TRACKING_JUNK.sub("", tracking[i])
    frame["tracking"] = np.array(tracking, dtype=object)
    codes, keys = _distinct(frame, "dispatchDate", flagged=True)
    dates = [_date_of(key, now) for key in keys]
    frame["date"] = _spread(codes, [d[0] for d in dates])
    frame["future"] = _spread(codes, [d[1] for d in dates], bool)
    frame["age_days"] = _spread(codes, [d[2] for d in dates], np.int64)
    frame["paid_on"] = _paid_on(frame, now)
    return frame


def _date_of(key: tuple[bool, str], now: dt.datetime) -> tuple[str, bool, int]:
    parsed = parse_date(key[1], key[0], now)
    if parsed is None:
        return "", False, 0
    return format_naver_time(parsed), parsed > now, max(0, (now - parsed).days)


def _paid_on(frame: Frame, now: dt.datetime) -> np.ndarray:
    """The payment date's day of each row (`YYYY-MM-DD`), '' when the sheet has none or it cannot be read."""
    if "paymentDate" not in frame:
        return np.full(len(frame), "", dtype=object)

    def day_of(key: tuple[bool, str]) -> str:
        numeric, text = key
        parsed = parse_date(text, numeric, now) if text else None
        return parsed.astimezone(KST).date().isoformat() if parsed else ""

    codes, keys = _distinct(frame, "paymentDate", flagged=True)
    return _spread(codes, [day_of(key) for key in keys])


#: The texts of the columns of the frame being validated (with the frame or column they came from, so they are
#: never given for another): worked out once, not once per rule.
_SHARED: dict[str, tuple[object, Any]] = {}


def _shared(owner: object, name: str, make: Callable[[], _T]) -> _T:
    found = _SHARED.get(name)
    if found is not None and found[0] is owner:
        return cast(_T, found[1])
    value = make()
    _SHARED[name] = (owner, value)
    return value


def _texts(owner: Frame | np.ndarray, column: str = "") -> Texts:
    """The `Texts` of a column of `owner` (a frame), or of `owner` itself (a column)."""

    def make() -> Texts:
        return Texts(owner[column] if isinstance(owner, Frame) else owner)

    return _shared(owner, f"texts:{column}", make)


def _parcel(df: Frame) -> np.ndarray:
    return _shared(df, "parcel", lambda: _method_among(df, PARCEL_METHODS))


def _method_among(df: Frame, wanted: Collection[str]) -> np.ndarray:
    """Which rows' methods are among `wanted`: asked once per distinct method, spread in C."""
    codes, keys = _shared(df, "methods", lambda: _distinct(df, "method"))
    return _spread(codes, [key in wanted for key in keys], bool)


def _scientific(texts: Texts) -> np.ndarray:
    """Which texts are written as Excel shows a long number (`2.02405E+15`): never a text of digits only."""
    return _shared(texts, "scientific", lambda: texts.where(~texts.decimal, _SCIENTIFIC.match))


#: A rule: its error code and a vectorised test, True where a row passes. `column`: a test of that column (an
#: object array of texts); `frame`: a test of the whole normalised frame.
Rule = tuple[str, Literal["column", "frame"], Callable[..., np.ndarray]]


def _product_order_rules() -> list[Rule]:
    def given(s: np.ndarray) -> np.ndarray:
        return ~_texts(s).blank

    def not_truncated(s: np.ndarray) -> np.ndarray:
        return ~_scientific(_texts(s))

    def sixteen_digits(s: np.ndarray) -> np.ndarray:  # `\\d{16}`, the blank and the truncated left to theirs
        texts = _texts(s)
        return texts.blank | _scientific(texts) | ((texts.lengths == 16) & texts.decimal)

    def once(s: np.ndarray) -> np.ndarray:
        texts = _texts(s)
        if len(set(texts.values)) == len(texts.values):  # the usual sheet: no number twice
            return np.ones(len(s), dtype=bool)
        counts = Counter(texts.values)
        return texts.blank | np.fromiter((counts[v] == 1 for v in texts.values), dtype=bool, count=len(s))

    return [
        ("BS101", "column", given),
        ("BS103", "column", not_truncated),
        ("BS102", "column", sixteen_digits),
        ("104131", "column", once),
    ]


def _frame_rules() -> list[Rule]:
    def excel_truncated_order(df: Frame) -> np.ndarray:
        """A 16-digit order number read from a number cell and ending in 0: Excel cut its last digit."""
        numeric = df["productOrderId_numeric"]
        if not numeric.any():
            return np.ones(len(df), dtype=bool)
        pid = _texts(df, "productOrderId")
        return ~pid.where(numeric & (pid.lengths == 16), lambda p: p.endswith("0"))

    def known_method(df: Frame) -> np.ndarray:
        return filled(df["method"])

    def dispatch_method(df: Frame) -> np.ndarray:
        return ~_method_among(df, NOT_DISPATCH_METHODS)

    def courier_given(df: Frame) -> np.ndarray:
        return ~_parcel(df) | filled(df["deliveryCompanyCode"])

    def courier_known(df: Frame) -> np.ndarray:
        return ~filled(df["deliveryCompanyCode"]) | filled(df["courier"])

    def tracking_given(df: Frame) -> np.ndarray:
        return ~_parcel(df) | filled(df["tracking"])

    def excel_number(df: Frame) -> np.ndarray:
        """Tracking numbers Excel turned into numbers: cut after 15 digits, or in scientific notation."""

        def make() -> np.ndarray:
            raw = _texts(df, "trackingNumber")
            long = df["trackingNumber_numeric"] & (_texts(df, "tracking").lengths > 15)
            return long | raw.where(~raw.decimal, lambda t: _SCIENTIFIC.match(t.strip()))

        return _shared(df, "excel_number", make)

    def tracking_not_truncated(df: Frame) -> np.ndarray:
        return ~excel_number(df)

    def tracking_format(df: Frame) -> np.ndarray:
        t = _texts(df, "tracking")
        length = t.lengths
        parcel_ok = t.letters_and_digits & (length >= TRACKING_MIN) & (length <= TRACKING_MAX)
        other_ok = t.letters_and_digits & (length <= OTHER_TRACKING_MAX)
        return t.blank | excel_number(df) | np.where(_parcel(df), parcel_ok, other_ok)

    def date_readable(df: Frame) -> np.ndarray:
        return filled(df["date"])

    def date_not_future(df: Frame) -> np.ndarray:
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
    frame, as a pandas DataFrame, and must find the same problems). `validate` runs the rules itself, on numpy
    arrays, without pandas or pandera's per-check bookkeeping."""
    pd = frames.pd()
    with frames.arrow_hidden():  # as pandas was: see `batchship.frames`
        from pandera.pandas import Check, Column, DataFrameSchema

    def on_column(fn: Callable[[np.ndarray], np.ndarray]) -> Callable[[Any], Any]:
        return lambda s: pd.Series(fn(s.to_numpy(dtype=object)), index=s.index)

    def on_frame(fn: Callable[[Frame], np.ndarray]) -> Callable[[Any], Any]:
        return lambda df: pd.Series(fn(Frame.from_pandas(df)), index=df.index)

    return DataFrameSchema(
        columns={
            "productOrderId": Column(
                str,
                checks=[Check(on_column(fn), name=code) for code, scope, fn in RULES if scope == "column"],
            ),
            "row": Column(int, unique=True),
        },
        checks=[Check(on_frame(fn), name=code) for code, scope, fn in RULES if scope == "frame"],
        name="shipping sheet",
    )


@dataclass(frozen=True, slots=True)
class Validation:
    """The outcome of the rules for a whole sheet.

    frame: the sheet's data plus the normalised columns (`method`, `courier`, `tracking`, `date`);
    errors: a row's place in the frame -> the error codes of that row, in `CODE_ORDER` (rows with no problem
    are absent).
    """

    frame: Frame
    errors: dict[int, list[str]]

    @property
    def valid_mask(self) -> np.ndarray:
        mask = np.ones(len(self.frame), dtype=bool)
        mask[list(self.errors)] = False
        return mask


def validate(data: Frame, now: dt.datetime) -> Validation:
    """Normalise `data` and check every row against `RULES`, collecting every problem of every row."""
    frame = normalise(data, now)
    failing: dict[str, list[int]] = {}
    orders = frame["productOrderId"]
    try:
        for code, scope, rule in RULES:
            passed = np.asarray(rule(orders if scope == "column" else frame), dtype=bool)
            failed = np.flatnonzero(~passed)
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
