"""The raw data set is internally consistent: what the warehouse will prove, checked at the
source on a small generation (see docs/raw_data_design.md for the rules)."""

from __future__ import annotations

import polars as pl
import pytest

from plantledger.schema import RAW_SCHEMAS, TABLES
from tests.raw_replay import entries, read, replayed_state


@pytest.fixture(scope="module")
def raw(raw_small):
    return raw_small.path


@pytest.fixture(scope="module")
def t(raw):
    return {table: read(raw, table) for table in TABLES}


@pytest.fixture(scope="module")
def stock_entries(raw):
    return entries(raw)


def test_every_table_has_the_contract_columns_and_types(t):
    for table, schema in RAW_SCHEMAS.items():
        assert dict(t[table].schema) == schema, table
        assert t[table].height > 0, f"{table} is empty"


def test_primary_keys_are_unique(t):
    for table, frame in t.items():
        key = ["order_id", "line_number"] if table == "order_items" else ["id"]
        assert frame.select(key).is_duplicated().sum() == 0, table


FOREIGN_KEYS = [
    ("supplier_relationships", "seller_id", "suppliers"),
    ("supplier_relationships", "buyer_id", "suppliers"),
    ("parts", "primary_supplier_id", "suppliers"),
    ("bill_of_materials", "parent_part_id", "parts"),
    ("bill_of_materials", "child_part_id", "parts"),
    ("part_suppliers", "part_id", "parts"),
    ("part_suppliers", "supplier_id", "suppliers"),
    ("product_components", "product_id", "products"),
    ("product_components", "part_id", "parts"),
    ("transport_routes", "origin_facility_id", "facilities"),
    ("transport_routes", "destination_facility_id", "facilities"),
    ("inventory", "facility_id", "facilities"),
    ("inventory", "part_id", "parts"),
    ("orders", "customer_id", "customers"),
    ("orders", "shipping_facility_id", "facilities"),
    ("order_items", "order_id", "orders"),
    ("order_items", "product_id", "products"),
    ("shipments", "order_id", "orders"),
    ("shipments", "origin_facility_id", "facilities"),
    ("shipments", "destination_facility_id", "facilities"),
    ("shipments", "transport_route_id", "transport_routes"),
    ("supplier_certifications", "supplier_id", "suppliers"),
    ("work_centers", "facility_id", "facilities"),
    ("production_routings", "product_id", "products"),
    ("production_routings", "work_center_id", "work_centers"),
    ("work_orders", "product_id", "products"),
    ("work_orders", "facility_id", "facilities"),
    ("work_orders", "order_id", "orders"),
    ("work_order_steps", "work_order_id", "work_orders"),
    ("work_order_steps", "routing_step_id", "production_routings"),
    ("work_order_steps", "work_center_id", "work_centers"),
    ("material_transactions", "work_order_id", "work_orders"),
    ("material_transactions", "part_id", "parts"),
    ("material_transactions", "product_id", "products"),
    ("material_transactions", "facility_id", "facilities"),
    ("material_transactions", "material_sublot_id", "material_sublots"),
    ("material_transactions", "storage_location_id", "storage_locations"),
    ("storage_locations", "facility_id", "facilities"),
    ("storage_locations", "parent_location_id", "storage_locations"),
    ("material_lots", "part_id", "parts"),
    ("material_lots", "product_id", "products"),
    ("material_lots", "supplier_id", "suppliers"),
    ("material_lots", "work_order_id", "work_orders"),
    ("material_sublots", "material_lot_id", "material_lots"),
    ("material_sublots", "part_id", "parts"),
    ("material_sublots", "product_id", "products"),
    ("material_sublots", "facility_id", "facilities"),
    ("material_sublots", "storage_location_id", "storage_locations"),
    ("supplier_receipts", "material_sublot_id", "material_sublots"),
    ("supplier_receipts", "supplier_id", "suppliers"),
    ("supplier_receipts", "storage_location_id", "storage_locations"),
    ("sublot_movements", "material_sublot_id", "material_sublots"),
    ("sublot_movements", "from_location_id", "storage_locations"),
    ("sublot_movements", "to_location_id", "storage_locations"),
    ("shipment_sublots", "shipment_id", "shipments"),
    ("shipment_sublots", "material_sublot_id", "material_sublots"),
    ("shipment_sublots", "from_location_id", "storage_locations"),
    ("shipment_sublots", "to_location_id", "storage_locations"),
    ("plc_tag_events", "storage_location_id", "storage_locations"),
]


@pytest.mark.parametrize(("table", "column", "target"), FOREIGN_KEYS)
def test_foreign_keys_resolve(t, table, column, target):
    values = t[table][column].drop_nulls().unique()
    missing = values.filter(~values.is_in(t[target]["id"].implode()))
    assert missing.len() == 0, f"{table}.{column}: {missing.head(5).to_list()} not in {target}"


CODE_FORMATS = {
    ("suppliers", "supplier_code"): r"^SUP\d{5}$",
    ("work_centers", "wc_code"): r"^WC-(ASM|MCH|FAB|TEST|PKG)-\d{2}$",
    ("work_orders", "wo_number"): r"^WO-\d{4}-\d{5,}$",
    ("orders", "order_number"): r"^ORD-\d{4}-\d{3,}$",
    ("material_transactions", "transaction_number"): r"^MTX-\d{4}-\d{5,}$",
    ("shipments", "shipment_number"): r"^(SHP|TRF|REP)-\d{7,}$",
    ("material_lots", "lot_code"): r"^LOT-\d{8,}$",
    ("material_sublots", "sublot_code"): r"^SL-\d{9,}$",
    ("facilities", "facility_code"): r"^FAC-[A-Z]{2,3}$",
}


@pytest.mark.parametrize(("table", "column"), list(CODE_FORMATS))
def test_codes_follow_their_format(t, table, column):
    bad = t[table].filter(~pl.col(column).str.contains(CODE_FORMATS[(table, column)]))
    assert bad.height == 0, bad[column].head(5).to_list()


def test_named_reference_work_order(t):
    wo = t["work_orders"].filter(pl.col("wo_number") == "WO-2024-00001")
    assert wo.height == 1
    product = t["products"].filter(pl.col("id") == wo["product_id"].item())
    facility = t["facilities"].filter(pl.col("id") == wo["facility_id"].item())
    assert product["sku"].item() == "TURBO-001"
    assert facility["facility_code"].item() == "FAC-CHI"
    assert wo["status"].item() == "completed"
    steps = t["work_order_steps"].filter(pl.col("work_order_id") == wo["id"].item())
    wcs = t["work_centers"].filter(pl.col("id").is_in(steps["work_center_id"].implode()))
    assert {"WC-ASM-01", "WC-TEST-01"} <= set(wcs["wc_code"])
    for code in ("WO-2024-00002", "WO-2024-00003"):
        assert t["work_orders"].filter(pl.col("wo_number") == code).height == 1
    orders = t["orders"].filter(
        pl.col("order_number").is_in(["ORD-2024-001", "ORD-2024-002", "ORD-2024-003"])
    )
    customers = t["customers"].filter(pl.col("id").is_in(orders["customer_id"].implode()))
    assert set(customers["customer_code"]) == {"CUST-ACME", "CUST-GLOBEX", "CUST-INITECH"}


def test_current_sublot_state_equals_the_replay_of_its_events(t, stock_entries):
    replay = replayed_state(stock_entries)
    kept = t["material_sublots"].select(
        "id", "quantity", "storage_location_id", "facility_id", "status"
    )
    both = kept.join(replay, on="id", how="full", suffix="_replay", coalesce=True)
    for column in ("quantity", "storage_location_id", "facility_id", "status"):
        diff = both.filter(pl.col(column).ne_missing(pl.col(f"{column}_replay")))
        assert diff.height == 0, f"{column} differs for {diff.head(5).to_dicts()}"


def test_no_physical_location_ever_holds_a_negative_quantity(stock_entries):
    running = (
        stock_entries.filter(pl.col("is_physical"))
        .sort("sub", "loc", "t", "ev")
        .with_columns(balance=pl.col("q").cum_sum().over("sub", "loc"))
    )
    negative = running.filter(pl.col("balance") < 0)
    assert negative.height == 0, negative.head(5).to_dicts()


def test_inventory_equals_physical_part_sublot_quantities(t):
    subl = t["material_sublots"].filter(pl.col("part_id").is_not_null() & (pl.col("quantity") > 0))
    held = subl.group_by("facility_id", "part_id").agg(pl.col("quantity").sum().alias("held"))
    inv = t["inventory"].join(held, on=["facility_id", "part_id"], how="full", coalesce=True)
    diff = inv.filter(pl.col("quantity_on_hand").fill_null(0) != pl.col("held").fill_null(0))
    assert diff.height == 0, diff.head(5).to_dicts()


@pytest.fixture(scope="module")
def steps(t):
    return (
        t["work_order_steps"]
        .sort("work_order_id", "step_sequence")
        .with_columns(
            prev_out=pl.col("quantity_out").shift(1).over("work_order_id"),
            pos=pl.int_range(pl.len()).over("work_order_id"),
            last=pl.int_range(pl.len()).over("work_order_id") == pl.len().over("work_order_id") - 1,
        )
        .join(
            t["work_orders"].select(
                pl.col("id").alias("work_order_id"),
                pl.col("status").alias("wo_status"),
                "quantity_planned",
            ),
            on="work_order_id",
        )
    )


def test_first_step_takes_the_planned_quantity_when_started(steps):
    first = steps.filter(
        (pl.col("pos") == 0)
        & pl.col("wo_status").is_in(["in_progress", "quality_hold", "completed"])
    )
    assert first.filter(pl.col("quantity_in") != pl.col("quantity_planned")).height == 0


def test_step_quantities_chain(steps):
    done = steps.filter(pl.col("status") == "completed")
    assert (
        done.filter(
            pl.col("quantity_in") != pl.col("quantity_out") + pl.col("quantity_scrapped")
        ).height
        == 0
    )
    running = steps.filter(pl.col("status") == "in_progress")
    assert (
        running.filter(
            pl.col("quantity_in") < pl.col("quantity_out") + pl.col("quantity_scrapped")
        ).height
        == 0
    )
    started = steps.filter(
        pl.col("status").is_in(["completed", "in_progress"]) & (pl.col("pos") > 0)
    )
    assert started.filter(pl.col("quantity_in") != pl.col("prev_out")).height == 0
    idle = steps.filter(pl.col("status").is_in(["pending", "skipped"]))
    assert (
        idle.filter(
            (pl.col("quantity_in") + pl.col("quantity_out") + pl.col("quantity_scrapped")) != 0
        ).height
        == 0
    )


def test_work_order_totals_reconcile_with_steps_and_receipts(t, steps):
    roll = steps.group_by("work_order_id").agg(
        pl.col("quantity_scrapped").sum().alias("step_scrap"),
        pl.when(pl.col("last") & (pl.col("status") == "completed"))
        .then(pl.col("quantity_out"))
        .otherwise(0)
        .sum()
        .alias("last_out"),
    )
    receipts = (
        t["material_transactions"]
        .filter(pl.col("transaction_type") == "receipt_from_wo")
        .group_by("work_order_id")
        .agg(pl.col("quantity").sum().alias("received"))
    )
    wo = (
        t["work_orders"]
        .rename({"id": "work_order_id"})
        .join(roll, on="work_order_id")
        .join(receipts, on="work_order_id", how="left")
        .with_columns(pl.col("received").fill_null(0))
    )
    assert wo.filter(pl.col("quantity_scrapped") != pl.col("step_scrap")).height == 0
    assert wo.filter(pl.col("quantity_completed") != pl.col("last_out")).height == 0
    assert wo.filter(pl.col("quantity_completed") != pl.col("received")).height == 0
    over = wo.filter(
        pl.col("quantity_completed") + pl.col("quantity_scrapped") > pl.col("quantity_planned")
    )
    assert over.height == 0
    done = wo.filter(pl.col("status") == "completed")
    assert (
        done.filter(
            pl.col("quantity_completed") + pl.col("quantity_scrapped") != pl.col("quantity_planned")
        ).height
        == 0
    )


def test_issues_follow_the_bill_net_of_returns(t):
    mt = t["material_transactions"]
    net = (
        mt.filter(pl.col("transaction_type").is_in(["issue_to_wo", "return_to_stock"]))
        .group_by("work_order_id", "part_id")
        .agg(
            pl.when(pl.col("transaction_type") == "issue_to_wo")
            .then(pl.col("quantity"))
            .otherwise(-pl.col("quantity"))
            .sum()
            .alias("net")
        )
    )
    wo = t["work_orders"].filter(
        pl.col("status").is_in(["in_progress", "quality_hold", "completed"])
    )
    bill = wo.join(t["product_components"], on="product_id", suffix="_comp").select(
        pl.col("id").alias("work_order_id"),
        "part_id",
        expected=pl.col("quantity") * pl.col("quantity_planned"),
    )
    both = bill.join(net, on=["work_order_id", "part_id"], how="full", coalesce=True)
    diff = both.filter(pl.col("expected").ne_missing(pl.col("net")))
    assert diff.height == 0, diff.head(5).to_dicts()


def test_statuses_imply_their_timestamps(t):
    wo = t["work_orders"]
    started = pl.col("status").is_in(["in_progress", "quality_hold", "completed"])
    assert wo.filter(started & pl.col("actual_start_date").is_null()).height == 0
    assert wo.filter(~started & pl.col("actual_start_date").is_not_null()).height == 0
    assert (
        wo.filter(
            (pl.col("status") == "completed") != pl.col("actual_end_date").is_not_null()
        ).height
        == 0
    )
    assert wo.filter(pl.col("actual_end_date") < pl.col("actual_start_date")).height == 0
    assert wo.filter(pl.col("planned_end_date") < pl.col("planned_start_date")).height == 0
    assert wo.filter(pl.col("created_at") > pl.col("actual_start_date")).height == 0
    st = t["work_order_steps"]
    assert st.filter(pl.col("actual_end") < pl.col("actual_start")).height == 0


def test_nothing_happens_after_the_end_date(t, raw_small):
    end = raw_small.params.end_instant()
    for table, column in [
        ("material_transactions", "created_at"),
        ("sublot_movements", "moved_at"),
        ("supplier_receipts", "received_at"),
        ("plc_tag_events", "source_timestamp"),
        ("shipments", "shipped_at"),
        ("shipments", "delivered_at"),
        ("work_orders", "actual_end_date"),
        ("work_order_steps", "actual_end"),
    ]:
        assert t[table].filter(pl.col(column) > end).height == 0, (table, column)


def test_plc_values_name_sublots_at_conveyor_positions(t):
    plc = t["plc_tag_events"]
    known = plc["value"].drop_nulls().is_in(t["material_sublots"]["sublot_code"].implode())
    assert known.all()
    kinds = (
        t["storage_locations"]
        .filter(pl.col("id").is_in(plc["storage_location_id"].unique().implode()))["location_type"]
        .unique()
        .to_list()
    )
    assert kinds == ["conveyor_position"]
    # the RFC's three kinds of change all occur: nil→id, id→other id, id→nil
    ordered = plc.sort("storage_location_id", "source_timestamp").with_columns(
        prev=pl.col("value").shift(1).over("storage_location_id")
    )
    assert ordered.filter(pl.col("prev").is_null() & pl.col("value").is_not_null()).height > 0
    assert ordered.filter(pl.col("prev").is_not_null() & pl.col("value").is_not_null()).height > 0
    assert ordered.filter(pl.col("prev").is_not_null() & pl.col("value").is_null()).height > 0
