"""Readable period reports on the small warehouse: arrivals and moves by --kind, the supplier
of an arrival (from the raw lots and suppliers), each instant also in the facility's local
time, and durations as a reader says them (seconds in csv)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from plantledger import cli
from plantledger.report.output import format_duration

PERIOD = ["--from", "2026-10-01", "--to", "2026-11-21", "--tz", "UTC"]


@pytest.fixture(scope="module")
def wh(warehouse_small) -> str:
    return str(warehouse_small.duckdb)


@pytest.fixture(scope="module")
def journal(small_journal) -> pl.DataFrame:
    return small_journal


def _json(capsys, wh: str, *argv: str) -> dict:
    code = cli.main(["report", *argv, "--format", "json", "--warehouse", wh])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def _raw(warehouse_small, table: str) -> pl.DataFrame:
    return pl.read_parquet(warehouse_small.raw / table / "*.parquet")


def test_arrivals_of_one_kind_name_the_supplier_of_the_raw_lot(capsys, wh, warehouse_small):
    every = _json(capsys, wh, "arrivals", *PERIOD)["rows"]
    supplier = _json(capsys, wh, "arrivals", *PERIOD, "--kind", "supplier")["rows"]
    assert supplier and {row["arrival_kind"] for row in supplier} == {"supplier_receipt"}
    assert len(supplier) == sum(row["arrival_kind"] == "supplier_receipt" for row in every)
    names = (
        _raw(warehouse_small, "material_sublots")
        .select("sublot_code", "material_lot_id")
        .join(
            _raw(warehouse_small, "material_lots").select(
                pl.col("id").alias("material_lot_id"), "supplier_id"
            ),
            on="material_lot_id",
        )
        .join(
            _raw(warehouse_small, "suppliers").select(pl.col("id").alias("supplier_id"), "name"),
            on="supplier_id",
        )
    )
    expected = dict(zip(names["sublot_code"], names["name"], strict=True))
    assert all(row["supplier_name"] == expected[row["material_sublot_code"]] for row in supplier)
    production = _json(capsys, wh, "arrivals", *PERIOD, "--kind", "production")["rows"]
    assert production and {row["arrival_kind"] for row in production} == {"production_receipt"}


def test_moves_by_kind_split_storage_conveyor_and_status_changes(capsys, wh, journal):
    every = _json(capsys, wh, "moves", *PERIOD)["rows"]
    conveyor = _json(capsys, wh, "moves", *PERIOD, "--kind", "conveyor")["rows"]
    storage = _json(capsys, wh, "moves", *PERIOD, "--kind", "storage")["rows"]
    assert conveyor and storage
    assert {row["event_kind"] for row in conveyor} == {"conveyor_move"}
    assert "conveyor_move" not in {row["event_kind"] for row in storage}
    assert len(conveyor) + len(storage) == len(every)
    status = _json(capsys, wh, "moves", *PERIOD, "--kind", "status")["rows"]
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    end = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    changes = journal.filter(
        (pl.col("entry_side") == "debit")
        & pl.col("event_kind").str.starts_with("status_change")
        & pl.col("entry_at").is_between(start, end, "left")
    )
    assert len(status) == changes.height > 0
    assert sorted(row["material_sublot_code"] for row in status) == sorted(
        changes["material_sublot_code"]
    )
    assert all(row["from_location_code"] == row["to_location_code"] for row in status)


def test_local_time_is_the_facilitys_wall_clock(capsys, wh, warehouse_small):
    con = warehouse_small.connect()
    zones = dict(con.execute("select facility_code, timezone from marts.dim_facilities").fetchall())
    con.close()
    rows = _json(capsys, wh, "arrivals", *PERIOD)["rows"]
    assert {zones[row["facility_code"]] for row in rows} - {"UTC"}  # some away from UTC
    for row in rows:
        utc = dt.datetime.fromisoformat(row["arrived_at"])
        local = utc.astimezone(ZoneInfo(zones[row["facility_code"]]))
        assert row["arrived_at_local"] == local.strftime("%Y-%m-%d %H:%M:%S")


def test_durations_read_as_hours_and_minutes():
    assert format_duration(17_598.5) == "4 h 53 min"
    assert format_duration(725) == "12 min 5 s"
    assert format_duration(42.34) == "42.3 s"
    assert format_duration(2 * 86_400 + 3 * 3_600 + 59) == "2 d 3 h"


def test_dwell_shows_durations_in_the_table_and_seconds_in_csv(capsys, wh):
    code = cli.main(["report", "dwell", "--warehouse", wh, "--limit", "0"])
    table = capsys.readouterr().out
    assert code == 0
    assert " min " in table
    code = cli.main(["report", "dwell", "--warehouse", wh, "--format", "csv"])
    frame = pl.read_csv(io.StringIO(capsys.readouterr().out))
    assert code == 0
    assert frame["mean_dwell_seconds"].dtype == pl.Float64
    shown = [format_duration(value) for value in frame["mean_dwell_seconds"].drop_nulls()]
    assert all(text in table for text in shown)


# --- trace: csv / json / parquet and the recall per customer --------------------------------


@pytest.fixture(scope="module")
def recalled_lot(warehouse_small) -> str:
    """A supplier lot whose forward trace reaches at least two customers."""
    con = warehouse_small.connect()
    try:
        lots = [
            code
            for (code,) in con.execute(
                "select lot_code from marts.dim_material_lots where supplier_id is not null "
                "order by lot_code limit 200"
            ).fetchall()
        ]
        for code in lots:
            (customers,) = con.execute(
                "select count(distinct node_id) from trace_forward(?) where node_type = 'Customer'",
                [code],
            ).fetchone()
            if customers >= 2:
                return code
    finally:
        con.close()
    pytest.skip("no lot reaches two customers")


def test_recall_per_customer_equals_the_raw_shipments_of_the_traced_sublots(
    capsys, wh, warehouse_small, recalled_lot
):
    document = _json(capsys, wh, "trace", "--forward", recalled_lot)
    trace = pl.DataFrame(document["rows"], infer_schema_length=None)
    sublots = trace.filter(pl.col("node_type") == "MaterialSublot")["node_key"].unique()
    raw_sublots = _raw(warehouse_small, "material_sublots").select(
        pl.col("id").alias("material_sublot_id"), "sublot_code"
    )
    expected = (
        _raw(warehouse_small, "shipment_sublots")
        .join(raw_sublots, on="material_sublot_id")
        .filter(pl.col("sublot_code").is_in(sublots.to_list()))
        .join(
            _raw(warehouse_small, "shipments")
            .filter(pl.col("shipment_type") == "order_fulfillment")
            .select(pl.col("id").alias("shipment_id"), "order_id", "shipped_at"),
            on="shipment_id",
        )
        .join(
            _raw(warehouse_small, "orders").select(pl.col("id").alias("order_id"), "customer_id"),
            on="order_id",
        )
        .join(
            _raw(warehouse_small, "customers").select(
                pl.col("id").alias("customer_id"), "customer_code"
            ),
            on="customer_id",
        )
        .group_by("customer_code")
        .agg(
            pl.col("quantity").sum().cast(pl.Float64),
            pl.col("shipment_id").n_unique().alias("shipments"),
            pl.col("shipped_at").min().alias("first"),
            pl.col("shipped_at").max().alias("last"),
        )
        .sort("customer_code")
    )
    recall = (
        pl.DataFrame(document["recall_by_customer"]["rows"])
        .filter(pl.col("destination_type") == "customer")
        .sort("destination_key")
    )
    assert expected.height >= 2
    assert recall["destination_key"].to_list() == expected["customer_code"].to_list()
    assert recall["quantity"].to_list() == expected["quantity"].to_list()
    assert recall["shipments"].to_list() == expected["shipments"].to_list()
    first = [dt.datetime.fromisoformat(value) for value in recall["first_shipped_at"]]
    last = [dt.datetime.fromisoformat(value) for value in recall["last_shipped_at"]]
    assert first == expected["first"].to_list()
    assert last == expected["last"].to_list()


def test_trace_writes_every_row_as_csv_and_customers_carry_quantities(capsys, wh, recalled_lot):
    code = cli.main(
        ["report", "trace", "--forward", recalled_lot, "--format", "json", "--warehouse", wh]
    )
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert code == 0
    code = cli.main(
        ["report", "trace", "--forward", recalled_lot, "--format", "csv", "--warehouse", wh]
    )
    frame = pl.read_csv(io.StringIO(capsys.readouterr().out))
    assert code == 0
    assert frame.height == len(rows) > 0
    code = cli.main(["report", "trace", "--forward", recalled_lot, "--warehouse", wh])
    tree = capsys.readouterr().out
    assert code == 0
    customer_lines = [line for line in tree.splitlines() if "customer CUST-" in line]
    assert customer_lines
    assert all(re.search(r"shipped [\d,.]+ to, ", line) for line in customer_lines)
    assert "Recall: where the traced material was shipped" in tree
