"""The date-phrase reader, with fixed "todays": a Saturday, a Friday and a Monday."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from plantledger.timephrase import PhraseError, parse_moment, parse_week, zone

SATURDAY = dt.date(2026, 11, 21)
FRIDAY = dt.date(2026, 11, 20)
MONDAY = dt.date(2026, 11, 23)
SUNDAY = dt.date(2026, 11, 22)
CHICAGO = ZoneInfo("America/Chicago")
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("today", "phrase", "expected"),
    [
        (SATURDAY, "last friday", dt.date(2026, 11, 20)),
        (SATURDAY, "friday last week", dt.date(2026, 11, 13)),
        (SATURDAY, "Friday", dt.date(2026, 11, 20)),
        (SATURDAY, "yesterday", dt.date(2026, 11, 20)),
        (SATURDAY, "today", SATURDAY),
        (SATURDAY, "3 days ago", dt.date(2026, 11, 18)),
        (SATURDAY, "this monday", dt.date(2026, 11, 16)),
        (FRIDAY, "last friday", dt.date(2026, 11, 13)),
        (FRIDAY, "friday", FRIDAY),
        (FRIDAY, "friday last week", dt.date(2026, 11, 13)),
        (FRIDAY, "friday this week", FRIDAY),
        (MONDAY, "last friday", dt.date(2026, 11, 20)),
        (MONDAY, "friday last week", dt.date(2026, 11, 20)),
        (MONDAY, "yesterday", SUNDAY),
        (MONDAY, "last monday", dt.date(2026, 11, 16)),
        (SUNDAY, "monday last week", dt.date(2026, 11, 9)),
        (SUNDAY, "last sunday", dt.date(2026, 11, 15)),
        (SATURDAY, "last fri", dt.date(2026, 11, 20)),
        (SATURDAY, "2026-11-13", dt.date(2026, 11, 13)),
    ],
)
def test_day_phrases(today, phrase, expected):
    moment = parse_moment(phrase, today)
    assert moment.day == expected
    assert moment.is_whole_day


def test_a_day_as_of_is_the_last_microsecond_of_that_local_day():
    moment = parse_moment("friday last week", SATURDAY)
    assert moment.at_end(UTC) == dt.datetime(2026, 11, 13, 23, 59, 59, 999999, tzinfo=dt.UTC)
    # Chicago is UTC-6 in November: the local day ends at 06:00 UTC the next day
    assert moment.at_end(CHICAGO) == dt.datetime(2026, 11, 14, 5, 59, 59, 999999, tzinfo=dt.UTC)


def test_a_day_as_a_period_is_the_whole_local_day():
    moment = parse_moment("last friday", SATURDAY)
    assert moment.at_start(CHICAGO) == dt.datetime(2026, 11, 20, 6, tzinfo=dt.UTC)
    assert moment.period_end(CHICAGO) == dt.datetime(2026, 11, 21, 6, tzinfo=dt.UTC)


def test_times_of_day_and_offsets():
    local = parse_moment("2026-11-13 17:00", SATURDAY)
    assert local.at_end(CHICAGO) == dt.datetime(2026, 11, 13, 23, 0, tzinfo=dt.UTC)
    assert parse_moment("last friday 17:30", SATURDAY).at_end(UTC) == dt.datetime(
        2026, 11, 20, 17, 30, tzinfo=dt.UTC
    )
    assert parse_moment("yesterday at 08:15", MONDAY).time == dt.time(8, 15)
    offset = parse_moment("2026-11-13T17:00:00+01:00", SATURDAY)
    assert offset.at_end(CHICAGO) == dt.datetime(2026, 11, 13, 16, 0, tzinfo=dt.UTC)
    assert parse_moment("2026-11-13T16:00:00Z", SATURDAY).at_end(CHICAGO) == dt.datetime(
        2026, 11, 13, 16, tzinfo=dt.UTC
    )


def test_daylight_saving_day_is_23_hours_long():
    moment = parse_moment("2026-03-08", SATURDAY)  # US spring forward
    assert moment.period_end(CHICAGO) - moment.at_start(CHICAGO) == dt.timedelta(hours=23)


@pytest.mark.parametrize(
    ("today", "phrase", "monday"),
    [
        (SATURDAY, "last", dt.date(2026, 11, 9)),
        (SATURDAY, "this", dt.date(2026, 11, 16)),
        (MONDAY, "last", dt.date(2026, 11, 16)),
        (SUNDAY, "last", dt.date(2026, 11, 9)),
        (SATURDAY, "2026-W46", dt.date(2026, 11, 9)),
        (SATURDAY, "2026-11-13", dt.date(2026, 11, 9)),
        (dt.date(2027, 1, 1), "last", dt.date(2026, 12, 21)),
    ],
)
def test_weeks_run_monday_to_monday(today, phrase, monday):
    start, end = parse_week(phrase, today)
    assert start == monday
    assert end - start == dt.timedelta(days=7)
    assert start.weekday() == 0


@pytest.mark.parametrize(
    "phrase", ["", "blursday", "last blursday", "2026-13-40", "2026-11-13 25:00", "next year"]
)
def test_unreadable_phrases_say_what_would_be_understood(phrase):
    with pytest.raises(PhraseError, match="use"):
        parse_moment(phrase, SATURDAY)


def test_unknown_week_and_zone():
    with pytest.raises(PhraseError, match="week"):
        parse_week("2026-W60", SATURDAY)
    with pytest.raises(PhraseError, match="time zone"):
        zone("Mars/Olympus")
