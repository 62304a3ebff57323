"""A date as staff write it in a sheet (or Excel stores it), read as a KST datetime.

A blank date means the time of the run. A date without a time means that day at the run's time of day (so
today's date means "now"). A date before 2000 cannot be read. All times are Korea time (KST) unless the text
names its offset.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from batchship.timefmt import KST

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
