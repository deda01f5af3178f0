"""Logistics of a daily load: completed work orders' product sublots ride the conveyors and are put
away, orders are picked and shipped, make-to-stock goods transferred, shipments delivered (the
rules of :mod:`plantledger.generator.logistics`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    US_PER_SECOND,
    epoch_us,
    jitter,
    partners,
    pick_in_group,
)
from plantledger.generator.daily.context import (
    I64,
    Ctx,
)
from plantledger.generator.daily.orders import (
    backlog_delay,
    draw_stock_orders,
    make_to_order,
    orders_after,
)
from plantledger.generator.daily.production import WorkOrders
from plantledger.generator.daily.stock import (
    Latable,
    backdate,
    old_bins,
    release_holds,
)
from plantledger.generator.ledger import (
    produced_sublots,
    wo_receipt_events,
)
from plantledger.generator.logistics import (
    conveyor_events,
    conveyor_positions,
    dock_shipments,
    onto_lines,
    shipment_facts,
    shipping_events,
    simulate_conveyors,
)
from plantledger.generator.plc import plc_changes
from plantledger.generator.state import Rates
from plantledger.generator.stock_rules import (
    AVAILABLE,
    Locations,
    events,
    receive_pallets,
)


@dataclass(frozen=True)
class Finished:
    events: pl.DataFrame
    new_sublots: pl.DataFrame
    stays: pl.DataFrame
    """Conveyor stays: sublot_key, line_loc, pos_loc, seq, enter_us, leave_us, pre (``pre``:
    the sublot was already at the position when the window began; its arrival is old)."""
    put_away: pl.DataFrame
    """Finished sublots leaving a conveyor: sublot_key, facility_id, bin, qty, putaway_us."""

    def plc_count(self, ctx: Ctx) -> int:
        return plc_changes(self.stays, ctx.end).height


def simulate_finished_goods(ctx: Ctx, wo: WorkOrders, stock: pl.DataFrame) -> Finished:
    rng = ctx.rng("finished_goods")
    ws = ctx.ws
    locs = ctx.locs

    # --- production receipts: each completed work order's good units, as pallets -------------
    done = wo.facts.filter(pl.col("completed_now") & (pl.col("quantity_completed") > 0)).sort(
        "work_order_id"
    )
    rec = receive_pallets(
        done,
        pl.col("base_us") + pl.col("rec_off"),
        rng,
        keep=("work_order_id", "product_id", "facility_id"),
    )
    rec = onto_lines(rec.with_columns(sublot_key=ctx.keys(rec.height)), locs, rng)
    rec = rec.with_columns(
        ready_us=pl.col("t") + jitter(rng, 10 * US_PER_SECOND, 120 * US_PER_SECOND, rec.height)
    )

    stays, leaving = _conveyors(locs, rng, stock, ctx, ws, rec)
    qty_of = leaving.select("sublot_key", "qty", "facility_id")
    ev = [
        wo_receipt_events(rec),
        conveyor_events(stays)
        .join(qty_of, on="sublot_key", how="left", maintain_order="left")
        .with_columns(**AVAILABLE),
        leaving.select(
            "sublot_key",
            "facility_id",
            "qty",
            kind=pl.lit("putaway"),
            t="putaway_us",
            from_loc="line_loc",
            to_loc="bin",
            **AVAILABLE,
        ),
    ]
    new_sublots = produced_sublots(rec)
    return Finished(
        events=pl.concat([events(e) for e in ev], how="vertical_relaxed"),
        new_sublots=new_sublots,
        stays=stays,
        put_away=leaving.select("sublot_key", "facility_id", "bin", "qty", "putaway_us"),
    )


def _conveyors(
    locs: Locations,
    rng: np.random.Generator,
    stock: pl.DataFrame,
    ctx: Ctx,
    ws: int,
    rec: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Sublots already on a conveyor continue from where they are, together with the new product
    sublots, and are put away in a bin at the end of the line."""
    # --- sublots already on a conveyor continue from where they are ------------------------
    positions = conveyor_positions(locs, rng)
    n_pos = positions.group_by("line_loc").agg(pl.col("seq").max().alias("n_pos"))
    conv = stock.filter(pl.col("place").is_in(["conveyor_position", "conveyor_line"]))
    conv = (
        conv.join(
            ctx.state.conveyor_visits,
            left_on="id",
            right_on="sublot_id",
            how="left",
            maintain_order="left",
        )
        .with_columns(
            line_loc=pl.when(pl.col("place") == "conveyor_position")
            .then(pl.col("parent_loc"))
            .otherwise(pl.col("storage_location_id")),
        )
        .join(n_pos, on="line_loc", how="left", maintain_order="left")
        .with_columns(
            first_seq=pl.when(pl.col("place") == "conveyor_position")
            .then(pl.col("pos_seq").cast(I64))
            .otherwise(pl.col("last_seq").fill_null(0) + 1),
            pre=pl.col("place") == "conveyor_position",
        )
    )
    # all of them can move on at once; those at a position go first, a sublot that waits on
    # the line has left the position before it before anyone now there arrived at it
    conv = conv.with_columns(
        a=pl.lit(ws, I64),
        prio=pl.when(pl.col("pre")).then(0).otherwise(1).cast(I64),
    )
    entrants = pl.concat(
        [
            conv.select(
                sublot_key="id",
                line_loc="line_loc",
                first_seq="first_seq",
                a="a",
                prio="prio",
                pre="pre",
            ),
            rec.select(
                "sublot_key",
                "line_loc",
                first_seq=pl.lit(1, I64),
                a="ready_us",
                prio=pl.lit(2, I64),
                pre=pl.lit(False),
            ),
        ],
        how="vertical_relaxed",
    )
    stays = simulate_conveyors(entrants, positions, rng)
    exits = stays.group_by("sublot_key").agg(pl.col("leave_us").max().alias("exit_us"))
    leaving = pl.concat(
        [
            conv.select(
                sublot_key="id",
                facility_id="facility_id",
                line_loc="line_loc",
                qty=pl.col("quantity").cast(I64),
                a="a",
            ),
            rec.select("sublot_key", "facility_id", "line_loc", "qty", a="ready_us"),
        ],
        how="vertical_relaxed",
    ).join(exits, on="sublot_key", how="left", maintain_order="left")
    leaving = pick_in_group(leaving, locs.of_type("bin"), "facility_id", "loc", "bin", rng)
    leaving = leaving.with_columns(
        putaway_us=pl.col("exit_us").fill_null(pl.col("a"))
        + jitter(rng, 2 * US_PER_MINUTE, 30 * US_PER_MINUTE, leaving.height)
    )
    return stays, leaving


@dataclass(frozen=True)
class Outbound:
    events: pl.DataFrame
    latable: list[Latable]
    shipments: pl.DataFrame
    """New shipments: ship_key, shipment_type, origin_facility_id, destination_facility_id,
    order_id, shipped_us, delivered_us (null while in transit)."""
    delivered: pl.DataFrame
    """Existing shipments delivered in the window: id, delivered_us."""
    orders: pl.DataFrame
    """Orders of this load (new ones and new versions), contract columns."""
    order_items: pl.DataFrame


def simulate_outbound(ctx: Ctx, wo: WorkOrders, stock: pl.DataFrame, fin: Finished) -> Outbound:
    rng = ctx.rng("outbound")
    ws, end = ctx.ws, ctx.end
    locs = ctx.locs
    ev: list[pl.DataFrame] = []

    # --- sublots left on receiving docks are put away ------------------------------------------
    rcv = stock.filter(pl.col("place") == "rcv_dock")
    rcv = pick_in_group(rcv, locs.of_type("bin"), "facility_id", "loc", "bin", rng)
    putaways = events(
        rcv.select(
            sublot_key="id",
            facility_id="facility_id",
            kind=pl.lit("putaway"),
            t=pl.lit(ws) + jitter(rng, 5 * US_PER_MINUTE, 2 * US_PER_HOUR, rcv.height),
            from_loc="storage_location_id",
            to_loc="bin",
            qty=pl.col("quantity").cast(I64),
            from_status="status",
            to_status="status",
        )
    )
    docks = backdate(ctx, rng, putaways)

    goods = _goods(wo, stock, rng, ws, end, ev, fin)

    order_goods, rates, ship_orders, mto_goods = make_to_order(wo, ctx, goods, rng, ws, end)

    transfers, trf_goods = _transfers(
        stock, mto_goods, order_goods, goods, ws, rng, rates, end, ctx
    )

    so_goods, stock_orders = draw_stock_orders(stock, rng, ctx, ws, end)

    picks, ev, shipments = _shipments(
        ship_orders,
        transfers,
        stock_orders,
        locs,
        rng,
        mto_goods,
        trf_goods,
        so_goods,
        ctx,
        ev,
        end,
    )

    # --- customer shipments in transit arrive ---------------------------------------------------
    tr = ctx.state.transit_shipments
    target = epoch_us("shipped_at") + jitter(rng, US_PER_DAY, 7 * US_PER_DAY, tr.height)
    delivered = tr.select(
        "id",
        "order_id",
        delivered_us=pl.when(target < ws)
        .then(pl.lit(ws) + jitter(rng, US_PER_HOUR, 12 * US_PER_HOUR, tr.height))
        .otherwise(target),
    ).filter(pl.col("delivered_us") <= end)

    orders, items = orders_after(
        ctx, rng, wo, ship_orders, shipments, stock_orders, so_goods, delivered
    )
    return Outbound(
        events=pl.concat([events(e) for e in ev], how="vertical_relaxed"),
        latable=[
            docks,
            backdate(
                ctx,
                rng,
                picks.filter(~pl.col("sublot_key").is_in(so_goods["sublot_key"].implode())),
            ),
        ],
        shipments=shipments,
        delivered=delivered.select("id", "delivered_us"),
        orders=orders,
        order_items=items,
    )


def _goods(
    wo: WorkOrders,
    stock: pl.DataFrame,
    rng: np.random.Generator,
    ws: int,
    end: int,
    ev: list,
    fin: Finished,
) -> pl.DataFrame:
    """Finished goods: where each one is and from when it could be shipped (quality holds
    released in the window)."""
    # --- finished goods: where each one is and from when it could be shipped -----------------
    status_of = wo.all_wos.select(
        pl.col("id").alias("work_order_id"),
        pl.col("status").alias("wo_status"),
        "order_type",
        "order_id",
    )
    products = stock.filter(~pl.col("is_part")).join(
        status_of, on="work_order_id", how="left", maintain_order="left"
    )
    qa = products.filter(
        (pl.col("place") == "bin")
        & (pl.col("status") == "quality_hold")
        & (pl.col("wo_status") == "completed")
    )
    releases = release_holds(qa, rng, ws, end)
    ev.append(releases)
    released_at = releases.select(pl.col("sublot_key").alias("id"), pl.col("t").alias("rel_us"))
    put = fin.put_away.filter(pl.col("putaway_us") <= end)
    existing_goods = (
        products.join(released_at, on="id", how="left", maintain_order="left")
        .join(
            put.select(pl.col("sublot_key").alias("id"), "putaway_us", "bin"),
            on="id",
            how="left",
            maintain_order="left",
        )
        .select(
            sublot_key="id",
            facility_id="facility_id",
            work_order_id="work_order_id",
            qty=pl.col("quantity").cast(I64),
            at_factory="at_factory",
            picked=pl.col("place") == "shp_dock",
            loc=pl.coalesce("bin", "storage_location_id"),
            ready_us=pl.when((pl.col("place") == "bin") & (pl.col("status") == "available"))
            .then(pl.col("upd_us"))
            .when(pl.col("rel_us").is_not_null())
            .then(pl.col("rel_us"))
            .when(pl.col("place") == "shp_dock")
            .then(pl.lit(ws))
            .when(pl.col("place").is_in(["conveyor_position", "conveyor_line"]))
            .then(pl.col("putaway_us")),
        )
    )
    made = fin.new_sublots.select("sublot_key", "work_order_id").join(
        put.select("sublot_key", "facility_id", "qty", "putaway_us", "bin"),
        on="sublot_key",
        how="left",
        maintain_order="left",
    )
    new_goods = made.select(
        "sublot_key",
        "facility_id",
        "work_order_id",
        qty=pl.col("qty").cast(I64),
        at_factory=pl.lit(True),
        picked=pl.lit(False),
        loc="bin",
        ready_us="putaway_us",
    )
    goods = pl.concat([existing_goods, new_goods], how="vertical_relaxed").join(
        status_of, on="work_order_id", how="left", maintain_order="left"
    )
    return goods


def _transfers(
    stock: pl.DataFrame,
    mto_goods: pl.DataFrame,
    order_goods: pl.DataFrame,
    goods: pl.DataFrame,
    ws: int,
    rng: np.random.Generator,
    rates: Rates,
    end: int,
    ctx: Ctx,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Make-to-stock goods (and whatever waits picked on a shipping dock) are transferred: goods
    to warehouses and distribution centres, parts to factories."""
    # --- make-to-stock goods (and whatever waits picked on a shipping dock) are transferred ----
    picked_left = stock.filter(pl.col("place") == "shp_dock").filter(
        ~pl.col("id").is_in(mto_goods["sublot_key"].implode())
        & ~pl.col("id").is_in(order_goods["sublot_key"].implode())
    )
    mts = goods.filter(
        (pl.col("order_type") == "make_to_stock")
        & (pl.col("wo_status") == "completed")
        & pl.col("at_factory")
        & ~pl.col("picked")
        & pl.col("ready_us").is_not_null()
    ).with_columns(group=pl.lit("W") + pl.col("work_order_id").cast(pl.String))
    docked = picked_left.select(
        sublot_key="id",
        facility_id="facility_id",
        qty=pl.col("quantity").cast(I64),
        picked=pl.lit(True),
        loc="storage_location_id",
        ready_us=pl.lit(ws),
        is_part="is_part",
        group=pl.lit("D") + pl.col("storage_location_id").cast(pl.String),
    )
    moving = pl.concat(
        [mts.select(docked.columns[:-2] + ["group"]).with_columns(is_part=pl.lit(False)), docked],
        how="diagonal_relaxed",
    )
    transfers = (
        moving.group_by("group")
        .agg(
            pl.col("ready_us").max().alias("ready"),
            pl.col("facility_id").first(),
            pl.col("picked").any(),
            pl.col("is_part").any(),
        )
        .sort("group")
    )
    nt = transfers.height
    transfers = transfers.with_columns(
        due=pl.when(pl.col("picked"))
        .then(pl.lit(ws) + jitter(rng, 30 * US_PER_MINUTE, 3 * US_PER_HOUR, nt))
        .when(pl.col("ready") < ws)
        .then(
            pl.lit(ws)
            + backlog_delay(
                rng, ~transfers["picked"] & (transfers["ready"] < ws), 5, rates.transfers
            )
        )
        .otherwise(pl.col("ready") + jitter(rng, US_PER_DAY, 10 * US_PER_DAY, nt)),
        frac=pl.Series(rng.random(nt)),
    )
    transfers = transfers.with_columns(
        due=pl.when(pl.col("picked"))
        .then(pl.col("due"))
        .otherwise(
            pl.max_horizontal(
                "due", pl.max_horizontal("ready", pl.lit(ws)) + 3 * US_PER_HOUR + US_PER_MINUTE
            )
        )
    ).filter(pl.col("due") + 4 * US_PER_HOUR <= end)
    span = pl.min_horizontal(pl.lit(end) - pl.col("due"), pl.lit(5 * US_PER_DAY))
    transfers = transfers.with_columns(
        transit_us=pl.lit(4 * US_PER_HOUR) + ((span - 4 * US_PER_HOUR) * pl.col("frac")).cast(I64),
        shipment_type=pl.when(pl.col("is_part"))
        .then(pl.lit("replenishment"))
        .otherwise(pl.lit("transfer")),
    )
    transfers = _transfer_destinations(ctx, transfers, rng)
    trf_goods = moving.join(
        transfers.select("group"), on="group", how="inner", maintain_order="left"
    )
    return transfers, trf_goods


def _transfer_destinations(
    ctx: Ctx, transfers: pl.DataFrame, rng: np.random.Generator
) -> pl.DataFrame:
    """Each transfer's destination: goods go to a warehouse or distribution centre, parts to a
    factory, along a transport route from the sublot's facility."""
    sites = ctx.master["facilities"]
    stock_sites = sites.filter(pl.col("facility_type") != "factory")["id"]
    factories = sites.filter(pl.col("facility_type") == "factory")["id"]
    routes = ctx.master["transport_routes"].rename(
        {"origin_facility_id": "facility_id", "destination_facility_id": "dest"}
    )
    parts_t = transfers.filter(pl.col("is_part"))
    goods_t = transfers.filter(~pl.col("is_part"))
    dest_frames = []
    for frame, targets in ((goods_t, stock_sites), (parts_t, factories)):
        if frame.height and targets.len():
            lanes = partners(routes, "facility_id", "dest", frame["facility_id"], targets)
            lanes = lanes.filter(pl.col("dest") != pl.col("facility_id"))
            frame = frame.filter(pl.col("facility_id").is_in(lanes["facility_id"].implode()))
            dest_frames.append(
                pick_in_group(frame, lanes, "facility_id", "dest", "destination_facility_id", rng)
            )
    transfers = (
        pl.concat(dest_frames, how="vertical_relaxed").sort("group")
        if dest_frames
        else transfers.head(0).with_columns(destination_facility_id=pl.lit(None, I64))
    )
    return transfers


def _shipments(
    ship_orders: pl.DataFrame,
    transfers: pl.DataFrame,
    stock_orders: pl.DataFrame,
    locs: Locations,
    rng: np.random.Generator,
    mto_goods: pl.DataFrame,
    trf_goods: pl.DataFrame,
    so_goods: pl.DataFrame,
    ctx: Ctx,
    ev: list[pl.DataFrame],
    end: int,
) -> tuple[pl.DataFrame, list[pl.DataFrame], pl.DataFrame]:
    """Every shipment of the window (orders, transfers, stock orders): picks, loading, transit,
    arrival and putaway events, and the shipment facts."""
    # --- every shipment of the window: picks, loading, transit, arrival, putaway --------------
    ships = pl.concat(
        [
            ship_orders.select(
                "group", "facility_id", "due", "transit_us", "shipment_type", "order_id"
            ),
            transfers.select(
                "group",
                "facility_id",
                "due",
                "transit_us",
                "shipment_type",
                "destination_facility_id",
            ),
            stock_orders.select(
                "group", "facility_id", "due", "transit_us", "shipment_type", "order_id"
            ),
        ],
        how="diagonal_relaxed",
    ).sort("due", "group")
    ships = dock_shipments(
        ships.rename({"due": "shipped_us"}).with_columns(
            ship_key=pl.int_range(pl.len(), dtype=I64) + 1
        ),
        locs,
        rng,
    )
    loads = (
        pl.concat(
            [
                mto_goods.select("sublot_key", "qty", "picked", "loc", "group"),
                trf_goods.select("sublot_key", "qty", "picked", "loc", "group"),
                so_goods.select("sublot_key", "qty", "picked", "loc", "group"),
            ],
            how="vertical_relaxed",
        )
        .join(ships, on="group", how="inner", maintain_order="left")
        .with_columns(
            from_dock=pl.when(pl.col("picked")).then(pl.col("loc")).otherwise(pl.col("ship_dock"))
        )
        .sort("ship_key", "sublot_key")
    )
    loads = pick_in_group(
        loads, old_bins(ctx).rename({"facility_id": "dest"}), "dest", "loc", "dest_bin", rng
    )
    picks = events(
        loads.filter(~pl.col("picked")).select(
            "sublot_key",
            "qty",
            "facility_id",
            kind=pl.lit("pick"),
            t="pick_us",
            from_loc="loc",
            to_loc="ship_dock",
            **AVAILABLE,
        )
    )
    # picks for orders and transfers may be posted late (stock orders are new orders)
    stock_picks = picks.filter(pl.col("sublot_key").is_in(so_goods["sublot_key"].implode()))
    ev += [
        stock_picks,
        shipping_events(loads, locs, rng, from_dock="from_dock"),
    ]
    shipments = shipment_facts(
        ships.filter(pl.col("ship_key").is_in(loads["ship_key"].implode())), end
    )
    return picks, ev, shipments
