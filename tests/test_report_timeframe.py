"""Date phrases to instants per time zone (plantledger/report/timeframe.py), without a warehouse.

"Today" is fixed: Saturday 2026-11-21, Friday 2026-11-20 or Monday 2026-11-23. A day is read in
each facility's own zone; zones that give the same instant are asked together.
"""

from __future__ import annotations

import argparse
import datetime as dt

import pytest

from plantledger.params import ParameterError
from plantledger.report.timeframe import (
    ZoneScope,
    check_in_window,
    describe_as_of,
    reader_today,
    resolve_as_of,
    resolve_period,
    scopes,
)
from plantledger.report.warehouse import Facility, HistoryWindow

SATURDAY = dt.date(2026, 11, 21)
FRIDAY = dt.date(2026, 11, 20)
MONDAY = dt.date(2026, 11, 23)
WINDOW = HistoryWindow(
    dt.datetime(2024, 11, 22, 0, 30, tzinfo=dt.UTC), dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
)


class FakeWarehouse:
    def __init__(self, zones: dict[str, str]) -> None:
        self._facilities = {
            code: Facility(index, code, zone) for index, (code, zone) in enumerate(zones.items())
        }

    def facilities(self) -> dict[str, Facility]:
        return self._facilities

    def facility(self, code: str) -> Facility:
        return self._facilities[code]


WAREHOUSE = FakeWarehouse(
    {
        "FAC-CHI": "America/Chicago",
        "FAC-BNA": "America/Chicago",
        "FAC-MUN": "Europe/Berlin",
        "FAC-AMS": "Europe/Amsterdam",
        "FAC-TYO": "Asia/Tokyo",
    }
)


def _period_args(**given: str | None) -> argparse.Namespace:
    values = {"week": None, "on": None, "from_": None, "to": None}
    values.update(given)
    return argparse.Namespace(**values)


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def test_company_wide_as_of_asks_once_per_distinct_local_day_end():
    parts = resolve_as_of("friday last week", scopes(WAREHOUSE, None, None), SATURDAY)
    got = {(part.zones, part.facilities, part.start) for part in parts}
    assert got == {
        (("Asia/Tokyo",), ("FAC-TYO",), utc(2026, 11, 13, 14, 59, 59, 999999)),
        (
            ("Europe/Amsterdam", "Europe/Berlin"),
            ("FAC-AMS", "FAC-MUN"),
            utc(2026, 11, 13, 22, 59, 59, 999999),
        ),
        (("America/Chicago",), ("FAC-BNA", "FAC-CHI"), utc(2026, 11, 14, 5, 59, 59, 999999)),
    }
    assert [part.start for part in parts] == sorted(part.start for part in parts)


def test_one_facility_and_tz_give_one_instant():
    (chicago,) = resolve_as_of("last friday", scopes(WAREHOUSE, "FAC-CHI", None), SATURDAY)
    assert chicago.start == utc(2026, 11, 21, 5, 59, 59, 999999)
    assert chicago.facilities == ("FAC-CHI",)
    (everyone,) = resolve_as_of("last friday", scopes(WAREHOUSE, None, "UTC"), SATURDAY)
    assert everyone.start == utc(2026, 11, 20, 23, 59, 59, 999999)
    assert everyone.facilities is None


def test_an_offset_is_one_instant_for_every_zone():
    parts = resolve_as_of("2026-11-13T17:00:00+01:00", scopes(WAREHOUSE, None, None), SATURDAY)
    assert len(parts) == 1
    assert parts[0].start == utc(2026, 11, 13, 16)
    assert set(parts[0].facilities) == set(WAREHOUSE.facilities())


@pytest.mark.parametrize(
    ("today", "phrase", "day"),
    [
        (SATURDAY, "last friday", dt.date(2026, 11, 20)),
        (FRIDAY, "last friday", dt.date(2026, 11, 13)),
        (MONDAY, "last friday", dt.date(2026, 11, 20)),
        (SATURDAY, "friday last week", dt.date(2026, 11, 13)),
        (MONDAY, "friday last week", dt.date(2026, 11, 20)),
        (MONDAY, "yesterday", dt.date(2026, 11, 22)),
    ],
)
def test_a_day_as_of_is_the_end_of_that_local_day(today, phrase, day):
    (part,) = resolve_as_of(phrase, [ZoneScope("Asia/Tokyo", ("FAC-TYO",))], today)
    next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    assert part.start == next_midnight - dt.timedelta(hours=9, microseconds=1)


def test_weeks_run_from_local_monday_to_monday_across_a_clock_change():
    scoped = [ZoneScope("America/Chicago", ("FAC-CHI",))]
    label, (part,) = resolve_period(_period_args(week="2026-W44"), scoped, SATURDAY, WINDOW)
    assert label.startswith("week 2026-W44 (2026-10-26 to 2026-11-01)")
    assert part.start == utc(2026, 10, 26, 5)  # CDT, UTC-5
    assert part.end == utc(2026, 11, 2, 6)  # CST, UTC-6: the week is an hour longer
    _, (last,) = resolve_period(_period_args(week="last"), scoped, MONDAY, WINDOW)
    assert (last.start, last.end) == (utc(2026, 11, 16, 6), utc(2026, 11, 23, 6))
    _, (this,) = resolve_period(_period_args(week="this"), scoped, SATURDAY, WINDOW)
    assert (this.start, this.end) == (utc(2026, 11, 16, 6), utc(2026, 11, 23, 6))


def test_on_is_the_whole_local_day_and_from_to_include_the_last_day():
    scoped = [ZoneScope("Europe/Berlin", ("FAC-MUN",))]
    label, (day,) = resolve_period(_period_args(on="last friday"), scoped, SATURDAY, WINDOW)
    assert label == "Friday 2026-11-20"
    assert (day.start, day.end) == (utc(2026, 11, 19, 23), utc(2026, 11, 20, 23))
    _, (span,) = resolve_period(
        _period_args(from_="2026-11-09", to="2026-11-13"), scoped, SATURDAY, WINDOW
    )
    assert (span.start, span.end) == (utc(2026, 11, 8, 23), utc(2026, 11, 13, 23))
    _, (open_ended,) = resolve_period(
        _period_args(from_="2026-11-20 12:00"), scoped, SATURDAY, WINDOW
    )
    assert (open_ended.start, open_ended.end) == (utc(2026, 11, 20, 11), WINDOW.end_at)
    _, (everything,) = resolve_period(_period_args(), scoped, SATURDAY, WINDOW)
    assert (everything.start, everything.end) == (WINDOW.first_entry_at, WINDOW.end_at)


def test_dates_outside_the_data_are_refused_but_a_partly_covered_day_is_not():
    chicago = [ZoneScope("America/Chicago", ("FAC-CHI",))]
    today = resolve_as_of("today", chicago, SATURDAY)  # ends 2026-11-22 06:00 UTC, after the data
    check_in_window(today, WINDOW, "--as-of", "today")
    assert "the data ends at 2026-11-22 00:00:00 UTC" in "\n".join(
        describe_as_of("today", today, WINDOW)
    )
    for phrase in ("2024-11-20", "2026-11-23", "2026-11-22T00:00:01Z"):
        with pytest.raises(ParameterError, match="outside the data"):
            check_in_window(resolve_as_of(phrase, chicago, SATURDAY), WINDOW, "--as-of", phrase)
    with pytest.raises(ParameterError, match="outside the data"):
        resolve_period(_period_args(from_="2027-01-01"), chicago, SATURDAY, WINDOW)
    _, parts = resolve_period(_period_args(week="2024-W46"), chicago, SATURDAY, WINDOW)
    with pytest.raises(ParameterError, match="outside the data"):
        check_in_window(parts, WINDOW, "--week", "2024-W46")


def test_bad_periods_and_days():
    scoped = [ZoneScope("UTC", None)]
    with pytest.raises(ParameterError, match="--on takes a day"):
        resolve_period(_period_args(on="2026-11-13 17:00"), scoped, SATURDAY, WINDOW)
    with pytest.raises(ParameterError, match="must be after --from"):
        resolve_period(
            _period_args(from_="2026-11-13", to="2026-11-12 10:00"), scoped, SATURDAY, WINDOW
        )
    with pytest.raises(ParameterError, match="--to needs --from"):
        resolve_period(_period_args(week="last", to="2026-11-12"), scoped, SATURDAY, WINDOW)
    with pytest.raises(ParameterError, match="--week"):
        resolve_period(_period_args(week="fortnight"), scoped, SATURDAY, WINDOW)
    with pytest.raises(ParameterError, match="--as-of: cannot read"):
        resolve_as_of("next blue moon", scoped, SATURDAY)


def test_today_comes_from_the_option_or_the_zone():
    assert reader_today(argparse.Namespace(today="2026-11-23", tz=None)) == MONDAY
    in_tokyo = reader_today(argparse.Namespace(today=None, tz="Asia/Tokyo"))
    assert abs((in_tokyo - dt.date.today()).days) <= 1
    with pytest.raises(ParameterError, match="--today"):
        reader_today(argparse.Namespace(today="23/11/2026", tz=None))
    with pytest.raises(ParameterError, match="time zone"):
        reader_today(argparse.Namespace(today=None, tz="Mars/Olympus"))
