"""Dates and datetimes in the portals' formats, read in Asia/Shanghai."""

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transform.dates import DateError, parse_date, parse_datetime

UTC8 = timezone(timedelta(hours=8))


@pytest.mark.parametrize("blank", [None, "", "   ", "\u3000"])
def test_blank_is_none(blank):
    assert parse_date(blank) is None


@pytest.mark.parametrize("text", [
    "2023-01-05", "2023-1-5", "2023/1/5", "2023/01/05", "2023.1.5", "2023年1月5日", "2023 年 1 月 5 日",
    "2023-01-05 10:11", "2023-01-05 10:11:12", "2023-01-05T10:11:12", "2023年1月5日 08:00",
    "２０２３－０１－０５", "２０２３年１月５日",
])
def test_date_formats(text):
    assert parse_date(text) == date(2023, 1, 5)


def test_date_object_is_returned_as_is():
    assert parse_date(date(2020, 2, 29)) == date(2020, 2, 29)


def test_naive_datetime_gives_its_date():
    assert parse_date(datetime(2020, 2, 29, 23, 59)) == date(2020, 2, 29)


def test_aware_datetime_is_read_in_shanghai():
    assert parse_date(datetime(2020, 2, 29, 16, 30, tzinfo=timezone.utc)) == date(2020, 3, 1)


def test_epoch_milliseconds_int_is_a_shanghai_date():
    # 2022-12-31T16:00:00Z is 2023-01-01 00:00 in Shanghai.
    assert parse_date(1672502400000) == date(2023, 1, 1)


def test_epoch_milliseconds_string():
    assert parse_date("1672502400000") == date(2023, 1, 1)


def test_epoch_seconds_string():
    assert parse_date("1672502400") == date(2023, 1, 1)


def test_epoch_milliseconds_before_2001_has_fewer_digits():
    # 1995-06-30T16:00:00Z = 804528000000 ms (12 digits): 1995-07-01 in Shanghai.
    assert parse_date(804528000000) == date(1995, 7, 1)


def test_epoch_of_a_daylight_saving_summer_midnight():
    # 1988-07-01 00:00 in Shanghai was UTC+9 (China kept DST 1986-1991): 1988-06-30T15:00Z,
    # 6755 days after the epoch plus 15 h. A fixed UTC+8 would read it as 23:00 on 30 June.
    assert parse_date(583686000000) == date(1988, 7, 1)


def test_short_epoch_ints_are_seconds():
    # Up to 10 digits is seconds: 1000000000 s is 2001-09-09T01:46:40Z.
    assert parse_date(1000000000) == date(2001, 9, 9)


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-13-01", "2023-01-05 25:00", "2023-01/05",
                                 "05/01/2023", "20230105", "yesterday", "1949-12-31", "2101-01-01",
                                 "12345678901234"])
def test_bad_dates_raise_naming_the_value(bad):
    with pytest.raises(DateError) as error:
        parse_date(bad)
    assert repr(bad) in str(error.value)


@pytest.mark.parametrize("bad", [True, 1.5, ["2023-01-05"]])
def test_other_types_raise(bad):
    with pytest.raises(DateError):
        parse_date(bad)


def test_datetime_of_samr_input_time_is_aware_utc8():
    parsed = parse_datetime("2026-05-26 09:31:32")
    assert parsed == datetime(2026, 5, 26, 9, 31, 32, tzinfo=UTC8)
    assert parsed.utcoffset() == timedelta(hours=8)


def test_datetime_without_seconds():
    assert parse_datetime("2026-05-26 09:31") == datetime(2026, 5, 26, 9, 31, tzinfo=UTC8)


def test_datetime_of_a_date_is_midnight():
    assert parse_datetime("2026-05-26") == datetime(2026, 5, 26, tzinfo=UTC8)


def test_datetime_from_epoch_milliseconds():
    assert parse_datetime(1672502400000) == datetime(2023, 1, 1, tzinfo=UTC8)


def test_naive_datetime_is_taken_as_shanghai_time():
    assert parse_datetime(datetime(2026, 5, 26, 9, 0)) == datetime(2026, 5, 26, 9, 0, tzinfo=UTC8)


def test_aware_datetime_is_converted_to_utc8():
    parsed = parse_datetime(datetime(2026, 5, 26, 1, 0, tzinfo=timezone.utc))
    assert (parsed.hour, parsed.utcoffset()) == (9, timedelta(hours=8))


def test_datetime_blank_is_none():
    assert parse_datetime(" ") is None


def test_datetime_bad_value_raises_naming_it():
    with pytest.raises(DateError, match="'2026-05-26 9:61'"):
        parse_datetime("2026-05-26 9:61")


# --- properties -----------------------------------------------------------------------------

dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))


def _fullwidth_digits(s: str) -> str:
    return s.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789-/."})


@given(dates, st.sampled_from([
    "{d:%Y-%m-%d}", "{d.year}-{d.month}-{d.day}", "{d.year}/{d.month}/{d.day}", "{d.year}.{d.month}.{d.day}",
    "{d.year}年{d.month}月{d.day}日", "{d:%Y-%m-%d} 12:34:56", "{d:%Y/%m/%d} 00:00",
]), st.booleans())
def test_dates_round_trip_through_each_format(d, template, full_width):
    text = template.format(d=d)
    assert parse_date(_fullwidth_digits(text) if full_width else text) == d


def _shanghai_midnight_ms(d: date) -> int:
    return int((datetime(d.year, d.month, d.day, tzinfo=UTC8) - datetime(1970, 1, 1, tzinfo=timezone.utc))
               / timedelta(milliseconds=1))


@given(dates.filter(lambda d: abs(_shanghai_midnight_ms(d)) >= 10**10))
def test_dates_round_trip_through_epoch_milliseconds(d):
    assert parse_date(_shanghai_midnight_ms(d)) == d


@given(st.dates(min_value=date(2002, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_round_trip_through_13_digit_strings(d):
    assert parse_date(str(_shanghai_midnight_ms(d))) == d


@given(dates, st.times())
def test_datetimes_round_trip(d, t):
    moment = datetime.combine(d, t.replace(microsecond=0))
    assert parse_datetime(f"{moment:%Y-%m-%d %H:%M:%S}") == moment.replace(tzinfo=UTC8)
