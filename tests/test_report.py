"""`plantledger report inventory|arrivals|moves|dwell` on the small warehouse.

Dates are read with a fixed "today" (--today 2026-11-21, a Saturday; the small data set ends
that day), each answer is compared with the table macros at the instants the test computes
itself with zoneinfo, and every kind of bad input must end as one line with exit code 2.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
import pytest

from plantledger import cli
from plantledger.report import REPORTS
from plantledger.report.warehouse import Warehouse

TODAY = "2026-11-21"  # a Saturday: "friday last week" is 2026-11-13, "last friday" 2026-11-20
INVENTORY_COLUMNS = [
    "facility_code",
    "location_code",
    "material_code",
    "material_sublot_code",
    "status",
    "quantity",
]


@pytest.fixture(scope="module")
def wh(warehouse_small) -> str:
    return str(warehouse_small.duckdb)


@pytest.fixture(scope="module")
def con(warehouse_small):
    connection = warehouse_small.connect()
    connection.execute("set TimeZone = 'UTC'")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def facilities(con) -> dict[str, str]:
    return dict(
        con.execute(
            "select facility_code, timezone from marts.dim_facilities order by facility_code"
        ).fetchall()
    )


@pytest.fixture(scope="module")
def facility(con, facilities) -> str:
    """A facility away from UTC with stock on 2026-11-13."""
    for code, zone in facilities.items():
        if zone == "UTC":
            continue
        (count,) = con.execute(
            "select count(*) from inventory_as_of(?) where facility_code = ?",
            [_day_end(dt.date(2026, 11, 13), zone), code],
        ).fetchall()[0]
        if count:
            return code
    pytest.skip("no facility with stock on 2026-11-13")


def _day_end(day: dt.date, zone: str) -> dt.datetime:
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(zone))
    return start.astimezone(dt.UTC) - dt.timedelta(microseconds=1)


def _day_start(day: dt.date, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["report", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _csv(text: str) -> pl.DataFrame:
    return pl.read_csv(io.StringIO(text), infer_schema_length=0)


def _macro(con, sql: str, params: list[object], columns: list[str]) -> list[tuple]:
    frame = pl.from_arrow(con.sql(sql, params=params).to_arrow_table())
    return sorted(tuple(str(v) for v in row) for row in frame.select(columns).rows())


def _as_text(frame: pl.DataFrame, columns: list[str]) -> list[tuple]:
    return sorted(
        tuple("" if v is None else v for v in row) for row in frame.select(columns).rows()
    )


def test_reports_are_registered():
    assert list(REPORTS)[:4] == ["inventory", "arrivals", "moves", "dwell"]


# --- inventory --------------------------------------------------------------------------------


def test_inventory_of_one_facility_is_the_macro_at_its_local_end_of_day(
    capsys, con, wh, facility, facilities
):
    code, out, err = _run(
        capsys,
        "inventory",
        "--as-of",
        "friday last week",
        "--today",
        TODAY,
        "--facility",
        facility,
        "--format",
        "csv",
        "--warehouse",
        wh,
    )
    assert code == 0, err
    at = _day_end(dt.date(2026, 11, 13), facilities[facility])
    assert at.strftime("%Y-%m-%d %H:%M:%S.999999 UTC") in err  # the instant it answered for
    assert facilities[facility] in err
    expected = _macro(
        con,
        "select * from inventory_as_of(?) where facility_code = ?",
        [at, facility],
        INVENTORY_COLUMNS,
    )
    assert expected
    assert _as_text(_csv(out), INVENTORY_COLUMNS) == expected


def test_company_wide_as_of_a_day_is_each_facilitys_own_day(capsys, con, wh, facilities):
    code, out, err = _run(
        capsys, "inventory", "--as-of", "2026-11-13", "--format", "json", "--warehouse", wh
    )
    assert code == 0, err
    document = json.loads(out)
    assert document["report"] == "inventory"
    resolved = document["query"]["resolved"]
    zones = {zone for part in resolved for zone in part["zones"]}
    assert zones == set(facilities.values())
    for part in resolved:  # one instant per group of zones, each its zones' local end of day
        for zone in part["zones"]:
            assert dt.datetime.fromisoformat(part["at"]) == _day_end(dt.date(2026, 11, 13), zone)
    expected = []
    for code_, zone in facilities.items():
        expected += _macro(
            con,
            "select * from inventory_as_of(?) where facility_code = ?",
            [_day_end(dt.date(2026, 11, 13), zone), code_],
            INVENTORY_COLUMNS,
        )
    rows = pl.DataFrame(document["rows"]).with_columns(pl.col("quantity").cast(pl.String))
    assert _as_text(rows, INVENTORY_COLUMNS) == sorted(expected)
    assert document["totals"]["rows"] == len(expected)
    # quantities are totalled per unit of measure only; together they hold every row
    assert "quantity" not in document["totals"]
    per_unit = document["totals_per_unit_of_measure"]["rows"]
    assert sum(unit["quantity"] for unit in per_unit) == sum(int(row[-1]) for row in expected)


def test_tz_reads_every_facility_in_one_zone(capsys, con, wh):
    code, out, err = _run(
        capsys,
        "inventory",
        "--as-of",
        "2026-11-13",
        "--tz",
        "UTC",
        "--format",
        "json",
        "--warehouse",
        wh,
    )
    assert code == 0, err
    resolved = json.loads(out)["query"]["resolved"]
    assert len(resolved) == 1
    assert resolved[0]["facilities"] is None
    assert resolved[0]["at"] == "2026-11-13T23:59:59.999999+00:00"


def test_an_instant_with_an_offset_is_taken_as_it_is(capsys, con, wh, facility):
    code, out, err = _run(
        capsys,
        "inventory",
        "--as-of",
        "2026-11-13T17:00:00+01:00",
        "--facility",
        facility,
        "--format",
        "csv",
        "--warehouse",
        wh,
    )
    assert code == 0, err
    assert "2026-11-13 16:00:00 UTC" in err
    expected = _macro(
        con,
        "select * from inventory_as_of(?) where facility_code = ?",
        [dt.datetime(2026, 11, 13, 16, tzinfo=dt.UTC), facility],
        INVENTORY_COLUMNS,
    )
    assert _as_text(_csv(out), INVENTORY_COLUMNS) == expected


def test_table_output_prints_the_instants_rows_and_totals(capsys, con, wh, facility, facilities):
    code, out, err = _run(
        capsys,
        "inventory",
        "--as-of",
        "friday last week",
        "--today",
        TODAY,
        "--facility",
        facility,
        "--limit",
        "3",
        "--warehouse",
        wh,
    )
    assert code == 0, err
    at = _day_end(dt.date(2026, 11, 13), facilities[facility])
    per_unit = con.execute(
        "select units.unit_of_measure, count(*), sum(stock.quantity) "
        "from inventory_as_of(?) as stock inner join marts.dim_material_valuation as units "
        "on stock.material_code = units.material_code where stock.facility_code = ? "
        "group by units.unit_of_measure",
        [at, facility],
    ).fetchall()
    rows = sum(count for _, count, _ in per_unit)
    assert "as of 'friday last week'" in out
    assert at.strftime("%Y-%m-%d %H:%M:%S.999999 UTC") in out
    assert f"total ({rows:,} rows)" in out
    # quantities per unit of measure (a table of their own), none across units
    lines = out.splitlines()
    for unit, _, quantity in per_unit:
        assert any(f" {unit} " in line and f"{quantity:,}" in line for line in lines), unit
    footer = next(line for line in lines if f"total ({rows:,} rows)" in line)
    assert f"{sum(quantity for _, _, quantity in per_unit):,}" not in footer
    if rows > 3:
        assert f"{rows - 3:,} more rows not shown" in out


def test_filters_narrow_the_rows(capsys, con, wh, facility, facilities):
    at = _day_end(dt.date(2026, 11, 13), facilities[facility])
    material, location, status = con.execute(
        "select material_code, location_code, status from inventory_as_of(?) "
        "where facility_code = ? order by location_code limit 1",
        [at, facility],
    ).fetchall()[0]
    area = location.rsplit("/", 1)[0]
    code, out, err = _run(
        capsys,
        "inventory",
        "--as-of",
        "2026-11-13",
        "--location",
        area,
        "--material",
        material,
        "--status",
        status,
        "--format",
        "csv",
        "--warehouse",
        wh,
    )
    assert code == 0, err
    frame = _csv(out)
    assert frame.height >= 1
    assert set(frame["material_code"]) == {material}
    assert set(frame["status"]) == {status}
    assert all(loc == area or loc.startswith(area + "/") for loc in frame["location_code"])


def test_user_values_are_bound_as_parameters(capsys, monkeypatch, wh, facility):
    seen: list[tuple[str, list[object]]] = []
    original = Warehouse.query

    def spy(self, sql, params=()):
        seen.append((sql, list(params)))
        return original(self, sql, params)

    monkeypatch.setattr(Warehouse, "query", spy)
    code, _, err = _run(
        capsys,
        "inventory",
        "--as-of",
        "2026-11-13",
        "--facility",
        facility,
        "--status",
        "quality_hold",
        "--warehouse",
        wh,
    )
    assert code == 0, err
    assert seen
    for sql, params in seen:
        assert facility not in sql and "quality_hold" not in sql
        assert facility in params and "quality_hold" in params


def test_parquet_and_csv_hold_the_same_rows(capsys, tmp_path, wh, facility):
    base = ["inventory", "--as-of", "2026-11-13", "--facility", facility, "--warehouse", wh]
    parquet = tmp_path / "stock.parquet"
    csv = tmp_path / "stock.csv"
    assert _run(capsys, *base, "--format", "parquet", "--output", str(parquet))[0] == 0
    assert _run(capsys, *base, "--format", "csv", "--output", str(csv))[0] == 0
    from_parquet = pl.read_parquet(parquet)
    from_csv = pl.read_csv(csv)
    assert from_parquet.columns == [*INVENTORY_COLUMNS, "unit_of_measure"]
    assert from_parquet.height == from_csv.height > 0
    assert from_parquet["quantity"].sum() == from_csv["quantity"].sum()


# --- arrivals, moves, dwell -------------------------------------------------------------------


def test_arrivals_last_week_are_the_macro_over_the_local_week(
    capsys, con, wh, facility, facilities
):
    code, out, err = _run(
        capsys,
        "arrivals",
        "--week",
        "last",
        "--today",
        TODAY,
        "--facility",
        facility,
        "--format",
        "csv",
        "--warehouse",
        wh,
    )
    assert code == 0, err
    zone = facilities[facility]
    start, end = _day_start(dt.date(2026, 11, 9), zone), _day_start(dt.date(2026, 11, 16), zone)
    assert "week 2026-W46" in err
    columns = ["facility_code", "material_sublot_code", "quantity", "arrival_kind"]
    expected = _macro(
        con,
        "select * from arrivals_between(?, ?) where facility_code = ?",
        [start, end, facility],
        columns,
    )
    assert _as_text(_csv(out), columns) == expected if expected else _csv(out).height == 0


def test_moves_on_a_day_under_a_location(capsys, con, wh, facility, facilities):
    zone = facilities[facility]
    day = dt.date(2026, 11, 20)
    start, end = _day_start(day, zone), _day_start(day + dt.timedelta(days=1), zone)
    code, out, err = _run(
        capsys,
        "moves",
        "--on",
        "last friday",
        "--today",
        TODAY,
        "--location",
        facility,
        "--format",
        "json",
        "--warehouse",
        wh,
    )
    assert code == 0, err
    rows = json.loads(out)["rows"]
    (expected,) = con.execute(
        "select count(*) from sublot_moves_between(?, ?) where facility_code = ?",
        [start, end, facility],
    ).fetchall()[0]
    assert len(rows) == expected
    assert all(
        dt.datetime.fromisoformat(row["moved_at"]) >= start
        and dt.datetime.fromisoformat(row["moved_at"]) < end
        for row in rows
    )


def test_dwell_over_the_whole_history_is_the_summary_mart(capsys, con, wh):
    code, out, err = _run(capsys, "dwell", "--format", "csv", "--warehouse", wh)
    assert code == 0, err
    assert "the whole history" in err
    frame = _csv(out)
    (expected,) = con.execute(
        "select count(*) from marts.fact_conveyor_dwell_summary where stays > 0"
    ).fetchall()[0]
    assert frame.height == expected > 0
    assert "true" in set(frame["is_bottleneck"])


# --- bad input: one line, exit code 2 --------------------------------------------------------


def _one_error_line(capsys, *argv: str) -> str:
    code = cli.main(["report", *argv])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("plantledger: error: ")
    return lines[0]


BAD_INPUT = {
    "phrase": (["inventory", "--as-of", "blursday"], "cannot read 'blursday' as a date"),
    "unknown facility": (
        ["inventory", "--as-of", "2026-11-13", "--facility", "FAC-X' or '1'='1"],
        "unknown facility",
    ),
    "unknown location": (
        ["inventory", "--as-of", "2026-11-13", "--location", "NOWHERE/BIN"],
        "unknown location 'NOWHERE/BIN'",
    ),
    "unknown material": (
        ["inventory", "--as-of", "2026-11-13", "--material", "NOPE-1"],
        "unknown material",
    ),
    "before the data": (["inventory", "--as-of", "2020-01-01"], "outside the data"),
    "after the data": (["inventory", "--as-of", "2030-01-01T00:00:00Z"], "outside the data"),
    "period after the data": (["arrivals", "--from", "2027-01-01"], "outside the data"),
    "to before from": (
        ["moves", "--from", "2026-11-13", "--to", "2026-11-10"],
        "must be after --from",
    ),
    "to without from": (["moves", "--on", "2026-11-13", "--to", "2026-11-14"], "--to needs"),
    "on with a time": (["moves", "--on", "2026-11-13 17:00"], "--on takes a day"),
    "bad week": (["arrivals", "--week", "2026-W60"], "ISO week"),
    "no period": (["arrivals"], "one of the arguments --week --on --from is required"),
    "no as-of": (["inventory"], "--as-of"),
    "bad zone": (["inventory", "--as-of", "2026-11-13", "--tz", "Mars/Olympus"], "time zone"),
    "bad today": (["inventory", "--as-of", "yesterday", "--today", "someday"], "--today"),
    "output without a file format": (
        ["inventory", "--as-of", "2026-11-13", "--output", "x.csv"],
        "--output needs",
    ),
    "bad limit": (["inventory", "--as-of", "2026-11-13", "--limit", "many"], "--limit"),
    "bad status": (["inventory", "--as-of", "2026-11-13", "--status", "lost"], "--status"),
    "no report": ([], "choose a report"),
}


@pytest.mark.parametrize(("argv", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_one_line_and_exit_code_2(capsys, wh, argv, message):
    extra = ["--warehouse", wh, "--today", TODAY] if argv else []
    if "--today" in argv:
        extra = ["--warehouse", wh]
    assert message in _one_error_line(capsys, *argv, *extra)


def test_a_location_outside_the_facility_is_refused(capsys, con, wh, facilities):
    first, second = list(facilities)[:2]
    line = _one_error_line(
        capsys,
        "inventory",
        "--as-of",
        "2026-11-13",
        "--facility",
        first,
        "--location",
        f"{second}/RCV",
        "--warehouse",
        wh,
    )
    assert f"is in {second}, not in --facility {first}" in line


def test_a_missing_warehouse_says_how_to_build_it(capsys, tmp_path):
    line = _one_error_line(
        capsys, "inventory", "--as-of", "2026-11-13", "--warehouse", str(tmp_path / "none.duckdb")
    )
    assert "no warehouse at" in line and "make run" in line and "dbt build" in line


def test_a_file_that_is_not_a_warehouse(capsys, tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    assert "cannot open the warehouse" in _one_error_line(
        capsys, "inventory", "--as-of", "2026-11-13", "--warehouse", str(junk)
    )
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    line = _one_error_line(capsys, "inventory", "--as-of", "2026-11-13", "--warehouse", str(empty))
    assert "has no marts" in line and "dbt build" in line


def test_a_warehouse_without_the_macros_says_to_rebuild(capsys, tmp_path, warehouse_small):
    copy = tmp_path / "old.duckdb"
    shutil.copy(warehouse_small.duckdb, copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute("drop macro table inventory_as_of")
    line = _one_error_line(capsys, "inventory", "--as-of", "2026-11-13", "--warehouse", str(copy))
    assert "has no table macro inventory_as_of" in line and "dbt build" in line


def test_a_warehouse_being_written_is_refused(capsys, tmp_path, warehouse_small):
    copy = tmp_path / "busy.duckdb"
    shutil.copy(warehouse_small.duckdb, copy)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            f"con = duckdb.connect({str(copy)!r})\n"
            "print('ready', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        line = _one_error_line(
            capsys, "inventory", "--as-of", "2026-11-13", "--warehouse", str(copy)
        )
        assert "open for writing by another process" in line
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
