"""The rows a daily load writes: late events dated back, and every table's new rows and new
versions cast to the contract (the ledgers of :mod:`plantledger.generator.ledger`)."""

from __future__ import annotations

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_SECOND,
    jitter,
    us_to_ts,
)
from plantledger.generator.daily.context import (
    EVENT_TIMES,
    I64,
    LATE_SHARE,
    AppendResult,
    Ctx,
    changed_rows,
)
from plantledger.generator.daily.logistics import (
    Finished,
    Outbound,
)
from plantledger.generator.daily.production import WorkOrders
from plantledger.generator.daily.stock import Latable
from plantledger.generator.ledger import (
    MOVEMENT_KINDS,
    MTX_KINDS,
    inventory_plans,
    lot_rows,
    material_transaction_rows,
    number_sublots,
    replay_state,
    reserved,
    shipment_rows,
    sublot_movement_rows,
    sublot_rows,
    supplier_receipt_rows,
    with_recorded_by,
)
from plantledger.generator.plc import (
    plc_tag_rows,
    tag_changes,
    with_server_instants,
)
from plantledger.generator.sharding import Counters
from plantledger.generator.state import RawState
from plantledger.generator.stock_rules import events
from plantledger.schema import RAW_SCHEMAS, TABLES, cast_to_contract


def _table_rows() -> pl.Expr:
    """The events that become a row of an event table (conveyor moves are PLC tag changes)."""
    return pl.col("kind").is_in(["supplier_receipt", "ship_out", *MOVEMENT_KINDS, *MTX_KINDS])


def make_late(
    ctx: Ctx, fixed: pl.DataFrame, latable: list[Latable], plc_count: int
) -> tuple[pl.DataFrame, int]:
    """Date a share of the events before the window: sublots are chosen at random among those
    whose events may come late (:class:`~plantledger.generator.daily.stock.Latable`) until
    ``LATE_SHARE`` of the load's events (rows of the event tables) is late. Returns every event
    and the number of late ones."""
    rng = ctx.rng("late")
    end, ws = ctx.end, ctx.ws
    now = [option.now.filter(pl.col("t") <= end) for option in latable]
    total = sum(f.filter(_table_rows()).height for f in [fixed, *now]) + plc_count
    # a sublot's events may come late only when they are its first events of this load
    every = pl.concat(
        [fixed.select("sublot_key", "t")]
        + [f.select("sublot_key", "t").with_columns(option=pl.lit(i)) for i, f in enumerate(now)],
        how="diagonal_relaxed",
    )
    first_other = [
        every.filter(pl.col("option").ne_missing(i))
        .group_by("sublot_key")
        .agg(pl.col("t").min().alias("next_us"))
        for i in range(len(latable))
    ]
    cost = pl.concat(
        [
            option.late.filter(_table_rows() & (pl.col("t") < ws))
            .group_by("sublot_key")
            .agg(pl.len().alias("n"))
            .join(
                now[i].group_by("sublot_key").agg(pl.col("t").max().alias("last_us")),
                on="sublot_key",
                how="left",
                maintain_order="left",
            )
            .join(first_other[i], on="sublot_key", how="left", maintain_order="left")
            .filter(pl.col("next_us").is_null() | (pl.col("last_us") < pl.col("next_us")))
            .select("sublot_key", "n", option=pl.lit(i))
            for i, option in enumerate(latable)
        ],
        how="vertical_relaxed",
    ).sort("option", "sublot_key")
    target = max(1, round(LATE_SHARE * total)) if cost.height else 0
    cost = (cost[rng.permutation(cost.height)] if cost.height else cost).with_row_index("_pos")
    # in random order, as many as fit the target; then single events for what is left
    chosen = cost.filter(pl.col("n").cum_sum() <= target)
    rest = cost.filter(~pl.col("_pos").is_in(chosen["_pos"].implode()) & (pl.col("n") == 1))
    chosen = pl.concat([chosen, rest.head(max(target - int(chosen["n"].sum()), 0))])
    if chosen.is_empty() and target:
        chosen = cost.sort("n", "_pos").head(1)
    parts = [fixed]
    for i, option in enumerate(latable):
        keys = chosen.filter(pl.col("option") == i)["sublot_key"].implode()
        parts.append(now[i].filter(~pl.col("sublot_key").is_in(keys)))
        parts.append(option.late.filter(pl.col("sublot_key").is_in(keys)))
    out = pl.concat([events(p) for p in parts], how="vertical_relaxed")
    late_rows = out.filter(_table_rows() & (pl.col("t") < ws)).height
    if out.filter(pl.col("t") < ctx.window.late_us).height:
        raise AssertionError("an event is dated before the late bound")
    return out, late_rows


def load_tables(
    ctx: Ctx,
    ev: pl.DataFrame,
    registry: pl.DataFrame,
    wo: WorkOrders,
    fin: Finished,
    out: Outbound,
    new_bin: pl.DataFrame,
    late: int,
) -> AppendResult:
    rng = ctx.rng("tables")
    st = ctx.state
    counters = ctx.counters
    end = ctx.end
    ev = ev.sort("t", "sublot_key", "kind", maintain_order=True)

    touched, new, material_sublots, material_lots = _sublot_rows(
        st, ev, ctx, rng, counters, registry
    )

    # --- events as rows -------------------------------------------------------------------------
    key_to_id = pl.concat(
        [
            touched.to_frame("sublot_key").with_columns(material_sublot_id=pl.col("sublot_key")),
            new.select("sublot_key", material_sublot_id="id"),
        ],
        how="vertical_relaxed",
    )
    ev = ev.join(key_to_id, on="sublot_key", how="left", maintain_order="left")
    if ev["material_sublot_id"].null_count():
        raise AssertionError("an event names a sublot that has no row")
    ev = with_recorded_by(ev, rng)
    sublots = pl.concat(
        [
            st.sublots.select(
                pl.col("id").alias("sublot_key"), "part_id", "product_id", "sublot_code"
            ),
            new.select("sublot_key", "part_id", "product_id", "sublot_code"),
        ],
        how="vertical_relaxed",
    )
    supplier_receipts = supplier_receipt_rows(ev, sublots, counters)
    sublot_movements = sublot_movement_rows(ev, counters)
    material_transactions = material_transaction_rows(
        ctx.master, wo.all_wos, ev, sublots, rng, counters
    )
    shipments, shipment_sublots = _shipment_rows(ctx, rng, out, ev)
    plc_tag_events = _plc_rows(
        ctx, rng, fin.stays, sublots.select("sublot_key", "sublot_code"), end
    )
    inventory = _inventory_rows(ctx, rng, ev, material_sublots, sublots)

    tables = {
        "orders": out.orders,
        "order_items": out.order_items,
        "shipments": shipments,
        "inventory": inventory,
        "work_orders": wo.rows,
        "work_order_steps": wo.steps,
        "material_transactions": material_transactions,
        "storage_locations": new_bin,
        "material_lots": material_lots,
        "material_sublots": material_sublots,
        "supplier_receipts": supplier_receipts,
        "sublot_movements": sublot_movements,
        "shipment_sublots": shipment_sublots,
        "plc_tag_events": plc_tag_events,
    }
    k = ctx.window.load_id
    cast = {
        table: cast_to_contract(table, tables[table], load_id=k)
        if table in tables
        else pl.DataFrame(schema=RAW_SCHEMAS[table])
        for table in TABLES
    }
    n_events = sum(cast[table].height for table in EVENT_TIMES)
    return AppendResult(tables=cast, events=n_events, late_events=late)


def _sublot_rows(
    st: RawState,
    ev: pl.DataFrame,
    ctx: Ctx,
    rng: np.random.Generator,
    counters: Counters,
    registry: pl.DataFrame,
) -> tuple[pl.Series, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The sublot state after the load: touched sublots replayed from their opening state
    through this load's events, new sublots numbered in creation order with their lots."""
    # --- sublot state: the current state of touched sublots plus this load's events -------------
    max_old = st.max_ids["material_sublots"]
    touched = ev.filter(pl.col("sublot_key") <= max_old)["sublot_key"].unique()
    old = st.sublots.filter(pl.col("id").is_in(touched.implode()))
    opening = events(
        old.select(
            sublot_key="id",
            kind=pl.lit("opening"),
            t=pl.lit(ctx.window.late_us - 1, I64),
            facility_id="facility_id",
            to_loc="storage_location_id",
            from_status="status",
            to_status="status",
            qty=pl.col("quantity").cast(I64),
        )
    )
    replayed = replay_state(pl.concat([opening, ev], how="vertical_relaxed"), ctx.locs).drop(
        "created_us", "updated_us"
    )
    span = ev.group_by("sublot_key").agg(
        pl.col("t").min().alias("first_us"), pl.col("t").max().alias("last_us")
    )
    replayed = replayed.join(span, on="sublot_key", how="left", maintain_order="left")

    # new sublots: ids in creation order, lots
    suppliers_of = ev.filter(pl.col("kind") == "supplier_receipt").select(
        "sublot_key", "supplier_id"
    )
    new, lots = number_sublots(
        registry.join(replayed, on="sublot_key", how="inner", maintain_order="left").join(
            suppliers_of, on="sublot_key", how="left", maintain_order="left"
        ),
        "first_us",
        rng,
        counters,
    )
    sub_cols = list(RAW_SCHEMAS["material_sublots"])[:-1]
    new_rows = sublot_rows(new, us_to_ts(pl.col("first_us")), us_to_ts(pl.col("last_us")))
    moved = sublot_rows(
        old.drop("facility_id", "storage_location_id", "quantity", "status", "updated_at").join(
            replayed.rename({"sublot_key": "id"}), on="id", how="left", maintain_order="left"
        ),
        pl.col("created_at"),
        us_to_ts(pl.col("last_us")),
    )
    material_sublots = pl.concat(
        [changed_rows(moved.select(sub_cols), old, ["id"]), new_rows.select(sub_cols)],
        how="vertical_relaxed",
    ).sort("id")
    material_lots = lot_rows(lots)
    return touched, new, material_sublots, material_lots


def _shipment_rows(
    ctx: Ctx, rng: np.random.Generator, out: Outbound, ev: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The new shipments with their sublots, and new versions of the shipments delivered."""
    new_rows, shipment_sublots = shipment_rows(ctx.master, out.shipments, ev, rng, ctx.counters)
    cols = list(RAW_SCHEMAS["shipments"])[:-1]
    delivered = (
        ctx.state.transit_shipments.join(out.delivered, on="id", how="inner", maintain_order="left")
        .with_columns(status=pl.lit("delivered"), delivered_at=us_to_ts(pl.col("delivered_us")))
        .select(cols)
    )
    shipments = pl.concat([delivered, new_rows.select(cols)], how="vertical_relaxed").sort("id")
    return shipments, shipment_sublots


def _plc_rows(
    ctx: Ctx,
    rng: np.random.Generator,
    stays: pl.DataFrame,
    codes: pl.DataFrame,
    end: int,
) -> pl.DataFrame:
    """The load's PLC tag changes in time order, recorded by the server within the window."""
    e = tag_changes(stays, codes, ctx.locs, end).sort("t", "pos_loc", "clear")
    e = with_server_instants(e, jitter(rng, 5_000, 2 * US_PER_SECOND, e.height), end)
    return plc_tag_rows(e.sort("server", "tag_name", "t"), ctx.counters)


def _inventory_rows(
    ctx: Ctx,
    rng: np.random.Generator,
    ev: pl.DataFrame,
    sublot_rows: pl.DataFrame,
    parts: pl.DataFrame,
) -> pl.DataFrame:
    """New versions of the inventory rows whose on-hand changed, and rows for (facility, part)
    pairs that hold a part sublot for the first time."""
    st = ctx.state
    part_of = parts.filter(pl.col("part_id").is_not_null()).select("sublot_key", "part_id")
    pairs = (
        ev.join(part_of, on="sublot_key", how="inner", maintain_order="left")
        .select("facility_id", "part_id")
        .unique()
    )
    now = pl.concat(
        [
            st.sublots.filter(~pl.col("id").is_in(sublot_rows["id"].implode())).select(
                "facility_id", "part_id", "quantity"
            ),
            sublot_rows.select("facility_id", "part_id", "quantity"),
        ],
        how="vertical_relaxed",
    ).filter(pl.col("part_id").is_not_null() & (pl.col("quantity") > 0))
    pairs = (
        pl.concat(
            [
                pairs,
                sublot_rows.filter(pl.col("part_id").is_not_null()).select(
                    "facility_id", "part_id"
                ),
            ],
            how="vertical_relaxed",
        )
        .unique()
        .sort("facility_id", "part_id")
    )
    on_hand = pairs.join(
        now.group_by("facility_id", "part_id").agg(pl.col("quantity").sum().alias("on_hand")),
        on=["facility_id", "part_id"],
        how="left",
        maintain_order="left",
    ).with_columns(pl.col("on_hand").fill_null(0).cast(I64))
    counted = (
        ev.filter(pl.col("kind") == "count_adjustment")
        .join(part_of, on="sublot_key", how="inner", maintain_order="left")
        .group_by("facility_id", "part_id")
        .agg(pl.col("t").max().alias("counted_us"))
    )
    inv = st.inventory
    n = on_hand.height
    merged = (
        on_hand.join(inv, on=["facility_id", "part_id"], how="left", maintain_order="left")
        .join(counted, on=["facility_id", "part_id"], how="left", maintain_order="left")
        .with_columns(
            **inventory_plans(rng, n),
            counted_new=pl.lit(ctx.end) - jitter(rng, 0, ctx.end - ctx.ws, n),
        )
    )
    changed = merged.filter(
        pl.col("id").is_not_null() & (pl.col("quantity_on_hand") != pl.col("on_hand"))
    ).select(
        "id",
        "facility_id",
        "part_id",
        quantity_on_hand="on_hand",
        quantity_reserved=reserved("on_hand"),
        quantity_on_order="quantity_on_order",
        reorder_point="reorder_point",
        last_counted_at=pl.coalesce(us_to_ts(pl.col("counted_us")), pl.col("last_counted_at")),
    )
    fresh = merged.filter(pl.col("id").is_null()).join(
        ctx.master["parts"].select(pl.col("id").alias("part_id"), "min_stock_level"),
        on="part_id",
        how="left",
        maintain_order="left",
    )
    fresh = ctx.counters.with_ids("inventory", fresh.drop("id")).select(
        "id",
        "facility_id",
        "part_id",
        quantity_on_hand="on_hand",
        quantity_reserved=reserved("on_hand"),
        quantity_on_order=pl.col("on_order").cast(I64),
        reorder_point="min_stock_level",
        last_counted_at=us_to_ts(pl.coalesce("counted_us", "counted_new")),
    )
    return pl.concat([changed, fresh], how="vertical_relaxed").sort("id")
