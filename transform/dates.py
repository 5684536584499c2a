"""Dates and datetimes as the portals print them, read as Asia/Shanghai local time.

std.samr prints `YYYY-MM-DD`, hbba/dbba send epoch milliseconds, Suzhou's CMS prints
`YYYY-MM-DD HH:mm:ss`, notices write `YYYY年M月D日`. Everything here is pure: no tzdata
is needed (the zone's only post-1950 daylight-saving years are tabled below).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from transform.text import remembered, to_halfwidth

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_FIRST_YEAR, _LAST_YEAR = 1950, 2100

# China kept daylight-saving time (UTC+9) in the summers of 1986–1991. Servers that store
# a date as local midnight in Asia/Shanghai send those summer dates as 23:00 of the day
# before at a fixed UTC+8, so the epoch → local-date conversion must know these windows.
# UTC instants of the switches, from the IANA tz database.
_CHINA_DST_UTC = tuple(
    (datetime(*start, tzinfo=timezone.utc), datetime(*end, tzinfo=timezone.utc))
    for start, end in (
        ((1986, 5, 3, 18), (1986, 9, 13, 17)),
        ((1987, 4, 11, 18), (1987, 9, 12, 17)),
        ((1988, 4, 16, 18), (1988, 9, 10, 17)),
        ((1989, 4, 15, 18), (1989, 9, 16, 17)),
        ((1990, 4, 14, 18), (1990, 9, 15, 17)),
        ((1991, 4, 13, 18), (1991, 9, 14, 17)),
    )
)

_DATE_TIME = re.compile(
    r"""
    (?:
        (?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})
      | (?P<cy>\d{4})\s*年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*日
    )
    (?:(?:\s+|T)(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::(?P<ss>\d{2})(?:\.\d{1,6})?)?)?
    """,
    re.VERBOSE,
)
_EPOCH_DIGITS = re.compile(r"-?\d{1,13}")


class DateError(ValueError):
    """A value that is not a date the portals use."""


def _check_year(value: object, year: int) -> None:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise DateError(f"date {value!r}: year {year} is outside {_FIRST_YEAR}..{_LAST_YEAR}")


def _from_epoch(value: object, number: int) -> datetime:
    """An epoch count as an aware UTC datetime: up to 10 digits are seconds, 11–13 milliseconds.

    Millisecond values that fit in 10 digits are dates within four months of 1970-01-01,
    which no standard carries; seconds for 1950..2100 never exceed 10 digits.
    """
    digits = len(str(abs(number)))
    if digits > 13:
        raise DateError(f"date {value!r}: {digits} digits is neither epoch seconds nor milliseconds")
    if digits <= 10:
        return _EPOCH + timedelta(seconds=number)
    return _EPOCH + timedelta(milliseconds=number)


def _local_date(instant: datetime) -> date:
    """The calendar date in Asia/Shanghai, daylight-saving summers included."""
    offset = timedelta(hours=8)
    if any(start <= instant < end for start, end in _CHINA_DST_UTC):
        offset = timedelta(hours=9)
    return (instant + offset).date()


def _epoch_number(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _EPOCH_DIGITS.fullmatch(value) and len(value.lstrip("-")) in (10, 13):
        return int(value)
    return None


def _parse_text(value: object, text: str) -> datetime:
    """A date/time string as a naive local datetime (midnight when no time is given)."""
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        raise DateError(f"not a date: {value!r}")
    year, month, day = (int(match[k] or match["c" + k]) for k in ("y", "m", "d"))
    hour, minute, second = (int(match[k] or 0) for k in ("hh", "mm", "ss"))
    _check_year(value, year)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise DateError(f"not a valid date: {value!r} ({exc})") from None


def _text_of(value: object) -> str | None:
    """The stripped half-width text of a string value; None for a blank one."""
    if not isinstance(value, str):
        raise DateError(f"not a date: {value!r} (type {type(value).__name__})")
    text = to_halfwidth(value).strip()
    return text or None


def parse_date(value: object) -> date | None:
    """A calendar date from any form the portals use; None for a missing value.

    Accepted: `date`/`datetime` (an aware datetime is converted to Shanghai time);
    `YYYY-MM-DD`, `YYYY-M-D`, `YYYY/M/D`, `YYYY.M.D`, `YYYY年M月D日`, each optionally
    followed by `HH:MM[:SS]`, in half- or full-width digits; epoch milliseconds (an int,
    or a 13-digit string) and epoch seconds (a 10-digit string), read as the Shanghai
    local date. Raises `DateError` naming the value for anything else, impossible dates
    (2023-02-30) and years outside 1950..2100.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return _parse_date_text(value)
    if isinstance(value, datetime):
        result = _local_date(value) if value.tzinfo else value.date()
    elif isinstance(value, date):
        result = value
    elif (number := _epoch_number(value)) is not None:
        result = _local_date(_from_epoch(value, number))
    else:
        raise DateError(f"not a date: {value!r} (type {type(value).__name__})")
    _check_year(value, result.year)
    return result


@remembered(1 << 14)
def _parse_date_text(value: str) -> date | None:
    """`parse_date` of a string, remembered: the same dates recur on every page listing a standard
    (a date is immutable; a string that is no date raises again, as exceptions are not cached)."""
    if (number := _epoch_number(value)) is not None:
        result = _local_date(_from_epoch(value, number))
    else:
        text = _text_of(value)
        if text is None:
            return None
        if (number := _epoch_number(text)) is not None:
            result = _local_date(_from_epoch(value, number))
        else:
            result = _parse_text(value, text).date()
    _check_year(value, result.year)
    return result


def parse_datetime(value: object) -> datetime | None:
    """A timezone-aware datetime at UTC+8 (samr `SYS_INPUTIME`, the CMS's `PubDate`).

    Strings are read as Shanghai wall-clock time; a date without a time is midnight.
    Naive datetimes are taken as Shanghai time; aware ones and epoch values are
    converted. Raises `DateError` naming the value, like `parse_date`.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        result = value.astimezone(SHANGHAI) if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day, tzinfo=SHANGHAI)
    elif (number := _epoch_number(value)) is not None:
        result = _from_epoch(value, number).astimezone(SHANGHAI)
    else:
        text = _text_of(value)
        if text is None:
            return None
        if (number := _epoch_number(text)) is not None:
            result = _from_epoch(value, number).astimezone(SHANGHAI)
        else:
            result = _parse_text(value, text).replace(tzinfo=SHANGHAI)
    _check_year(value, result.year)
    return result
