"""The warehouse end to end: `dbt build` from the small raw data set, then what it holds.

The clean build is the session fixture ``warehouse_small`` (tests/conftest.py); its marts are
checked here against the raw parquet directly and against the independent Python replay in
tests/raw_replay.py, not only through dbt's own tests. Then the raw data is broken on purpose,
in copies, to show that the build fails and that the stored failure rows name what is wrong;
and a missing raw folder stops the build at once.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl
import pytest

from plantledger.schema import TABLES
from tests.dbt_runner import REPO, DbtRun, dbt_build, node_results
from tests.raw_replay import entries

MARTS = {
    "dim_customers",
    "dim_date",
    "dim_facilities",
    "dim_material_lots",
    "dim_material_sublots",
    "dim_parts",
    "dim_products",
    "dim_storage_locations",
    "dim_suppliers",
    "dim_work_centers",
    "fact_inventory_journal",
    "fact_material_transactions",
    "fact_work_order_steps",
    "fact_work_orders",
}

# mart, its key, the raw table it has one row per row of
ONE_ROW_PER_SOURCE_ROW = [
    ("fact_work_orders", "work_order_id", "work_orders"),
    ("fact_work_order_steps", "work_order_step_id", "work_order_steps"),
    ("fact_material_transactions", "material_transaction_id", "material_transactions"),
    ("dim_material_sublots", "material_sublot_id", "material_sublots"),
    ("dim_material_lots", "material_lot_id", "material_lots"),
    ("dim_parts", "part_id", "parts"),
    ("dim_products", "product_id", "products"),
    ("dim_suppliers", "supplier_id", "suppliers"),
    ("dim_customers", "customer_id", "customers"),
    ("dim_facilities", "facility_id", "facilities"),
    ("dim_work_centers", "work_center_id", "work_centers"),
]

JOURNAL_SOURCES = [
    "supplier_receipts",
    "sublot_movements",
    "material_transactions",
    "shipment_sublots",
    "plc_tag_events",
]

# the singular data tests (data_tests/**/*.sql): the warehouse's proofs
PROOFS = sorted(path.stem for path in (REPO / "data_tests").rglob("*.sql"))

# The proofs of the journal and the work-order rules. The broken builds below run these and
# every model they read, and no other test (--indirect-selection empty), so that what they
# report does not depend on the tests other marts add (dbt build skips what lies downstream of
# any failing test).
JOURNAL_AND_WORK_ORDER_PROOFS = [
    "assert_conveyor_tag_changes_are_all_moved",
    "assert_inventory_matches_journal",
    "assert_journal_entries_have_a_source",
    "assert_journal_reconciles_to_sources",
    "assert_no_negative_stock_at_physical_locations",
    "assert_replayed_state_matches_material_sublots",
    "assert_shipments_use_their_facilities_locations",
    "assert_whole_sublot_moves_carry_full_quantity",
    "assert_wo_completed_equals_last_step_out_and_receipts",
    "assert_wo_completed_rules",
    "assert_wo_issues_follow_the_bill",
    "assert_wo_material_timing",
    "assert_wo_quality_hold_rules",
    "assert_wo_quantities_within_plan",
    "assert_wo_scrap_is_line_side_component_material",
    "assert_wo_scrapped_equals_step_scrap",
    "assert_wo_step_chain_quantities",
    "assert_wo_timestamps_ordered",
    "assert_wo_unstarted_have_no_activity",
]


def raw_table(raw: Path, table: str) -> str:
    """SQL for a raw table, read straight from its parquet files (not through dbt)."""
    return f"read_parquet('{raw / table}/*.parquet')"


@pytest.fixture(scope="module")
def con(warehouse_small):
    connection = warehouse_small.connect()
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.sql(sql).fetchall()


def scalar(con: duckdb.DuckDBPyConnection, sql: str):
    return con.sql(sql).fetchall()[0][0]


# --- the clean build --------------------------------------------------------------------------


def test_build_runs_every_node_and_every_test_passes(warehouse_small):
    statuses = {
        result["unique_id"]: result["status"] for result in node_results(warehouse_small.target)
    }
    assert {node: s for node, s in statuses.items() if s not in {"success", "pass"}} == {}
    tests = {node.split(".")[2] for node in statuses if node.startswith("test.")}
    manifest = json.loads((warehouse_small.target / "manifest.json").read_text(encoding="utf-8"))
    assert tests == {
        node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "test"
    }  # every data test of the project ran
    # the column rules of every layer (one column_rules test per model), plus the proofs
    assert sum(name.startswith("column_rules_") for name in tests) > 80
    assert set(PROOFS) <= tests
    assert {f"model.plantledger.{mart}" for mart in MARTS} <= set(statuses)


def test_no_stored_test_failures(con):
    tables = [
        name
        for (name,) in rows(
            con,
            "select table_name from information_schema.tables where table_schema = 'test_failures'",
        )
    ]
    assert set(PROOFS) <= set(tables)
    counts = {t: scalar(con, f'select count(*) from test_failures."{t}"') for t in tables}
    assert {t: n for t, n in counts.items() if n} == {}


def test_layers_and_marts_exist(con):
    by_schema: dict[str, set[str]] = {}
    for schema, name in rows(con, "select table_schema, table_name from information_schema.tables"):
        by_schema.setdefault(schema, set()).add(name)
    assert by_schema["marts"] >= MARTS
    assert {f"stg_plantledger__{table}" for table in TABLES} <= by_schema["staging"]
    assert {"movement_types", "location_types"} <= by_schema["reference"]
    assert "int_sublot_state_replayed" in by_schema["intermediate"]
    for mart in MARTS:
        assert scalar(con, f"select count(*) from marts.{mart}") > 0, mart


@pytest.mark.parametrize("mart, key, table", ONE_ROW_PER_SOURCE_ROW, ids=lambda v: str(v))
def test_mart_has_one_row_per_raw_row(con, warehouse_small, raw_small, mart, key, table):
    expected = raw_small.manifest.tables[table].rows
    assert scalar(con, f"select count(*) from marts.{mart}") == expected
    unmatched = scalar(
        con,
        f"""
        select count(*)
        from marts.{mart} as m
        full outer join {raw_table(warehouse_small.raw, table)} as r on m.{key} = r.id
        where m.{key} is null or r.id is null
        """,
    )
    assert unmatched == 0


def test_fact_work_orders_carry_the_raw_quantities_and_status(con, warehouse_small):
    differing = rows(
        con,
        f"""
        select w.wo_number
        from marts.fact_work_orders as f
        join {raw_table(warehouse_small.raw, "work_orders")} as w on f.work_order_id = w.id
        where f.quantity_planned <> w.quantity_planned
            or f.quantity_completed <> w.quantity_completed
            or f.quantity_scrapped <> w.quantity_scrapped
            or f.work_order_status <> w.status
            or f.is_started <> (w.status in ('in_progress', 'quality_hold', 'completed'))
        """,
    )
    assert differing == []
    # the measures rolled up from the transactions match the transactions
    differing = rows(
        con,
        f"""
        with t as (
            select work_order_id,
                sum(quantity) filter (where transaction_type = 'issue_to_wo') as issued,
                sum(quantity) filter (where transaction_type = 'receipt_from_wo') as received
            from {raw_table(warehouse_small.raw, "material_transactions")}
            group by work_order_id
        )
        select f.wo_number
        from marts.fact_work_orders as f
        left join t on f.work_order_id = t.work_order_id
        where coalesce(f.issued_quantity, 0) <> coalesce(t.issued, 0)
            or coalesce(f.received_quantity, 0) <> coalesce(t.received, 0)
            or f.received_quantity <> f.quantity_completed
        """,
    )
    assert differing == []


def test_storage_locations_are_the_raw_ones_plus_one_production_location_per_work_order(
    con, warehouse_small, raw_small
):
    raw = warehouse_small.raw
    unmatched = scalar(
        con,
        f"""
        select count(*)
        from (select * from marts.dim_storage_locations where not is_derived) as d
        full outer join {raw_table(raw, "storage_locations")} as r
            on d.storage_location_id = r.id and d.location_code = r.location_code
        where d.location_code is null or r.id is null
        """,
    )
    assert unmatched == 0
    per_work_order = rows(
        con,
        "select count(*), count(distinct work_order_id) from marts.dim_storage_locations "
        "where is_derived and work_order_id is not null",
    )
    work_orders = raw_small.manifest.tables["work_orders"].rows
    assert per_work_order == [(work_orders, work_orders)]


# --- the journal ------------------------------------------------------------------------------


def test_journal_sums_to_zero_per_transaction_and_material(con):
    unbalanced = rows(
        con,
        """
        select transaction_id, material_code, sum(quantity)
        from marts.fact_inventory_journal
        group by transaction_id, material_code
        having sum(quantity) <> 0
        """,
    )
    assert unbalanced == []
    per_material = rows(
        con,
        "select material_code from marts.fact_inventory_journal group by material_code "
        "having sum(quantity) <> 0",
    )
    assert per_material == []
    assert scalar(con, "select sum(quantity) from marts.fact_inventory_journal") == 0


def test_every_transaction_is_one_credit_and_one_debit_of_one_sublot(con):
    odd = rows(
        con,
        """
        select transaction_id
        from marts.fact_inventory_journal
        group by transaction_id
        having count(*) <> 2
            or count(*) filter (where entry_side = 'credit' and quantity < 0) <> 1
            or count(*) filter (where entry_side = 'debit' and quantity > 0) <> 1
            or count(distinct material_sublot_id) <> 1
        """,
    )
    assert odd == []


def test_entries_are_two_per_raw_event(con, warehouse_small, raw_small):
    raw = warehouse_small.raw
    journal = dict(
        rows(
            con,
            "select source_table, count(*) from marts.fact_inventory_journal group by source_table",
        )
    )
    tables = raw_small.manifest.tables
    for table in ("supplier_receipts", "sublot_movements", "material_transactions"):
        assert journal[table] == 2 * tables[table].rows, table
    delivered_transfers = scalar(
        con,
        f"""
        select count(*)
        from {raw_table(raw, "shipment_sublots")} as ss
        join {raw_table(raw, "shipments")} as s on ss.shipment_id = s.id
        where s.shipment_type <> 'order_fulfillment' and s.delivered_at is not null
        """,
    )
    assert journal["shipment_sublots"] == 2 * (
        tables["shipment_sublots"].rows + delivered_transfers
    )
    # all of it, conveyor moves included, against the independent replay of the raw tables
    assert sum(journal.values()) == entries(raw).height
    assert sum(journal.values()) == 2 * scalar(
        con, "select count(distinct transaction_id) from marts.fact_inventory_journal"
    )


@pytest.mark.parametrize("source", JOURNAL_SOURCES)
def test_every_entry_points_at_an_existing_raw_row(con, warehouse_small, source):
    orphans = scalar(
        con,
        f"""
        select count(*)
        from marts.fact_inventory_journal as j
        anti join {raw_table(warehouse_small.raw, source)} as r on j.source_id = r.id
        where j.source_table = '{source}'
        """,
    )
    assert orphans == 0
    sql = f"select count(*) from marts.fact_inventory_journal where source_table = '{source}'"
    assert scalar(con, sql) > 0


def test_journal_positions_match_the_independent_replay(con, warehouse_small):
    """Per sublot and physical location, the journal's balance is the Python replay's."""
    replay = (
        entries(warehouse_small.raw)
        .filter(pl.col("is_physical"))
        .group_by("sub", "loc")
        .agg(pl.col("q").sum().alias("replay"))
    )
    journal = con.sql(
        """
        select material_sublot_id as sub, storage_location_id as loc, sum(quantity) as journal
        from marts.fact_inventory_journal
        where is_physical
        group by all
        """
    ).pl()
    both = journal.join(replay, on=["sub", "loc"], how="full", coalesce=True)
    differing = both.filter(pl.col("journal").fill_null(0) != pl.col("replay").fill_null(0))
    assert differing.height == 0, differing.head(5).to_dicts()
    assert both.filter(pl.col("journal") > 0).height > 0


def test_inventory_as_of_now_from_the_journal_equals_raw_inventory(con, warehouse_small):
    differing = rows(
        con,
        f"""
        with journal as (
            select facility_id, part_id, sum(quantity) as on_hand
            from marts.fact_inventory_journal
            where is_physical and material_type = 'part'
            group by all
        )
        select coalesce(i.facility_id, j.facility_id), coalesce(i.part_id, j.part_id),
            i.quantity_on_hand, j.on_hand
        from {raw_table(warehouse_small.raw, "inventory")} as i
        full outer join journal as j on i.facility_id = j.facility_id and i.part_id = j.part_id
        where i.quantity_on_hand is distinct from j.on_hand
        """,
    )
    assert differing == []
    on_hand = scalar(
        con,
        f"select sum(quantity_on_hand) from {raw_table(warehouse_small.raw, 'inventory')}",
    )
    assert on_hand > 0


def test_sublots_current_state_is_the_raw_state(con, warehouse_small):
    differing = rows(
        con,
        f"""
        with journal as (
            select material_sublot_id, sum(quantity) as quantity
            from marts.fact_inventory_journal
            where is_physical
            group by all
        )
        select s.sublot_code
        from {raw_table(warehouse_small.raw, "material_sublots")} as s
        join marts.dim_material_sublots as d on s.id = d.material_sublot_id
        left join journal as j on s.id = j.material_sublot_id
        where s.quantity <> coalesce(j.quantity, 0)
            or s.quantity <> d.quantity
            or s.status <> d.sublot_status
            or s.storage_location_id is distinct from d.storage_location_id
            or s.facility_id is distinct from d.facility_id
        """,
    )
    assert differing == []


def test_journal_stays_within_the_history(con, warehouse_small):
    params = warehouse_small.params
    sql = "select min(entry_at), max(entry_at) from marts.fact_inventory_journal"
    first, last = rows(con, sql)[0]
    assert last <= params.end_instant()
    assert (params.end_instant() - first).days < 730


# --- broken raw data: the build fails and says where ------------------------------------------


def rewrite(raw: Path, table: str, change: Callable[[pl.DataFrame], pl.DataFrame]) -> None:
    """Replace a raw table's parquet files by one file holding ``change(table)``."""
    folder = raw / table
    frame = change(pl.read_parquet(folder / "*.parquet"))
    for part in folder.glob("*.parquet"):
        part.unlink()
    frame.write_parquet(folder / "part-00000.parquet")


def broken_copy(raw_small, tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(raw_small.path, raw)
    return raw


def build_proofs(raw: Path, workdir: Path) -> DbtRun:
    """`dbt build` of the journal and work-order proofs and of every model they read."""
    selection = [f"+{proof}" for proof in JOURNAL_AND_WORK_ORDER_PROOFS]
    return dbt_build(raw, workdir, "--select", *selection, "--indirect-selection", "empty")


def failures(run: DbtRun, test: str) -> pl.DataFrame:
    """The rows a failing test stored in schema test_failures."""
    with duckdb.connect(str(run.duckdb), read_only=True) as connection:
        return connection.sql(f"select * from test_failures.{test}").pl()


def assert_fails_with(run: DbtRun, expected: set[str]) -> None:
    """The build exits 1, names exactly the ``expected`` failing tests, and errors nowhere."""
    assert run.returncode == 1, run.tail()
    assert set(JOURNAL_AND_WORK_ORDER_PROOFS) <= set(run.statuses())
    named = set(re.findall(r"Failure in test (\w+) \(", run.output))
    assert named == expected, run.tail()
    assert run.with_status("fail") == expected
    assert run.with_status("error") == set()


def sublot_code(raw: Path, sublot_id: int) -> str:
    sublots = pl.read_parquet(raw / "material_sublots" / "*.parquet")
    return sublots.filter(pl.col("id") == sublot_id)["sublot_code"].item()


def test_dropped_putaway_leaves_negative_stock_where_the_sublot_moves_next(raw_small, tmp_path):
    """A putaway (receiving dock -> bin) is lost: the sublot's later moves take it out of a bin
    it never reached."""
    raw = broken_copy(raw_small, tmp_path)
    movements = pl.read_parquet(raw / "sublot_movements" / "*.parquet")
    replenished = movements.filter(pl.col("movement_type") == "replenish_to_line")
    moved_on = replenished["material_sublot_id"]
    putaway = (
        movements.filter(
            (pl.col("movement_type") == "putaway")
            & pl.col("material_sublot_id").is_in(moved_on.implode())
        )
        .sort("id")
        .row(0, named=True)
    )
    rewrite(raw, "sublot_movements", lambda frame: frame.filter(pl.col("id") != putaway["id"]))

    run = build_proofs(raw, tmp_path / "build")

    # the replay proof fails too: the sublot's replayed state is not the one the MES states
    assert_fails_with(
        run,
        {
            "assert_no_negative_stock_at_physical_locations",
            "assert_replayed_state_matches_material_sublots",
        },
    )
    stored = failures(run, "assert_no_negative_stock_at_physical_locations")
    assert stored.height > 0
    assert set(stored["material_sublot_code"]) == {sublot_code(raw, putaway["material_sublot_id"])}
    # what goes negative are the sublot's later events, which take it from where it never came
    assert all(entry_at > putaway["moved_at"] for entry_at in stored["entry_at"])
    assert (stored["running_quantity"] < 0).all()


def test_dropped_final_putaway_breaks_the_replayed_state(raw_small, tmp_path):
    """A sublot's last event, its putaway into a bin, is lost: the journal leaves it on the
    receiving dock while material_sublots has it in the bin. Only the replay proof sees it."""
    raw = broken_copy(raw_small, tmp_path)
    movements = pl.read_parquet(raw / "sublot_movements" / "*.parquet")
    elsewhere = pl.concat(
        [
            pl.read_parquet(raw / table / "*.parquet")["material_sublot_id"]
            for table in ("material_transactions", "shipment_sublots")
        ]
    )
    putaway = (
        movements.sort("moved_at", "id")
        .group_by("material_sublot_id")
        .agg(pl.all().last())
        .filter(
            (pl.col("movement_type") == "putaway")
            & ~pl.col("material_sublot_id").is_in(elsewhere.implode())
        )
        .sort("id")
        .row(0, named=True)
    )
    rewrite(raw, "sublot_movements", lambda frame: frame.filter(pl.col("id") != putaway["id"]))

    run = build_proofs(raw, tmp_path / "build")

    assert_fails_with(run, {"assert_replayed_state_matches_material_sublots"})
    stored = failures(run, "assert_replayed_state_matches_material_sublots")
    assert stored.select(
        "sublot_code",
        "stated_storage_location_id",
        "replayed_storage_location_id",
        "stated_quantity",
        "replayed_quantity",
    ).rows() == [
        (
            sublot_code(raw, putaway["material_sublot_id"]),
            putaway["to_location_id"],  # the bin
            putaway["from_location_id"],  # the receiving dock
            putaway["quantity"],
            putaway["quantity"],
        )
    ]


def test_corrupted_issue_quantity_breaks_the_bill_inventory_and_stock(raw_small, tmp_path):
    """One issue to a work order says 100 times its quantity."""
    raw = broken_copy(raw_small, tmp_path)
    transactions = pl.read_parquet(raw / "material_transactions" / "*.parquet")
    issue = (
        transactions.filter(pl.col("transaction_type") == "issue_to_wo")
        .sort("id")
        .row(0, named=True)
    )
    extra = 99 * issue["quantity"]
    rewrite(
        raw,
        "material_transactions",
        lambda frame: frame.with_columns(
            pl.when(pl.col("id") == issue["id"])
            .then(pl.col("quantity") * 100)
            .otherwise(pl.col("quantity"))
            .alias("quantity")
        ),
    )

    run = build_proofs(raw, tmp_path / "build")

    assert_fails_with(
        run,
        {
            "assert_wo_issues_follow_the_bill",
            "assert_inventory_matches_journal",
            "assert_no_negative_stock_at_physical_locations",
            "assert_replayed_state_matches_material_sublots",
        },
    )
    bill = failures(run, "assert_wo_issues_follow_the_bill")
    assert bill.select("work_order_id", "wo_number", "part_id").rows() == [
        (issue["work_order_id"], issue["reference_number"], issue["part_id"])
    ]
    assert bill["net_issued_quantity"].item() - bill["bill_quantity"].item() == extra

    inventory = failures(run, "assert_inventory_matches_journal")
    assert inventory.select("facility_id", "part_id").rows() == [
        (issue["facility_id"], issue["part_id"])
    ]
    difference = (
        inventory["inventory_quantity_on_hand"].item()
        - inventory["journal_quantity_on_hand"].item()
    )
    assert difference == extra

    negative = failures(run, "assert_no_negative_stock_at_physical_locations")
    assert set(negative["material_sublot_code"]) == {sublot_code(raw, issue["material_sublot_id"])}
    assert f"material_transactions:{issue['id']}" in set(negative["transaction_id"])


# --- no raw data ------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["folder", "table"])
def test_missing_raw_data_stops_the_build_at_once(raw_small, tmp_path, missing):
    if missing == "folder":
        raw = tmp_path / "nowhere"
        message = f"raw data not found at {raw}: run `plantledger generate` (or `make run`) first"
    else:
        raw = broken_copy(raw_small, tmp_path)
        shutil.rmtree(raw / "plc_tag_events")
        message = (
            f"raw data at {raw} is incomplete (no parquet for plc_tag_events): "
            "run `plantledger generate` (or `make run`) first"
        )

    run = dbt_build(raw, tmp_path / "build")

    assert run.returncode == 2, run.tail()
    assert [line.strip() for line in run.output.splitlines() if "raw data" in line] == [message]
    assert "on-run-start" in run.output
    assert run.statuses() == {}  # not one node ran
    if run.duckdb.exists():
        with duckdb.connect(str(run.duckdb), read_only=True) as connection:
            built = connection.sql(
                "select count(*) from information_schema.tables "
                "where table_schema in ('staging', 'intermediate', 'marts', 'reference')"
            ).fetchall()[0][0]
        assert built == 0
