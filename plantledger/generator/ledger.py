"""Turn the simulated stock events into the raw tables an MES keeps: sublots with their current
state, lots, goods receipts, warehouse movements, material transactions, shipments, PLC tag
changes (:mod:`plantledger.generator.plc`) and the inventory summary. Current state is replayed
from the events, so it always agrees with them."""

from __future__ import annotations

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    format_codes,
    jitter,
    to_us,
    us_to_date,
    us_to_ts,
)
from plantledger.generator.logistics import Logistics
from plantledger.generator.materials import MaterialFlows
from plantledger.generator.plc import plc_events
from plantledger.generator.production import Production
from plantledger.generator.sharding import Counters, Shard
from plantledger.generator.stock_rules import (
    AVAILABLE,
    Locations,
    events,
)
from plantledger.params import GenerationParams

PRODUCTION_LOC = -1
"""Stand-in for the per-work-order virtual production location (derived in dbt)."""
MOVEMENT_KINDS = (
    "putaway",
    "bin_transfer",
    "replenish_to_line",
    "pick",
    "status_change",
    "count_adjustment",
)
CARRIERS = ("DHL", "FedEx", "UPS", "Maersk", "DB Schenker", "Kuehne+Nagel", "XPO")
MTX_KINDS = ("issue_to_wo", "receipt_from_wo", "scrap", "return_to_stock")
USERS = tuple(f"op{n:03d}" for n in range(1, 121))
"""The operators who record stock events."""


def draw_events(draws: pl.DataFrame, locs: Locations, staging: str) -> pl.DataFrame:
    """Issues to work orders (to production) and scrap (to the facility's scrap location) from
    the line-side staging location in column ``staging``."""
    scrap_loc = locs.virtual("scrap")
    return events(
        draws.select(
            "sublot_key",
            "kind",
            "t",
            "facility_id",
            "qty",
            "work_order_id",
            "reason_code",
            from_loc=staging,
            to_loc=pl.when(pl.col("kind") == "scrap")
            .then(pl.col("facility_id").replace_strict(scrap_loc, return_dtype=pl.Int64))
            .otherwise(pl.lit(PRODUCTION_LOC, pl.Int64)),
            **AVAILABLE,
        )
    )


def return_events(returns: pl.DataFrame, staging: str) -> pl.DataFrame:
    """Over-issued units returned from production to the staging location in column
    ``staging``."""
    return events(
        returns.select(
            "sublot_key",
            "t",
            "facility_id",
            "qty",
            "work_order_id",
            kind=pl.lit("return_to_stock"),
            from_loc=pl.lit(PRODUCTION_LOC, pl.Int64),
            to_loc=staging,
            **AVAILABLE,
        )
    )


def wo_receipt_events(receipts: pl.DataFrame) -> pl.DataFrame:
    """Finished sublots received from their work order onto the conveyor line ``line_loc``."""
    return events(
        receipts.select(
            "sublot_key",
            "t",
            "facility_id",
            "qty",
            "work_order_id",
            kind=pl.lit("receipt_from_wo"),
            from_loc=pl.lit(PRODUCTION_LOC, pl.Int64),
            to_loc="line_loc",
            **AVAILABLE,
        )
    )


def material_transaction_events(
    flows: MaterialFlows, logi: Logistics, locs: Locations
) -> pl.DataFrame:
    return pl.concat(
        [
            draw_events(flows.draws, locs, staging="staging_loc"),
            return_events(flows.returns, staging="staging_loc"),
            wo_receipt_events(logi.product_sublots),
        ]
    )


def replay_state(ev: pl.DataFrame, locs: Locations) -> pl.DataFrame:
    """Each sublot's quantity, location and status after all its events (the design's rules)."""
    loc_attr = locs.frame.select(
        pl.col("id").alias("loc"),
        "is_physical",
        "location_type",
        pl.col("facility_id").alias("loc_facility"),
    )
    ev = ev.with_row_index("ev_seq")
    entries = (
        pl.concat(
            [
                ev.select(
                    "sublot_key",
                    "t",
                    "ev_seq",
                    loc="from_loc",
                    status="from_status",
                    q=-pl.col("qty"),
                ),
                ev.select("sublot_key", "t", "ev_seq", loc="to_loc", status="to_status", q="qty"),
            ]
        )
        .join(loc_attr, on="loc", how="left", maintain_order="left")
        .with_columns(
            pl.col("is_physical").fill_null(False),
            pl.col("location_type").fill_null("production"),
        )
    )
    qty = (
        entries.filter(pl.col("is_physical"))
        .group_by("sublot_key")
        .agg(pl.col("q").sum().alias("quantity"))
    )
    holding = (
        entries.filter(
            (pl.col("q") > 0)
            & (pl.col("is_physical") | pl.col("location_type").is_in(["customer", "in_transit"]))
        )
        .sort("sublot_key", "t", "ev_seq")
        .group_by("sublot_key")
        .agg(
            pl.col("loc").last(),
            pl.col("status").last(),
            pl.col("location_type").last(),
            pl.col("loc_facility").last(),
        )
    )
    span = ev.group_by("sublot_key").agg(
        pl.col("t").min().alias("created_us"), pl.col("t").max().alias("updated_us")
    )
    state = span.join(holding, on="sublot_key", how="left", maintain_order="left").join(
        qty, on="sublot_key", how="left", maintain_order="left"
    )
    return state.with_columns(pl.col("quantity").fill_null(0)).with_columns(
        status=pl.when(pl.col("quantity") > 0)
        .then(pl.col("status"))
        .when(pl.col("location_type") == "customer")
        .then(pl.lit("shipped"))
        .when(pl.col("location_type") == "in_transit")
        .then(pl.lit("in_transit"))
        .otherwise(pl.lit("consumed"))
    )


def build_raw_tables(
    params: GenerationParams,
    master: dict[str, pl.DataFrame],
    prod: Production,
    flows: MaterialFlows,
    logi: Logistics,
    locs: Locations,
    shard: Shard,
    counters: Counters,
) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """The raw tables of one shard, and its contribution to the inventory summary."""
    rng = params.rng(shard.stream("ledger"))
    end_us = to_us(params.end_instant())
    mtx_ev = material_transaction_events(flows, logi, locs)
    all_ev = pl.concat([flows.part_events, logi.events, mtx_ev]).filter(pl.col("t") <= end_us)
    all_ev = all_ev.sort("t", "sublot_key", "kind", maintain_order=True)
    state = replay_state(all_ev, locs)

    # --- sublots and lots --------------------------------------------------------------------
    ps, fin, st = flows.part_sublots, logi.product_sublots, logi.stock_sublots
    part_lot = (
        pl.lit("P")
        + pl.col("facility_id").cast(pl.String)
        + "-"
        + pl.col("part_id").cast(pl.String)
        + "-"
        + pl.col("lot_k").cast(pl.String)
    )
    lot_src = pl.concat(
        [
            purchased_sublots(ps, "initial_quantity", part_lot),
            produced_sublots(fin),
            purchased_sublots(st, "initial_quantity", own_lot("S")),
        ]
    )
    suppliers_of = all_ev.filter(pl.col("kind") == "supplier_receipt").select(
        "sublot_key", "supplier_id"
    )
    sub = lot_src.join(state, on="sublot_key", how="left", maintain_order="left").join(
        suppliers_of, on="sublot_key", how="left", maintain_order="left"
    )
    if sub["created_us"].null_count():
        raise AssertionError("a sublot has no events")
    sub, lots = number_sublots(sub, "created_us", rng, counters)
    key_to_id = sub.select("sublot_key", pl.col("id").alias("material_sublot_id"))
    codes = sub.select("sublot_key", "sublot_code")
    material_sublots = sublot_rows(
        sub, us_to_ts(pl.col("created_us")), us_to_ts(pl.col("updated_us"))
    ).sort("id")
    material_lots = lot_rows(lots)

    ev = with_recorded_by(all_ev.join(key_to_id, on="sublot_key", maintain_order="left"), rng)

    # --- goods receipts and warehouse movements ----------------------------------------------
    supplier_receipts = supplier_receipt_rows(ev, sub, counters)
    sublot_movements = sublot_movement_rows(ev, counters)

    # --- material transactions ---------------------------------------------------------------
    material_transactions = material_transaction_rows(
        master, prod.work_orders, ev, sub, rng, counters
    )

    # --- shipments ---------------------------------------------------------------------------
    rep = flows.rep_shipments.select(
        "ship_key",
        "shipment_type",
        "origin_facility_id",
        "destination_facility_id",
        pl.lit(None, pl.Int64).alias("order_id"),
        "shipped_us",
        delivered_us=pl.when(pl.col("delivered_us") <= end_us).then(pl.col("delivered_us")),
    )
    ships = pl.concat([logi.shipments, rep], how="vertical_relaxed").filter(
        pl.col("shipped_us") <= end_us
    )
    shipments, shipment_sublots = shipment_rows(master, ships, ev, rng, counters)

    # --- PLC tag changes -------------------------------------------------------------------
    plc_tag_events = plc_events(logi.stays, codes, locs, rng, end_us, counters)

    # --- inventory and orders ----------------------------------------------------------------
    orders = _final_orders(params, prod, logi)
    tables = {
        "orders": orders,
        "order_items": prod.order_items,
        "work_orders": prod.work_orders,
        "work_order_steps": prod.work_order_steps,
        "material_transactions": material_transactions,
        "material_lots": material_lots,
        "material_sublots": material_sublots,
        "supplier_receipts": supplier_receipts,
        "sublot_movements": sublot_movements,
        "shipments": shipments,
        "shipment_sublots": shipment_sublots,
        "plc_tag_events": plc_tag_events,
    }
    return tables, inventory_contribution(sub, ev)


def purchased_sublots(frame: pl.DataFrame, quantity: str, lot_tmp: pl.Expr) -> pl.DataFrame:
    """New part sublots for :func:`number_sublots`: sublot_key, part_id, the ``quantity`` they
    are received with and ``lot_tmp``, the lot they belong to."""
    return frame.select(
        "sublot_key",
        "part_id",
        pl.lit(None, pl.Int64).alias("product_id"),
        initial_quantity=quantity,
        lot_tmp=lot_tmp,
        work_order_id=pl.lit(None, pl.Int64),
    )


def produced_sublots(receipts: pl.DataFrame) -> pl.DataFrame:
    """New finished sublots for :func:`number_sublots`: one lot per work order."""
    return receipts.select(
        "sublot_key",
        pl.lit(None, pl.Int64).alias("part_id"),
        "product_id",
        initial_quantity="qty",
        lot_tmp=pl.lit("W") + pl.col("work_order_id").cast(pl.String),
        work_order_id="work_order_id",
    )


def own_lot(prefix: str) -> pl.Expr:
    """A lot of its own for every sublot."""
    return pl.lit(prefix) + pl.col("sublot_key").cast(pl.String)


def number_sublots(
    sub: pl.DataFrame, created: str, rng: np.random.Generator, counters: Counters
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Ids and codes for new sublots (sublot_key, lot_tmp, part_id, product_id, supplier_id,
    work_order_id, initial_quantity) in order of creation (the µs instant ``created``), and
    their lots (:func:`_number_lots`): the sublots with id, sublot_code and material_lot_id,
    and the lots."""
    sub = counters.with_ids("material_sublots", sub.sort(created, "sublot_key"))
    lots = _number_lots(sub, created, rng, counters)
    sub = sub.join(
        lots.select("lot_tmp", pl.col("id").alias("material_lot_id")),
        on="lot_tmp",
        how="left",
        maintain_order="left",
    ).with_columns(sublot_code=format_codes("SL-", pl.col("id"), 9))
    return sub, lots


def _number_lots(
    sublots: pl.DataFrame, created: str, rng: np.random.Generator, counters: Counters
) -> pl.DataFrame:
    """The lots of numbered sublots (one per ``lot_tmp``), with ids in order of creation (the
    earliest ``created`` µs instant of their sublots), codes and, for purchased lots, the
    supplier's lot number."""
    lots = (
        sublots.group_by("lot_tmp")
        .agg(
            pl.col("part_id").first(),
            pl.col("product_id").first(),
            pl.col("supplier_id").first(),
            pl.col("work_order_id").first(),
            pl.col("initial_quantity").sum().alias("quantity"),
            pl.col(created).min().alias("created_us"),
            pl.col("id").min().alias("first_sublot"),
        )
        .sort("created_us", "first_sublot")
    )
    lots = counters.with_ids("material_lots", lots)
    return lots.with_columns(
        lot_code=format_codes("LOT-", pl.col("id"), 8),
        supplier_lot_number=pl.when(pl.col("supplier_id").is_not_null()).then(
            pl.lit("S")
            + pl.col("supplier_id").cast(pl.String)
            + "-"
            + pl.Series(rng.integers(100_000, 999_999, lots.height)).cast(pl.String)
        ),
    )


def lot_rows(lots: pl.DataFrame) -> pl.DataFrame:
    """material_lots rows of the lots of :func:`number_sublots`."""
    return lots.select(
        "id",
        "lot_code",
        "part_id",
        "product_id",
        "supplier_id",
        "work_order_id",
        "supplier_lot_number",
        "quantity",
        created_at=us_to_ts(pl.col("created_us")),
    )


def sublot_rows(sub: pl.DataFrame, created_at: pl.Expr, updated_at: pl.Expr) -> pl.DataFrame:
    """material_sublots rows of numbered sublots with their replayed state
    (:func:`replay_state`: loc, loc_facility, quantity, status)."""
    return sub.select(
        "id",
        "sublot_code",
        "material_lot_id",
        "part_id",
        "product_id",
        "initial_quantity",
        facility_id="loc_facility",
        storage_location_id="loc",
        quantity="quantity",
        status="status",
        created_at=created_at,
        updated_at=updated_at,
    )


def with_recorded_by(ev: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Every event with the operator who recorded it."""
    users = np.asarray(USERS, dtype=object)
    return ev.with_columns(
        recorded_by=pl.Series(users[rng.integers(0, len(users), ev.height)].astype(str))
    )


def supplier_receipt_rows(
    ev: pl.DataFrame, parts: pl.DataFrame, counters: Counters
) -> pl.DataFrame:
    """supplier_receipts rows of the supplier_receipt events (``ev`` with material_sublot_id;
    ``parts``: sublot_key → part_id)."""
    gr = (
        ev.filter(pl.col("kind") == "supplier_receipt")
        .join(
            parts.select("sublot_key", "part_id"),
            on="sublot_key",
            how="left",
            maintain_order="left",
        )
        .sort("t", "material_sublot_id")
    )
    return counters.with_ids("supplier_receipts", gr).select(
        "id",
        receipt_number=format_codes("GR-", pl.col("id"), 8),
        material_sublot_id="material_sublot_id",
        supplier_id="supplier_id",
        part_id="part_id",
        facility_id="facility_id",
        storage_location_id="to_loc",
        quantity="qty",
        status="to_status",
        purchase_order_number=format_codes(
            "PO-", pl.col("supplier_id") * 1000 + us_to_ts(pl.col("t")).dt.ordinal_day(), 7
        ),
        received_at=us_to_ts(pl.col("t")),
    )


def sublot_movement_rows(ev: pl.DataFrame, counters: Counters) -> pl.DataFrame:
    """sublot_movements rows of the warehouse movement events (``ev`` with material_sublot_id
    and recorded_by)."""
    mv = ev.filter(pl.col("kind").is_in(MOVEMENT_KINDS)).sort("t", "material_sublot_id", "kind")
    return counters.with_ids("sublot_movements", mv).select(
        "id",
        movement_number=format_codes("MV-", pl.col("id"), 9),
        movement_type="kind",
        material_sublot_id="material_sublot_id",
        facility_id="facility_id",
        from_location_id="from_loc",
        to_location_id="to_loc",
        quantity="qty",
        from_status="from_status",
        to_status="to_status",
        reason_code="reason_code",
        moved_at=us_to_ts(pl.col("t")),
        recorded_by="recorded_by",
    )


def material_transaction_rows(
    master: dict[str, pl.DataFrame],
    work_orders: pl.DataFrame,
    ev: pl.DataFrame,
    sub: pl.DataFrame,
    rng: np.random.Generator,
    counters: Counters,
) -> pl.DataFrame:
    """material_transactions rows of the issue, receipt, scrap and return events (``ev`` with
    material_sublot_id and recorded_by; ``work_orders``: id, wo_number; ``sub``: sublot_key →
    part_id, product_id)."""
    parts = master["parts"].select(pl.col("id").alias("part_id"), "unit_cost")
    std = (
        master["product_components"]
        .join(parts, on="part_id", maintain_order="left")
        .group_by("product_id")
        .agg(((pl.col("quantity") * pl.col("unit_cost")).sum() * 1.25).alias("std_cost"))
    )
    wo = work_orders.select(pl.col("id").alias("work_order_id"), "wo_number")
    m = (
        ev.filter(pl.col("kind").is_in(MTX_KINDS))
        .join(
            sub.select("sublot_key", "part_id", "product_id"),
            on="sublot_key",
            maintain_order="left",
        )
        .join(wo, on="work_order_id", how="left", maintain_order="left")
        .join(parts, on="part_id", how="left", maintain_order="left")
        .join(std, on="product_id", how="left", maintain_order="left")
        .sort("t", "material_sublot_id", "kind")
    )
    n = m.height
    m = counters.with_ids("material_transactions", m).with_columns(
        year=us_to_ts(pl.col("t")).dt.year(),
        jitter=pl.Series(rng.uniform(0.97, 1.03, n)),
    )
    m = m.with_columns(seq=counters.sequence("MTX", m, "year", pl.lit(True)))
    return m.select(
        "id",
        transaction_number=pl.lit("MTX-")
        + pl.col("year").cast(pl.String)
        + "-"
        + pl.col("seq").cast(pl.String).str.zfill(5),
        transaction_type="kind",
        work_order_id="work_order_id",
        part_id="part_id",
        product_id="product_id",
        facility_id="facility_id",
        material_sublot_id="material_sublot_id",
        storage_location_id=pl.when(pl.col("kind").is_in(["issue_to_wo", "scrap"]))
        .then(pl.col("from_loc"))
        .otherwise(pl.col("to_loc")),
        quantity="qty",
        unit_cost=pl.when(pl.col("kind") == "receipt_from_wo")
        .then(pl.col("std_cost"))
        .otherwise(pl.col("unit_cost") * pl.col("jitter"))
        .round(2),
        reason_code="reason_code",
        reference_number="wo_number",
        created_at=us_to_ts(pl.col("t")),
        created_by="recorded_by",
    )


def shipment_rows(
    master: dict[str, pl.DataFrame],
    ships: pl.DataFrame,
    ev: pl.DataFrame,
    rng: np.random.Generator,
    counters: Counters,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """shipments and shipment_sublots rows of the shipments that loaded a sublot (``ships``:
    ship_key, shipment_type, origin_facility_id, destination_facility_id, order_id, shipped_us,
    delivered_us; ``ev`` with material_sublot_id)."""
    loaded = ev.filter(pl.col("kind") == "ship_out")
    arrived = ev.filter(pl.col("kind") == "ship_in").select(
        "material_sublot_id", "ship_key", pl.col("to_loc").alias("arrival_loc")
    )
    sl = loaded.join(
        arrived, on=["material_sublot_id", "ship_key"], how="left", maintain_order="left"
    )
    per_ship = sl.group_by("ship_key").agg(pl.col("qty").sum().alias("units"))
    routes = (
        master["transport_routes"]
        .group_by("origin_facility_id", "destination_facility_id")
        .agg(pl.col("id").min().alias("transport_route_id"))
    )
    ships = ships.join(per_ship, on="ship_key", how="inner", maintain_order="left").sort(
        "shipped_us", "ship_key"
    )
    n = ships.height
    prefix = pl.col("shipment_type").replace_strict(
        {"order_fulfillment": "SHP-", "transfer": "TRF-", "replenishment": "REP-"}
    )
    ships = (
        counters.with_ids("shipments", ships)
        .join(
            routes,
            on=["origin_facility_id", "destination_facility_id"],
            how="left",
            maintain_order="left",
        )
        .with_columns(
            weight_kg=(pl.col("units") * pl.Series(rng.uniform(0.5, 3.0, n))).round(1),
            carrier=pl.Series(
                np.asarray(CARRIERS, dtype=object)[rng.integers(0, len(CARRIERS), n)].astype(str)
            ),
        )
        .sort("id")
    )
    shipments = ships.select(
        "id",
        shipment_number=prefix + pl.col("id").cast(pl.String).str.zfill(7),
        order_id="order_id",
        origin_facility_id="origin_facility_id",
        destination_facility_id="destination_facility_id",
        transport_route_id="transport_route_id",
        shipment_type="shipment_type",
        carrier="carrier",
        status=pl.when(pl.col("delivered_us").is_not_null())
        .then(pl.lit("delivered"))
        .otherwise(pl.lit("in_transit")),
        shipped_at=us_to_ts(pl.col("shipped_us")),
        delivered_at=us_to_ts(pl.col("delivered_us")),
        weight_kg="weight_kg",
        cost_usd=(pl.col("weight_kg") * pl.Series(rng.uniform(0.8, 4.0, n))).round(2),
    )
    ship_sub = sl.join(
        ships.select("ship_key", pl.col("id").alias("shipment_id")),
        on="ship_key",
        how="inner",
        maintain_order="left",
    ).sort("shipment_id", "material_sublot_id")
    shipment_sublots = counters.with_ids("shipment_sublots", ship_sub).select(
        "id",
        "shipment_id",
        "material_sublot_id",
        from_location_id="from_loc",
        to_location_id=pl.coalesce("arrival_loc", "to_loc"),
        quantity="qty",
    )
    return shipments, shipment_sublots


def inventory_contribution(sub: pl.DataFrame, ev: pl.DataFrame) -> pl.DataFrame:
    """Per (facility, part) that held a part sublot in this shard: what is on hand now there."""
    part_sub = sub.filter(pl.col("part_id").is_not_null())
    touched = (
        ev.join(part_sub.select("sublot_key", "part_id"), on="sublot_key", maintain_order="left")
        .select("facility_id", "part_id")
        .unique()
    )
    held = (
        part_sub.filter(pl.col("quantity") > 0)
        .group_by(pl.col("loc_facility").alias("facility_id"), "part_id")
        .agg(pl.col("quantity").sum().alias("quantity_on_hand"))
    )
    return pl.concat(
        [touched.with_columns(quantity_on_hand=pl.lit(0, pl.Int64)), held],
        how="vertical_relaxed",
    )


def inventory_plans(rng: np.random.Generator, n: int) -> dict[str, pl.Series]:
    """Per inventory row, ``reserved_f``: the share of the units on hand that is reserved (see
    :func:`reserved`), and ``on_order``: units on order, for three rows in ten."""
    return {
        "reserved_f": pl.Series(rng.uniform(0, 0.3, n)),
        "on_order": pl.Series(np.where(rng.random(n) < 0.3, rng.integers(10, 500, n), 0)),
    }


def reserved(on_hand: str) -> pl.Expr:
    """The reserved units of the ``on_hand`` units (:func:`inventory_plans`)."""
    return (pl.col(on_hand) * pl.col("reserved_f")).floor().cast(pl.Int64)


def build_inventory(
    params: GenerationParams, master: dict[str, pl.DataFrame], pieces: list[pl.DataFrame]
) -> pl.DataFrame:
    """The inventory summary over all shards (a facility's stock can come from several)."""
    rng = params.rng("inventory")
    inv = (
        pl.concat(pieces)
        .group_by("facility_id", "part_id")
        .agg(pl.col("quantity_on_hand").sum())
        .sort("facility_id", "part_id")
    )
    n = inv.height
    min_stock = master["parts"].select(pl.col("id").alias("part_id"), "min_stock_level")
    end_us = to_us(params.end_instant())
    return (
        inv.join(min_stock, on="part_id", how="left", maintain_order="left")
        .with_row_index("id", offset=1)
        .with_columns(**inventory_plans(rng, n))
        .select(
            pl.col("id").cast(pl.Int64),
            "facility_id",
            "part_id",
            "quantity_on_hand",
            quantity_reserved=reserved("quantity_on_hand"),
            quantity_on_order="on_order",
            reorder_point=pl.col("min_stock_level"),
            last_counted_at=us_to_ts(pl.lit(end_us) - jitter(rng, 0, 90 * US_PER_DAY, n)),
        )
    )


def _final_orders(params: GenerationParams, prod: Production, logi: Logistics) -> pl.DataFrame:
    o = prod.orders.join(logi.order_status, on="order_id", how="left", maintain_order="left")
    recent = pl.col("order_date") >= pl.lit(params.end_date) - pl.duration(days=3)
    return o.select(
        pl.col("order_id").alias("id"),
        "order_number",
        "customer_id",
        "order_date",
        "required_date",
        shipped_date=us_to_date(pl.col("shipped_us")),
        status=pl.when(pl.col("order_class") == "cancelled")
        .then(pl.lit("cancelled"))
        .when(pl.col("delivered_us").is_not_null())
        .then(pl.lit("delivered"))
        .when(pl.col("shipped_us").is_not_null())
        .then(pl.lit("shipped"))
        .when((pl.col("order_class") == "released") & recent)
        .then(pl.lit("pending"))
        .otherwise(pl.lit("confirmed")),
        shipping_facility_id="shipping_facility_id",
        total_amount="total_amount",
        created_at="created_at",
    ).sort("id")
