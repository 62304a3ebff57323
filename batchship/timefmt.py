"""Time as people and NAVER read it: one time zone (KST, +09:00) and NAVER's exact date-time format."""

from __future__ import annotations

import datetime as dt
from typing import Final

KST: Final = dt.timezone(dt.timedelta(hours=9), "KST")


def now_kst() -> dt.datetime:
    return dt.datetime.now(KST)


def format_naver_time(value: dt.datetime) -> str:
    """NAVER's exact date-time form: `2022-04-05T12:17:35.000+09:00`, always KST, always milliseconds."""
    kst = value.astimezone(KST)
    return kst.strftime("%Y-%m-%dT%H:%M:%S.") + f"{kst.microsecond // 1000:03d}+09:00"


def display(text: str) -> str:
    """A NAVER-format time as a person reads it: `2024-05-05 14:30`."""
    return text[:16].replace("T", " ")
