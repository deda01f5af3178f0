"""Orders of a daily load: make-to-order orders that ship once their products are put away, stock
orders warehouses ship to customers, and new versions of the orders whose status changed
(confirmed, shipped, delivered).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    jitter,
    us_to_date,
    us_to_ts,
)
from plantledger.generator.daily.backlog import zipf_customers
from plantledger.generator.daily.context import (
    I64,
    Ctx,
    changed_rows,
)
from plantledger.generator.daily.production import WorkOrders
from plantledger.generator.production_rules import (
    line_prices,
    number_documents,
    order_totals,
)
from plantledger.generator.state import Rates
from plantledger.schema import RAW_SCHEMAS


def backlog_delay(
    rng: np.random.Generator, backlog: pl.Series, days: float, per_day: float
) -> pl.Series:
    """Delays after the window's start for shipments ready before it: spread over ``days``,
    or over as many days as shipping the whole backlog at ``per_day`` takes."""
    n = backlog.len()
    span_days = max(days, int(backlog.sum()) / max(per_day, 1e-9))
    return jitter(rng, US_PER_HOUR, int(span_days * US_PER_DAY), n)


def make_to_order(
    wo: WorkOrders, ctx: Ctx, goods: pl.DataFrame, rng: np.random.Generator, ws: int, end: int
) -> tuple[pl.DataFrame, Rates, pl.DataFrame, pl.DataFrame]:
    """Make-to-order: an order ships once all its work orders' products are put away; the orders
    that ship in the window and their goods."""
    # --- make-to-order: an order ships once all its work orders' products are put away --------
    open_orders = pl.concat(
        [
            ctx.state.orders.filter(pl.col("status").is_in(["pending", "confirmed"])).select(
                pl.col("id").alias("order_id")
            ),
            wo.orders.select("order_id"),
        ],
        how="vertical_relaxed",
    )
    order_wos = wo.all_wos.filter(pl.col("order_id").is_in(open_orders["order_id"].implode()))
    order_goods = goods.filter(pl.col("order_id").is_in(open_orders["order_id"].implode()))
    ready_orders = (
        order_wos.group_by("order_id")
        .agg((pl.col("status") == "completed").all().alias("all_done"))
        .join(
            order_goods.group_by("order_id").agg(
                pl.col("ready_us").max().alias("ready"),
                pl.col("ready_us").null_count().alias("not_ready"),
                pl.len().alias("n_goods"),
                pl.col("facility_id").first(),
            ),
            on="order_id",
            how="inner",
            maintain_order="left",
        )
        .filter(pl.col("all_done") & (pl.col("not_ready") == 0))
        .sort("order_id")
    )
    no = ready_orders.height
    rates = ctx.state.rates
    orders_per_day = rates.work_orders * rates.make_to_order_share
    ready_orders = ready_orders.with_columns(
        due=pl.when(pl.col("ready") < ws)
        .then(pl.lit(ws) + backlog_delay(rng, ready_orders["ready"] < ws, 3, orders_per_day))
        .otherwise(pl.col("ready") + jitter(rng, 4 * US_PER_HOUR, 5 * US_PER_DAY, no))
    ).with_columns(
        due=pl.max_horizontal(
            "due", pl.max_horizontal("ready", pl.lit(ws)) + 3 * US_PER_HOUR + US_PER_MINUTE
        ),
        transit_us=jitter(rng, US_PER_DAY, 7 * US_PER_DAY, no),
    )
    ship_orders = ready_orders.filter(pl.col("due") <= end).select(
        "order_id",
        "facility_id",
        "due",
        "transit_us",
        shipment_type=pl.lit("order_fulfillment"),
        group=pl.lit("O") + pl.col("order_id").cast(pl.String),
    )
    mto_goods = order_goods.join(
        ship_orders.select("order_id", "group"), on="order_id", how="inner", maintain_order="left"
    )
    return order_goods, rates, ship_orders, mto_goods


def draw_stock_orders(
    stock: pl.DataFrame, rng: np.random.Generator, ctx: Ctx, ws: int, end: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Warehouses ship stock orders to customers: pairs of sublots of a warehouse's stock become
    new stock orders with their due instants."""
    # --- warehouses ship stock orders to customers ------------------------------------------------
    cands = stock.filter(
        ~pl.col("is_part")
        & ~pl.col("at_factory")
        & (pl.col("place") == "bin")
        & (pl.col("status") == "available")
    )
    cands = cands[rng.permutation(cands.height)] if cands.height else cands
    cands = cands.with_columns(slot=pl.int_range(pl.len()).over("facility_id") // 2).with_columns(
        group=pl.format("S{}-{}", pl.col("facility_id"), pl.col("slot"))
    )
    slots = cands.select("group").unique(maintain_order=True)
    n_so = min(slots.height, int(rng.poisson(ctx.state.rates.transfers * ctx.window.days)))
    chosen = slots.head(n_so)
    so_goods = cands.join(chosen, on="group", how="inner", maintain_order="left").select(
        sublot_key="id",
        facility_id="facility_id",
        qty=pl.col("quantity").cast(I64),
        picked=pl.lit(False),
        loc="storage_location_id",
        ready_us="upd_us",
        product_id="product_id",
        group="group",
    )
    stock_orders = so_goods.group_by("group").agg(pl.col("facility_id").first()).sort("group")
    nso = stock_orders.height
    stock_orders = stock_orders.with_columns(
        due=pl.lit(ws)
        + jitter(rng, 3 * US_PER_HOUR, max(end - ws - US_PER_HOUR, 3 * US_PER_HOUR + 1), nso),
        transit_us=jitter(rng, US_PER_DAY, 7 * US_PER_DAY, nso),
        shipment_type=pl.lit("order_fulfillment"),
        tmp=pl.int_range(pl.len(), dtype=I64),
    ).with_columns(
        order_created_us=pl.max_horizontal(
            pl.col("due") - jitter(rng, 3 * US_PER_HOUR, 12 * US_PER_HOUR, nso), pl.lit(ws)
        ),
        customer_id=zipf_customers(ctx, rng, nso),
    )
    stock_orders = number_documents(
        stock_orders,
        ("order_created_us", "tmp"),
        "order_created_us",
        "ORD",
        3,
        ctx.counters,
        "orders",
    ).rename({"id": "order_id", "code": "order_number"})
    return so_goods, stock_orders


def orders_after(
    ctx: Ctx,
    rng: np.random.Generator,
    wo: WorkOrders,
    ship_orders: pl.DataFrame,
    shipments: pl.DataFrame,
    stock_orders: pl.DataFrame,
    so_goods: pl.DataFrame,
    delivered: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """New orders (make-to-order and stock orders) and new versions of the existing orders whose
    status changed: confirmed once a work order starts, shipped, delivered."""
    order_cols = list(RAW_SCHEMAS["orders"])[:-1]
    so_items, so_rows, new_wo_orders = new_orders(ctx, stock_orders, so_goods, rng, wo)
    existing = ctx.state.orders.select(order_cols)
    base = pl.concat([existing, new_wo_orders, so_rows], how="vertical_relaxed")

    wos = (
        wo.all_wos.filter(pl.col("order_id").is_not_null())
        .group_by("order_id")
        .agg(
            pl.col("status")
            .is_in(["in_progress", "completed", "quality_hold"])
            .any()
            .alias("started"),
            (pl.col("status") == "cancelled").all().alias("cancelled"),
        )
    )
    shipped = shipments.filter(pl.col("order_id").is_not_null()).select(
        "order_id", "shipped_us", "delivered_us"
    )
    arrived = delivered.select("order_id", arrived_us="delivered_us")
    after = (
        base.join(wos, left_on="id", right_on="order_id", how="left", maintain_order="left")
        .join(shipped, left_on="id", right_on="order_id", how="left", maintain_order="left")
        .join(arrived, left_on="id", right_on="order_id", how="left", maintain_order="left")
        .with_columns(
            status=pl.when(
                pl.col("arrived_us").is_not_null() | pl.col("delivered_us").is_not_null()
            )
            .then(pl.lit("delivered"))
            .when(pl.col("shipped_us").is_not_null())
            .then(pl.lit("shipped"))
            .when(pl.col("status").is_in(["shipped", "delivered"]))
            .then(pl.col("status"))
            .when(pl.col("cancelled").fill_null(False))
            .then(pl.lit("cancelled"))
            .when(pl.col("started").fill_null(False))
            .then(pl.lit("confirmed"))
            .otherwise(pl.col("status")),
            shipped_date=pl.coalesce("shipped_date", us_to_date(pl.col("shipped_us"))),
        )
        .select(order_cols)
        .sort("id")
    )
    items = pl.concat([wo.order_items, so_items], how="vertical_relaxed").sort(
        "order_id", "line_number"
    )
    return changed_rows(after, existing, ["id"]), items


def new_orders(
    ctx: Ctx,
    stock_orders: pl.DataFrame,
    so_goods: pl.DataFrame,
    rng: np.random.Generator,
    wo: WorkOrders,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """New orders: stock orders with one line per product of the shipped sublots, and the orders
    of new make-to-order work orders."""
    # stock orders: one line per product of the shipped sublots
    lines = (
        so_goods.group_by("group", "product_id")
        .agg(pl.col("qty").sum().alias("quantity"))
        .join(stock_orders.select("group", "order_id"), on="group", maintain_order="left")
        .sort("order_id", "product_id")
        .with_columns(line_number=pl.int_range(1, pl.len() + 1).over("order_id"))
        .join(
            ctx.master["products"].select(pl.col("id").alias("product_id"), "list_price"),
            on="product_id",
            how="left",
            maintain_order="left",
        )
    )
    nl = lines.height
    so_items = lines.select(
        "order_id",
        pl.col("line_number").cast(I64),
        "product_id",
        "quantity",
        **line_prices(rng, nl),
    )
    nso = stock_orders.height
    so_totals = order_totals(so_items)
    so_rows = stock_orders.join(so_totals, on="order_id", how="left", maintain_order="left").select(
        pl.col("order_id").alias("id"),
        "order_number",
        "customer_id",
        order_date=us_to_date(pl.col("order_created_us")),
        required_date=us_to_date(pl.col("order_created_us"))
        + pl.duration(days=pl.Series(rng.integers(7, 45, nso))),
        shipped_date=pl.lit(None, pl.Date),
        status=pl.lit("confirmed"),
        shipping_facility_id="facility_id",
        total_amount="total_amount",
        created_at=us_to_ts(pl.col("order_created_us")),
    )
    new_wo_orders = wo.orders.select(
        pl.col("order_id").alias("id"),
        "order_number",
        "customer_id",
        "order_date",
        "required_date",
        shipped_date=pl.lit(None, pl.Date),
        status=pl.lit("pending"),
        shipping_facility_id="facility_id",
        total_amount="total_amount",
        created_at="created_at",
    )
    return so_items, so_rows, new_wo_orders
