"""Point-in-time inventory against an independent replay of the journal (property tests).

The small warehouse (session fixture ``warehouse_small``) is built once. The journal is read
into Polars and replayed here, with none of the warehouse's SQL: for random instants and
facilities, ``inventory_as_of`` must equal the replay up to that instant, and the daily
snapshot must equal it at each facility's local day end (computed here with zoneinfo);
``arrivals_between`` and ``sublot_moves_between`` must equal direct filters of the journal,
``sublot_location_as_of`` the sublot's replayed place, and the conveyor dwell summary the
stays paired up from the journal's conveyor entries.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantledger.quality.vocabularies import location_types

EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# the types where a positive entry sets the sublot's location: the location_types seed's rule
RELOCATING_TYPES = location_types("relocates_sublot")
ARRIVAL_KINDS = {
    "goods_receipt": "supplier_receipt",
    "goods_receipt_transit": "transfer_in",
    "receipt_from_wo": "production_receipt",
}
INVENTORY_KEY = [
    "facility_code",
    "location_code",
    "material_code",
    "material_sublot_code",
    "status",
]


@pytest.fixture(scope="module")
def con(warehouse_small):
    connection = warehouse_small.connect()
    connection.execute("set TimeZone = 'UTC'")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def journal(con) -> pl.DataFrame:
    return pl.from_arrow(
        con.sql(
            "select journal_entry_id, transaction_id, entry_side, entry_sequence, entry_at, "
            "facility_id, facility_code, location_code, location_type, is_physical, "
            "material_code, material_sublot_code, status, quantity, event_kind "
            "from marts.fact_inventory_journal"
        ).to_arrow_table()
    )


@pytest.fixture(scope="module")
def facilities(con) -> dict[str, str]:
    return dict(con.execute("select facility_code, timezone from marts.dim_facilities").fetchall())


@pytest.fixture(scope="module")
def window(journal) -> tuple[dt.datetime, dt.datetime]:
    """First entry, and the end of the history (midnight UTC after the last entry's day)."""
    first = journal["entry_at"].min()
    last_day = journal["entry_at"].max().date()
    return first, dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def _rows(con, sql: str, params: list[object], columns: list[str]) -> list[tuple]:
    table = pl.from_arrow(con.sql(sql, params=params).to_arrow_table())
    if table.height == 0:
        return []
    return sorted(table.select(columns).rows())


def _replay_stock(journal: pl.DataFrame, at: dt.datetime, facility: str | None) -> list[tuple]:
    entries = journal.filter(pl.col("is_physical") & (pl.col("entry_at") <= at))
    if facility is not None:
        entries = entries.filter(pl.col("facility_code") == facility)
    stock = (
        entries.group_by(INVENTORY_KEY)
        .agg(pl.col("quantity").sum())
        .filter(pl.col("quantity") != 0)
    )
    return sorted(stock.select([*INVENTORY_KEY, "quantity"]).rows())


def _instants(window_fixture):
    first, end = window_fixture
    span = int((end - first).total_seconds())
    return st.integers(-86_400, span + 86_400).map(lambda s: first + dt.timedelta(seconds=s))


# --- inventory_as_of ------------------------------------------------------------------------


def test_the_point_in_time_macros_are_in_the_warehouse(con):
    names = {
        name
        for (name,) in con.execute(
            "select function_name from duckdb_functions() where function_type = 'table_macro'"
        ).fetchall()
    }
    assert {
        "inventory_as_of",
        "arrivals_between",
        "sublot_moves_between",
        "sublot_location_as_of",
        "conveyor_dwell_between",
    } <= names


def test_inventory_as_of_equals_a_replay_of_the_journal(con, journal, facilities, window):
    entry_instants = journal["entry_at"].unique().sort().to_list()
    codes = sorted(facilities)

    @EXAMPLES
    @given(
        at=st.one_of(_instants(window), st.sampled_from(entry_instants)),
        facility=st.one_of(st.none(), st.sampled_from(codes)),
    )
    def check(at, facility):
        assert _inventory_as_of(con, at, facility) == _replay_stock(journal, at, facility)

    check()


def _inventory_as_of(session, at: dt.datetime, facility: str | None) -> list[tuple]:
    """inventory_as_of(at) for the whole company (facility None) or one facility, sorted."""
    where, params = ("", [at]) if facility is None else (" where facility_code = ?", [at, facility])
    return _rows(
        session, f"select * from inventory_as_of(?){where}", params, [*INVENTORY_KEY, "quantity"]
    )


def _utc_week_starts(window_fixture) -> list[dt.datetime]:
    """Every Monday 00:00 UTC from the week of the first entry to the one after the history."""
    first, end = window_fixture
    monday = dt.datetime.combine(
        first.date() - dt.timedelta(days=first.weekday()), dt.time(), tzinfo=dt.UTC
    )
    weeks = (end - monday).days // 7 + 2
    return [monday + dt.timedelta(weeks=week) for week in range(weeks)]


def test_inventory_as_of_at_week_boundaries_and_past_the_history_equals_the_replay(
    con, journal, facilities, window
):
    """The instants where fact_sublot_location_weeks changes week (each UTC Monday 00:00, and a
    microsecond either side), before the first entry, and long after the last one (no week of
    its own: the current intervals answer), for the whole company and one facility."""
    first, end = window
    edges = [
        at + dt.timedelta(microseconds=shift)
        for at in _utc_week_starts(window)[::3]
        for shift in (-1, 0, 1)
    ]
    far = [first - dt.timedelta(days=30), end + dt.timedelta(days=45), end + dt.timedelta(days=800)]
    busiest = journal["facility_code"].value_counts(sort=True)["facility_code"][0]
    # the week is UTC's whatever the session's time zone (14 hours ahead: another Monday)
    ahead = con.cursor()
    ahead.execute("set TimeZone = 'Pacific/Kiritimati'")
    checked = 0
    for index, at in enumerate([*edges, *far]):
        session = ahead if index % 2 else con
        for facility in (None, busiest):
            got = _inventory_as_of(session, at, facility)
            expected = _replay_stock(journal, at, facility)
            assert got == expected, f"{facility or 'company'} at {at.isoformat()}"
            checked += bool(expected)
    ahead.close()
    assert checked > len(edges)  # most instants hold stock: the comparison is not vacuous


def test_location_weeks_hold_each_physical_interval_once_per_utc_week_it_overlaps(con):
    """fact_sublot_location_weeks against the history spread over weeks here (Polars): a
    closed interval once per UTC week from the one of valid_from to the last starting before
    valid_to, a current one once with week_start +infinity."""
    history = pl.from_arrow(
        con.sql(
            "select sublot_location_history_id, valid_from, valid_to, quantity, "
            "material_sublot_code, location_code from marts.fact_sublot_location_history "
            "where is_physical"
        ).to_arrow_table()
    )
    closed = history.filter(pl.col("valid_to").is_not_null())
    spread = (
        closed.with_columns(
            pl.datetime_ranges(
                pl.col("valid_from").dt.truncate("1w"), pl.col("valid_to"), "1w"
            ).alias("week_start")
        )
        .explode("week_start")
        .filter(pl.col("week_start") < pl.col("valid_to"))
    )
    expected = sorted(
        [
            *spread.select(
                pl.col("week_start").dt.strftime("%Y-%m-%d %H:%M:%S"),
                "sublot_location_history_id",
                "quantity",
                "material_sublot_code",
                "location_code",
            ).rows(),
            *history.filter(pl.col("valid_to").is_null())
            .select(
                pl.lit("infinity").alias("week_start"),
                "sublot_location_history_id",
                "quantity",
                "material_sublot_code",
                "location_code",
            )
            .rows(),
        ]
    )
    got = sorted(
        con.execute(
            "select case when isfinite(week_start) then strftime(week_start at time zone 'UTC', "
            "'%Y-%m-%d %H:%M:%S') else 'infinity' end, sublot_location_history_id, quantity, "
            "material_sublot_code, location_code from marts.fact_sublot_location_weeks"
        ).fetchall()
    )
    assert len(spread) > len(closed)  # some intervals span weeks
    assert got == expected


def test_a_receipt_counts_from_its_own_instant_not_a_microsecond_before(con, journal):
    receipts = journal.filter(
        (pl.col("event_kind") == "goods_receipt") & (pl.col("entry_side") == "debit")
    ).head(5)
    sql = (
        "select quantity from inventory_as_of(?) "
        "where material_sublot_code = ? and location_code = ?"
    )
    for entry in receipts.iter_rows(named=True):
        where = [entry["material_sublot_code"], entry["location_code"]]
        at = con.execute(sql, [entry["entry_at"], *where]).fetchall()
        before = con.execute(sql, [entry["entry_at"] - dt.timedelta(microseconds=1), *where])
        assert at == [(entry["quantity"],)]
        assert before.fetchall() == []


def _local_day_end(day: dt.date, zone: str) -> dt.datetime:
    start_next = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(zone))
    return start_next.astimezone(dt.UTC) - dt.timedelta(microseconds=1)


def test_daily_snapshot_equals_the_replay_at_each_local_day_end(con, journal, facilities, window):
    first, end = window
    codes = sorted(facilities)
    days = (end.date() - first.date()).days

    @EXAMPLES
    @given(facility=st.sampled_from(codes), offset=st.integers(0, days))
    def check(facility, offset):
        zone = facilities[facility]
        first_day = first.astimezone(ZoneInfo(zone)).date()
        day = first_day + dt.timedelta(days=offset)
        day_end = _local_day_end(day, zone)
        snapshot = _rows(
            con,
            "select location_code, material_code, status, quantity, sublot_count, snapshot_at "
            "from marts.fact_inventory_snapshot_daily "
            "where facility_code = ? and snapshot_date = ?",
            [facility, day],
            ["location_code", "material_code", "status", "quantity", "sublot_count", "snapshot_at"],
        )
        if day_end >= end:  # the local day does not end within the history: no snapshot
            assert snapshot == []
            return
        assert all(row[-1] == day_end for row in snapshot)
        replayed = (
            pl.DataFrame(
                _replay_stock(journal, day_end, facility),
                schema=[*INVENTORY_KEY, "quantity"],
                orient="row",
            )
            .group_by(["location_code", "material_code", "status"])
            .agg(pl.col("quantity").sum(), pl.len().alias("sublot_count"))
        )
        expected = sorted(
            replayed.select(
                ["location_code", "material_code", "status", "quantity", "sublot_count"]
            ).rows()
        )
        assert [row[:-1] for row in snapshot] == expected
        as_of = _rows(
            con,
            "select location_code, material_code, status, sum(quantity) as quantity, "
            "count(*) as sublot_count from inventory_as_of(?) where facility_code = ? "
            "group by all",
            [day_end, facility],
            ["location_code", "material_code", "status", "quantity", "sublot_count"],
        )
        assert as_of == expected

    check()


def test_daily_snapshot_covers_each_facilitys_whole_local_days(con, facilities, window):
    first, end = window
    rows = con.execute(
        "select facility_code, min(snapshot_date), max(snapshot_date) "
        "from marts.fact_inventory_snapshot_daily group by facility_code"
    ).fetchall()
    assert rows
    for facility, low, high in rows:
        zone = ZoneInfo(facilities[facility])
        assert low >= first.astimezone(zone).date()
        assert _local_day_end(high, facilities[facility]) < end
        assert _local_day_end(high + dt.timedelta(days=1), facilities[facility]) >= end


# --- periods: arrivals and moves --------------------------------------------------------------


def _periods(window_fixture):
    first, end = window_fixture
    span = int((end - first).total_seconds())
    return st.tuples(st.integers(-3_600, span), st.integers(60, 21 * 86_400)).map(
        lambda pair: (
            first + dt.timedelta(seconds=pair[0]),
            first + dt.timedelta(seconds=pair[0] + pair[1]),
        )
    )


def _in(frame: pl.DataFrame, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    return frame.filter((pl.col("entry_at") >= start) & (pl.col("entry_at") < end))


def test_arrivals_between_equal_a_direct_filter_of_the_journal(con, journal, window):
    @EXAMPLES
    @given(period=_periods(window))
    def check(period):
        start, end = period
        entries = _in(journal, start, end).filter(pl.col("event_kind").is_in(list(ARRIVAL_KINDS)))
        debits = entries.filter(pl.col("entry_side") == "debit")
        credits = entries.filter(pl.col("entry_side") == "credit").select(
            "transaction_id",
            pl.col("facility_code").alias("from_facility_code"),
            pl.col("location_code").alias("from_location_code"),
        )
        expected = debits.join(credits, on="transaction_id").with_columns(
            pl.col("event_kind").replace_strict(ARRIVAL_KINDS).alias("arrival_kind")
        )
        columns = [
            "transaction_id",
            "facility_code",
            "location_code",
            "material_sublot_code",
            "status",
            "quantity",
            "arrival_kind",
            "from_facility_code",
            "from_location_code",
        ]
        got = _rows(con, "select * from arrivals_between(?, ?)", [start, end], columns)
        assert got == sorted(expected.select(columns).rows())

    check()


def test_sublot_moves_between_equal_a_direct_filter_of_the_journal(con, journal, window):
    @EXAMPLES
    @given(period=_periods(window))
    def check(period):
        start, end = period
        entries = _in(journal, start, end).filter(pl.col("is_physical"))
        debits = entries.filter(pl.col("entry_side") == "debit")
        credits = entries.filter(pl.col("entry_side") == "credit").select(
            "transaction_id",
            pl.col("facility_id").alias("from_facility_id"),
            pl.col("location_code").alias("from_location_code"),
        )
        expected = (
            debits.join(credits, on="transaction_id")
            .filter(
                (pl.col("facility_id") == pl.col("from_facility_id"))
                & (pl.col("location_code") != pl.col("from_location_code"))
            )
            .rename({"location_code": "to_location_code", "entry_at": "moved_at"})
        )
        columns = [
            "transaction_id",
            "facility_code",
            "material_sublot_code",
            "from_location_code",
            "to_location_code",
            "quantity",
            "moved_at",
        ]
        got = _rows(con, "select * from sublot_moves_between(?, ?)", [start, end], columns)
        assert got == sorted(expected.select(columns).rows())

    check()


def test_sublot_location_as_of_is_where_the_replay_puts_it(con, journal, window):
    relocating = journal.filter(pl.col("location_type").is_in(RELOCATING_TYPES))
    sublots = relocating["material_sublot_code"].unique().sort().to_list()

    @EXAMPLES
    @given(sublot=st.sampled_from(sublots), at=_instants(window))
    def check(sublot, at):
        held = (
            relocating.filter(
                (pl.col("material_sublot_code") == sublot) & (pl.col("entry_at") <= at)
            )
            .group_by(["location_code", "status"])
            .agg(pl.col("quantity").sum())
            .filter(pl.col("quantity") != 0)
        )
        got = _rows(
            con,
            "select * from sublot_location_as_of(?, ?)",
            [sublot, at],
            ["location_code", "status", "quantity"],
        )
        assert got == sorted(held.rows())
        assert len(got) <= 1  # one place at a time

    check()


# --- dwell ----------------------------------------------------------------------------------


def test_conveyor_dwell_matches_stays_paired_from_the_journal(con, journal, window):
    positions = journal.filter(pl.col("location_type") == "conveyor_position").sort(
        "entry_sequence"
    )
    stays = (
        positions.with_columns(
            pl.col("entry_at")
            .shift(-1)
            .over(["material_sublot_code", "location_code"])
            .alias("left_at"),
            pl.col("entry_side")
            .shift(-1)
            .over(["material_sublot_code", "location_code"])
            .alias("next_side"),
        )
        .filter((pl.col("entry_side") == "debit") & (pl.col("next_side") == "credit"))
        .with_columns(
            ((pl.col("left_at") - pl.col("entry_at")).dt.total_microseconds() / 1e6).alias("dwell")
        )
        .group_by("location_code")
        .agg(
            pl.len().alias("stays"),
            pl.col("dwell").mean().alias("mean"),
            pl.col("dwell").max().alias("max"),
        )
        .sort("location_code")
    )
    summary = pl.from_arrow(
        con.sql(
            "select location_code, stays, mean_dwell_seconds, max_dwell_seconds "
            "from marts.fact_conveyor_dwell_summary "
            "where location_type = 'conveyor_position' and stays > 0 order by location_code"
        ).to_arrow_table()
    )
    assert summary["location_code"].to_list() == stays["location_code"].to_list()
    assert summary["stays"].to_list() == stays["stays"].to_list()
    assert summary["mean_dwell_seconds"].to_list() == pytest.approx(stays["mean"].to_list())
    assert summary["max_dwell_seconds"].to_list() == pytest.approx(stays["max"].to_list())
    # the table macro over the whole history is the mart
    first, end = window
    columns = ["location_code", "stays", "sublots", "mean_dwell_seconds", "is_bottleneck"]
    macro = _rows(con, "select * from conveyor_dwell_between(?, ?)", [first, end], columns)
    mart = _rows(con, "select * from marts.fact_conveyor_dwell_summary", [], columns)
    assert [row[:3] for row in macro] == [row[:3] for row in mart]
    assert [row[3] for row in macro] == pytest.approx([row[3] for row in mart])
    # every line with traffic has exactly one bottleneck position (ties aside)
    bottlenecks = con.execute(
        "select conveyor_line_code, count(*) filter (where is_bottleneck) "
        "from marts.fact_conveyor_dwell_summary where location_type = 'conveyor_position' "
        "and stays > 0 group by 1"
    ).fetchall()
    assert bottlenecks and all(count >= 1 for _, count in bottlenecks)
