"""Finished goods and warehouse stock: conveyors, putaway, quality holds, shipments to
customers and between facilities, and the stock that warehouses and distribution centres keep."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    US_PER_SECOND,
    jitter,
    partners,
    pick_in_group,
    to_us,
    uniform_us,
)
from plantledger.generator.sharding import Shard
from plantledger.generator.stock_rules import (
    AVAILABLE,
    QUALITY_RELEASE,
    RECEIVED_STATUS,
    Locations,
    at_fraction,
    events,
    inbound_events,
)
from plantledger.params import GenerationParams

TRANSFER_SHARE = 0.95
"""Share of finished make-to-stock work orders shipped on to a warehouse or DC."""

STOCK_SCHEMA = {
    "sublot_key": pl.Int64,
    "facility_id": pl.Int64,
    "part_id": pl.Int64,
    "supplier_id": pl.Int64,
    "initial_quantity": pl.Int64,
    "created_us": pl.Int64,
}


@dataclass(frozen=True)
class Logistics:
    product_sublots: pl.DataFrame
    stock_sublots: pl.DataFrame
    events: pl.DataFrame
    stays: pl.DataFrame
    """Conveyor stays: sublot_key, position loc, enter_us, leave_us (what the PLC saw)."""
    shipments: pl.DataFrame
    order_status: pl.DataFrame
    next_key: int


def conveyor_positions(locs: Locations, rng: np.random.Generator) -> pl.DataFrame:
    """Positions of every line with a dwell median; one or two bottlenecks per line."""
    pos = (
        locs.frame.filter(pl.col("location_type") == "conveyor_position")
        .select(
            pl.col("id").alias("pos_loc"),
            pl.col("parent_location_id").alias("line_loc"),
            pl.col("position_sequence").alias("seq"),
        )
        .sort("line_loc", "seq")
    )
    n = pos.height
    normal = rng.uniform(30, 180, n)
    bottleneck = rng.random(n) < 0.2
    median = np.where(bottleneck, rng.uniform(600, 1800, n), normal)
    return pos.with_columns(median_s=pl.Series(median), bottleneck=pl.Series(bottleneck))


def simulate_conveyors(
    entrants: pl.DataFrame, positions: pl.DataFrame, rng: np.random.Generator
) -> pl.DataFrame:
    """FIFO flow of sublots along their line's positions (Lindley recursion per position).

    A sublot enters position k when it left position k-1 and the previous sublot left k; while
    it waits it is on the line (position unknown). ``leave = S_i + max_{j<=i}(a_j - S_{j-1})``
    with ``S`` the running sum of service times, so the whole line is one column expression.

    ``entrants``: sublot_key, line_loc, ``first_seq`` the first position a sublot still has to
    pass (1 for a sublot just received onto the line), ``a`` when it can enter it, ``prio``
    breaking ties (lower first: a sublot already at a position goes first), ``pre`` whether the
    sublot is already at that position (its arrival there is old). Returns the stays:
    sublot_key, line_loc, pos_loc, seq, enter_us, leave_us, pre.
    """
    cols = ["sublot_key", "line_loc", "a", "prio", "pre"]
    cur = entrants.head(0).select(cols)
    stays = []
    max_seq = int(positions["seq"].max()) if positions.height else 0
    for k in range(1, max_seq + 1):
        joining = entrants.filter(pl.col("first_seq") == k).select(cols)
        if joining.height:
            # only joiners need a sort: on a line, sublots leave a position in the order they
            # entered it (a stay lasts at least a second), so ``cur`` stays in order of ``a``
            cur = pl.concat([cur, joining], how="vertical_relaxed").sort(
                "line_loc", "a", "prio", "sublot_key"
            )
        at_k = positions.filter(pl.col("seq") == k).select("line_loc", "pos_loc", "median_s")
        cur = cur.join(at_k, on="line_loc", how="inner", maintain_order="left")
        if cur.height == 0:
            cur = cur.select(cols)
            continue
        service = np.maximum(
            (
                cur["median_s"].to_numpy() * rng.lognormal(0.0, 0.45, cur.height) * US_PER_SECOND
            ).astype(np.int64),
            US_PER_SECOND,
        )
        cur = (
            cur.with_columns(s=pl.Series(service))
            .with_columns(big_s=pl.col("s").cum_sum().over("line_loc"))
            .with_columns(
                leave=pl.col("big_s")
                + (pl.col("a") - (pl.col("big_s") - pl.col("s"))).cum_max().over("line_loc")
            )
            .with_columns(enter=pl.col("leave") - pl.col("s"))
        )
        stays.append(
            cur.select(
                "sublot_key",
                "line_loc",
                "pos_loc",
                pl.lit(k, pl.Int64).alias("seq"),
                pl.col("enter").alias("enter_us"),
                pl.col("leave").alias("leave_us"),
                "pre",
            )
        )
        cur = cur.select(
            "sublot_key", "line_loc", a="leave", prio=pl.lit(1, pl.Int64), pre=pl.lit(False)
        )
    if not stays:
        return pl.DataFrame(
            schema={
                "sublot_key": pl.Int64,
                "line_loc": pl.Int64,
                "pos_loc": pl.Int64,
                "seq": pl.Int64,
                "enter_us": pl.Int64,
                "leave_us": pl.Int64,
                "pre": pl.Boolean,
            }
        )
    return pl.concat(stays, how="vertical_relaxed").sort("sublot_key", "seq")


def conveyor_events(stays: pl.DataFrame) -> pl.DataFrame:
    """The stock moves the stays imply, exactly as the PLC tag rules derive them (an arrival
    that happened before, ``pre``, is not repeated)."""
    s = stays.sort("sublot_key", "seq").with_columns(
        prev_leave=pl.col("leave_us").shift(1).over("sublot_key"),
        prev_pos=pl.col("pos_loc").shift(1).over("sublot_key"),
        next_enter=pl.col("enter_us").shift(-1).over("sublot_key"),
    )
    from_prev = (pl.col("prev_leave") == pl.col("enter_us")).fill_null(False)
    arrive = s.filter(~pl.col("pre")).select(
        "sublot_key",
        kind=pl.lit("conveyor_move"),
        t="enter_us",
        from_loc=pl.when(from_prev).then(pl.col("prev_pos")).otherwise(pl.col("line_loc")),
        to_loc="pos_loc",
    )
    leave = s.filter(
        pl.col("next_enter").is_null() | (pl.col("next_enter") != pl.col("leave_us"))
    ).select(
        "sublot_key",
        kind=pl.lit("conveyor_move"),
        t="leave_us",
        from_loc="pos_loc",
        to_loc="line_loc",
    )
    return pl.concat([arrive, leave], how="vertical_relaxed")


def onto_lines(receipts: pl.DataFrame, locs: Locations, rng: np.random.Generator) -> pl.DataFrame:
    """``receipts`` with the conveyor line (``line_loc``) each work order's sublots go onto: one
    of its factory's lines."""
    lines = locs.of_type("conveyor_line").rename({"loc": "line_loc"})
    wo_line = pick_in_group(
        receipts.select("work_order_id", "facility_id")
        .unique("work_order_id")
        .sort("work_order_id"),
        lines,
        "facility_id",
        "line_loc",
        "line_loc",
        rng,
    )
    return receipts.join(
        wo_line.select("work_order_id", "line_loc"),
        on="work_order_id",
        how="left",
        maintain_order="left",
    )


def dock_shipments(ships: pl.DataFrame, locs: Locations, rng: np.random.Generator) -> pl.DataFrame:
    """Shipments (facility_id, destination_facility_id, shipped_us, transit_us) with the dock
    they leave from (``ship_dock``), when their sublots are picked (``pick_us``, hours before)
    and arrive (``delivered_us``), and the receiving dock (``dest_dock``) at ``dest``: the
    destination, or for customer shipments the origin."""
    ships = pick_in_group(ships, locs.dock("SHP"), "facility_id", "loc", "ship_dock", rng)
    ships = ships.with_columns(
        delivered_us=pl.col("shipped_us") + pl.col("transit_us"),
        pick_us=pl.col("shipped_us") - jitter(rng, US_PER_HOUR, 3 * US_PER_HOUR, ships.height),
        dest=pl.col("destination_facility_id").fill_null(pl.col("facility_id")),
    )
    return pick_in_group(
        ships, locs.dock("RCV").rename({"facility_id": "dest"}), "dest", "loc", "dest_dock", rng
    )


def shipping_events(
    loads: pl.DataFrame, locs: Locations, rng: np.random.Generator, from_dock: str
) -> pl.DataFrame:
    """Sublots loaded (``loads``: sublot_key, qty, a :func:`dock_shipments` row, ``dest_bin``)
    from the ``from_dock`` dock onto their shipment: to the customer, or for transfers and
    replenishments in transit to the destination, received at its dock and put away within
    hours."""
    customer, transit = locs.virtual("customer"), locs.virtual("in_transit")
    in_transit = pl.col("facility_id").replace_strict(transit, return_dtype=pl.Int64)
    is_transfer = pl.col("shipment_type") != "order_fulfillment"
    arrived = loads.filter(is_transfer)
    return pl.concat(
        [
            events(e)
            for e in (
                loads.select(
                    "sublot_key",
                    "qty",
                    "facility_id",
                    "ship_key",
                    kind=pl.lit("ship_out"),
                    t="shipped_us",
                    from_loc=from_dock,
                    to_loc=pl.when(is_transfer)
                    .then(in_transit)
                    .otherwise(
                        pl.col("facility_id").replace_strict(customer, return_dtype=pl.Int64)
                    ),
                    **AVAILABLE,
                ),
                arrived.select(
                    "sublot_key",
                    "qty",
                    "ship_key",
                    facility_id="dest",
                    kind=pl.lit("ship_in"),
                    t="delivered_us",
                    from_loc=in_transit,
                    to_loc="dest_dock",
                    **AVAILABLE,
                ),
                arrived.select(
                    "sublot_key",
                    "qty",
                    facility_id="dest",
                    kind=pl.lit("putaway"),
                    t=pl.col("delivered_us")
                    + jitter(rng, US_PER_HOUR, 8 * US_PER_HOUR, arrived.height),
                    from_loc="dest_dock",
                    to_loc="dest_bin",
                    **AVAILABLE,
                ),
            )
        ]
    )


def shipment_facts(ships: pl.DataFrame, end_us: int) -> pl.DataFrame:
    """What the shipments table needs of :func:`dock_shipments` rows: delivered only by
    ``end_us``."""
    return ships.select(
        "ship_key",
        "shipment_type",
        pl.col("facility_id").alias("origin_facility_id"),
        "destination_facility_id",
        "order_id",
        "shipped_us",
        delivered_us=pl.when(pl.col("delivered_us") <= end_us).then(pl.col("delivered_us")),
    )


def build_logistics(
    params: GenerationParams,
    master: dict[str, pl.DataFrame],
    locs: Locations,
    receipts: pl.DataFrame,
    orders: pl.DataFrame,
    shard: Shard,
    first_key: int,
) -> Logistics:
    """Finished goods of one shard; the first shard also carries the warehouses' own stock."""
    rng = params.rng(shard.stream("logistics"))
    end_us = to_us(params.end_instant())
    bins = locs.of_type("bin")

    # --- finished sublots: on the conveyor line, along its positions, put away -------------
    fin = pick_in_group(onto_lines(receipts, locs, rng), bins, "facility_id", "loc", "fg_bin", rng)
    fin = fin.with_columns(
        ready_us=pl.col("t") + jitter(rng, 10 * US_PER_SECOND, 120 * US_PER_SECOND, fin.height)
    )
    positions = conveyor_positions(locs, rng)
    stays = simulate_conveyors(
        fin.select(
            "sublot_key",
            "line_loc",
            first_seq=pl.lit(1, pl.Int64),
            a="ready_us",
            prio=pl.lit(0, pl.Int64),
            pre=pl.lit(False),
        ),
        positions,
        rng,
    )
    exits = stays.group_by("sublot_key").agg(pl.col("leave_us").max().alias("exit_us"))
    fin = fin.join(exits, on="sublot_key", how="left", maintain_order="left").with_columns(
        putaway_us=pl.col("exit_us").fill_null(pl.col("ready_us"))
        + jitter(rng, 2 * US_PER_MINUTE, 30 * US_PER_MINUTE, fin.height),
        qa=pl.Series(rng.random(fin.height) < 0.03),
    )

    ship_orders, transfer_wo = _shipping_plan(orders, fin, end_us, rng, master, locs)

    ships = _shipments_with_docks(ship_orders, transfer_wo, rng, locs, bins)
    fin, fin_events = _finished_goods_events(ships, fin, rng, stays, locs)

    if shard.index == 0:
        stock, stock_events, next_key = _warehouse_stock(params, master, locs, rng, first_key)
    else:
        stock = pl.DataFrame(schema=STOCK_SCHEMA)
        stock_events, next_key = events(pl.DataFrame()), first_key
    shipments = shipment_facts(ships, end_us)
    order_status = ship_orders.select(
        "order_id",
        "shipped_us",
        delivered_us=pl.when(pl.col("shipped_us") + pl.col("transit_us") <= end_us).then(
            pl.col("shipped_us") + pl.col("transit_us")
        ),
    )
    return Logistics(
        product_sublots=fin,
        stock_sublots=stock,
        events=pl.concat([fin_events, stock_events]).filter(pl.col("t") <= end_us),
        stays=stays,
        shipments=shipments,
        order_status=order_status,
        next_key=next_key,
    )


def _shipping_plan(
    orders: pl.DataFrame,
    fin: pl.DataFrame,
    end_us: int,
    rng: np.random.Generator,
    master: dict[str, pl.DataFrame],
    locs: Locations,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Customer shipments for make-to-order work orders (when all products of the order are put
    away) and transfers of make-to-stock goods to a partner site."""
    # --- customer shipments for make-to-order, transfers for make-to-stock ------------------
    ship_orders = (
        fin.filter(pl.col("order_type") == "make_to_order")
        .group_by("order_id")
        .agg(
            pl.col("putaway_us").max().alias("ready"),
            pl.col("facility_id").first(),
            (pl.col("status") == "quality_hold").any().alias("held"),
        )
        .join(orders.select("order_id", "order_class"), on="order_id", maintain_order="left")
        .filter((pl.col("order_class") == "completed") & ~pl.col("held"))
        .sort("order_id")
    )
    ns = ship_orders.height
    ship_orders = ship_orders.with_columns(
        shipped_us=pl.col("ready") + jitter(rng, 4 * US_PER_HOUR, 5 * US_PER_DAY, ns),
        transit_us=jitter(rng, US_PER_DAY, 7 * US_PER_DAY, ns),
        shipment_type=pl.lit("order_fulfillment"),
        destination_facility_id=pl.lit(None, pl.Int64),
    ).filter(pl.col("shipped_us") <= end_us)
    mts = fin.filter((pl.col("order_type") == "make_to_stock") & (pl.col("status") == "completed"))
    transfer_wo = (
        mts.group_by("work_order_id")
        .agg(pl.col("putaway_us").max().alias("ready"), pl.col("facility_id").first())
        .sort("work_order_id")
    )
    transfer_wo = transfer_wo.filter(pl.Series(rng.random(transfer_wo.height) < TRANSFER_SHARE))
    dests = partners(
        master["transport_routes"].rename(
            {"origin_facility_id": "facility_id", "destination_facility_id": "dest"}
        ),
        "facility_id",
        "dest",
        transfer_wo["facility_id"],
        locs.of_type("site", ("warehouse", "distribution_center"))["facility_id"],
    )
    nt = transfer_wo.height
    transfer_wo = (
        pick_in_group(transfer_wo, dests, "facility_id", "dest", "destination_facility_id", rng)
        .with_columns(
            shipped_us=pl.col("ready") + jitter(rng, US_PER_DAY, 10 * US_PER_DAY, nt),
            transit_us=jitter(rng, US_PER_DAY, 5 * US_PER_DAY, nt),
            shipment_type=pl.lit("transfer"),
        )
        .filter(pl.col("shipped_us") <= end_us)
    )
    return ship_orders, transfer_wo


def _shipments_with_docks(
    ship_orders: pl.DataFrame,
    transfer_wo: pl.DataFrame,
    rng: np.random.Generator,
    locs: Locations,
    bins: pl.DataFrame,
) -> pl.DataFrame:
    """The shipments of the orders and transfers (a key each), with their shipping dock and a bin
    at the destination."""
    ship_cols = [
        "ship_key",
        "shipment_type",
        "facility_id",
        "destination_facility_id",
        "shipped_us",
        "transit_us",
        "order_id",
        "work_order_id",
    ]
    ships = (
        pl.concat(
            [
                ship_orders.with_columns(work_order_id=pl.lit(None, pl.Int64)),
                transfer_wo.with_columns(order_id=pl.lit(None, pl.Int64)),
            ],
            how="diagonal_relaxed",
        )
        .with_row_index("ship_key")
        .with_columns(pl.col("ship_key").cast(pl.Int64) + 10_000_000_000)
        .select(ship_cols)
    )
    ships = pick_in_group(
        dock_shipments(ships, locs, rng),
        bins.rename({"facility_id": "dest"}),
        "dest",
        "loc",
        "dest_bin",
        rng,
    )
    return ships


def _finished_goods_events(
    ships: pl.DataFrame,
    fin: pl.DataFrame,
    rng: np.random.Generator,
    stays: pl.DataFrame,
    locs: Locations,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each finished sublot's route (put away, picked, shipped or transferred) and its events:
    the conveyor, putaway, pick, loading, transit and arrival."""
    fin = (
        fin.join(
            ships.filter(pl.col("order_id").is_not_null()).select(
                "order_id", pl.col("ship_key").alias("k1")
            ),
            on="order_id",
            how="left",
            maintain_order="left",
        )
        .join(
            ships.filter(pl.col("work_order_id").is_not_null()).select(
                "work_order_id", pl.col("ship_key").alias("k2")
            ),
            on="work_order_id",
            how="left",
            maintain_order="left",
        )
        .with_columns(ship_key=pl.coalesce("k1", "k2"))
        .drop("k1", "k2")
        .join(
            ships.drop("facility_id", "order_id", "work_order_id"),
            on="ship_key",
            how="left",
            maintain_order="left",
        )
    )
    fin = fin.with_columns(
        hold_us=pl.col("putaway_us") + US_PER_MINUTE,
        release_us=pl.when(pl.col("pick_us").is_not_null())
        .then(pl.col("putaway_us") + (pl.col("pick_us") - pl.col("putaway_us")) // 2)
        .otherwise(pl.col("putaway_us") + jitter(rng, 2 * US_PER_HOUR, 2 * US_PER_DAY, fin.height)),
        held=(pl.col("status") == "quality_hold"),
    )
    base = {
        "sublot_key": pl.col("sublot_key"),
        "qty": pl.col("qty"),
        "facility_id": pl.col("facility_id"),
    }
    conv = conveyor_events(stays).join(
        fin.select("sublot_key", "qty", "facility_id"), on="sublot_key", maintain_order="left"
    )
    shipped = fin.filter(pl.col("ship_key").is_not_null())
    ev = [
        conv.with_columns(**AVAILABLE),
        fin.select(
            **base,
            kind=pl.lit("putaway"),
            t="putaway_us",
            from_loc="line_loc",
            to_loc="fg_bin",
            **AVAILABLE,
        ),
        fin.filter(pl.col("held") | pl.col("qa")).select(
            **base,
            kind=pl.lit("status_change"),
            t="hold_us",
            from_loc="fg_bin",
            to_loc="fg_bin",
            from_status=pl.lit("available"),
            to_status=pl.lit("quality_hold"),
            reason_code=pl.lit("quality_check"),
        ),
        fin.filter(pl.col("qa") & ~pl.col("held")).select(
            **base, t="release_us", from_loc="fg_bin", to_loc="fg_bin", **QUALITY_RELEASE
        ),
        shipped.select(
            **base,
            kind=pl.lit("pick"),
            t="pick_us",
            from_loc="fg_bin",
            to_loc="ship_dock",
            **AVAILABLE,
        ),
        shipping_events(shipped, locs, rng, from_dock="ship_dock"),
    ]
    fin_events = pl.concat([events(e) for e in ev])
    return fin, fin_events


def _warehouse_stock(
    params: GenerationParams,
    master: dict[str, pl.DataFrame],
    locs: Locations,
    rng: np.random.Generator,
    first_key: int,
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Stock that warehouses and distribution centres receive, store, move and count."""
    start_us, end_us = to_us(params.start_instant()), to_us(params.end_instant())
    sites = locs.of_type("site", ("warehouse", "distribution_center")).select("facility_id")
    parts = master["parts"].select(pl.col("id").alias("part_id"))
    n_pairs = params.scaled(28_000, minimum=4)
    fac = sites["facility_id"].to_numpy()[rng.integers(0, sites.height, n_pairs)]
    prt = parts["part_id"].to_numpy()[rng.integers(0, parts.height, n_pairs)]
    pairs = pl.DataFrame({"facility_id": fac, "part_id": prt}).unique(maintain_order=True)
    pairs = pairs.with_columns(n=pl.Series(1 + (rng.random(pairs.height) < 0.5)))
    s = pairs.with_columns(i=pl.int_ranges(0, pl.col("n"))).explode("i").drop("n", "i")
    n = s.height
    r = uniform_us(rng, start_us, end_us - US_PER_DAY, n)
    span = np.minimum(end_us - r, 90 * US_PER_DAY) * rng.uniform(0.3, 1.0, n)
    qty = (10 * np.ceil(rng.lognormal(np.log(20), 0.8, n))).astype(np.int64)
    hold = rng.random(n) < 0.2
    released = hold & (rng.random(n) < 0.9)
    adjust = rng.random(n) < 0.1
    delta = np.maximum(1, np.round(qty * rng.uniform(0.01, 0.05, n))).astype(np.int64)
    gain = rng.random(n) < 0.3
    s = s.with_columns(
        sublot_key=pl.int_range(first_key, first_key + n, dtype=pl.Int64),
        r=pl.Series(r),
        gap=pl.Series(span.astype(np.int64)),
        qty=pl.Series(qty),
        hold=pl.Series(hold),
        released=pl.Series(released),
        moved=pl.Series(rng.random(n) < 0.3),
        adjust=pl.Series(adjust),
        delta=pl.Series(delta),
        gain=pl.Series(gain),
    )
    approved = (
        master["part_suppliers"]
        .filter(pl.col("is_approved"))
        .select("part_id", pl.col("supplier_id").alias("sup"))
    )
    s = pick_in_group(s, approved, "part_id", "sup", "supplier_id", rng)
    s = pick_in_group(s, locs.dock("RCV"), "facility_id", "loc", "dock", rng)
    bins = locs.of_type("bin")
    s = pick_in_group(s, bins, "facility_id", "loc", "bin1", rng)
    s = pick_in_group(s, bins, "facility_id", "loc", "bin2", rng)
    s = s.with_columns(
        moved=pl.col("moved") & (pl.col("bin1") != pl.col("bin2")),
        status0=RECEIVED_STATUS,
    ).with_columns(
        status1=pl.when(pl.col("released")).then(pl.lit("available")).otherwise("status0"),
        last_bin=pl.when(pl.col("moved")).then(pl.col("bin2")).otherwise(pl.col("bin1")),
    )

    ev = _warehouse_stock_events(locs, s)
    stock = s.select(
        "sublot_key",
        "facility_id",
        "part_id",
        "supplier_id",
        pl.col("qty").alias("initial_quantity"),
        pl.col("r").alias("created_us"),
    )
    return stock, pl.concat([events(e) for e in ev]), first_key + n


def _warehouse_stock_events(locs: Locations, s: pl.DataFrame) -> list[pl.DataFrame]:
    """The events of the warehouses' own stock: receipt, putaway, release of held sublots, a bin
    transfer and a count adjustment."""
    at = at_fraction
    vendor, adjustment = locs.virtual("vendor"), locs.virtual("adjustment")
    base = {
        "sublot_key": pl.col("sublot_key"),
        "qty": pl.col("qty"),
        "facility_id": pl.col("facility_id"),
    }
    adj_loc = pl.col("facility_id").replace_strict(adjustment, return_dtype=pl.Int64)
    ev = [
        inbound_events(
            s,
            qty="qty",
            facility="facility_id",
            dock="dock",
            bin_="bin1",
            putaway=0.05,
            release=0.2,
            released=pl.col("released"),
            vendor=vendor,
        ),
        s.filter(pl.col("moved")).select(
            **base,
            kind=pl.lit("bin_transfer"),
            t=at(0.5),
            from_loc="bin1",
            to_loc="bin2",
            from_status="status1",
            to_status="status1",
        ),
        s.filter(pl.col("adjust")).select(
            "sublot_key",
            "facility_id",
            qty="delta",
            kind=pl.lit("count_adjustment"),
            t=at(0.8),
            from_loc=pl.when(pl.col("gain")).then(adj_loc).otherwise(pl.col("last_bin")),
            to_loc=pl.when(pl.col("gain")).then(pl.col("last_bin")).otherwise(adj_loc),
            from_status="status1",
            to_status="status1",
            reason_code=pl.lit("cycle_count"),
        ),
    ]
    return ev
