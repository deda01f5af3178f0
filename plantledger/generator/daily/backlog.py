"""New work orders of a daily load and the pace of the initial backlog: new work orders
(make-to-order ones with a new order) at the initial load's daily rate, and when each released
work order of the initial history may start (half the rate goes to the backlog while it lasts).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    pick_in_group,
    to_us,
    uniform_us,
    us_to_date,
    us_to_ts,
)
from plantledger.generator.daily.context import (
    I64,
    Ctx,
)
from plantledger.generator.production_rules import (
    current_routings,
    line_prices,
    line_quantities,
    number_documents,
    order_totals,
    priorities,
    product_homes,
    stock_quantities,
    zipf_index,
)


def new_work_orders(ctx: Ctx) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """New work orders (and the orders of the make-to-order ones) created in the window."""
    rng = ctx.rng("new_work_orders")
    ws, end = ctx.ws, ctx.end
    rates = ctx.state.rates
    homes = product_homes(current_routings(ctx.master))
    products = (
        ctx.master["products"]
        .select(pl.col("id").alias("product_id"), "list_price")
        .join(homes, on="product_id", how="inner", maintain_order="left")
        .sort("product_id")
    )
    n = int(rng.poisson(new_work_order_days(ctx) * rates.work_orders)) if products.height else 0
    mto = rng.random(n) < rates.make_to_order_share
    pick = rng.integers(0, max(products.height, 1), n)
    qty = np.where(mto, line_quantities(rng, n), stock_quantities(rng, n))
    order_created = uniform_us(rng, ws, end - 3 * US_PER_HOUR, n)
    created = order_created + uniform_us(rng, 10 * US_PER_MINUTE, US_PER_HOUR, n)
    anchor = created + uniform_us(rng, 3 * US_PER_HOUR, 7 * US_PER_DAY, n)
    cancelled = rng.random(n) < 0.03
    priority = priorities(rng, mto)
    wos = pl.DataFrame(
        {
            "tmp": np.arange(n, dtype=np.int64),
            "product_id": products["product_id"].to_numpy()[pick] if n else np.zeros(0, np.int64),
            "facility_id": products["facility_id"].to_numpy()[pick] if n else np.zeros(0, np.int64),
            "order_type": np.where(mto, "make_to_order", "make_to_stock"),
            "quantity_planned": qty,
            "priority": priority.astype(np.int64),
            "created_us": created,
            "order_created_us": order_created,
            "anchor_us": anchor,
            "cancelled": cancelled,
        },
        schema_overrides={"product_id": I64, "facility_id": I64, "order_type": pl.String},
    )
    wos = number_documents(
        wos, ("created_us", "tmp"), "created_us", "WO", 5, ctx.counters, "work_orders"
    ).rename({"code": "wo_number"})

    # make-to-order: one new order per work order, its first line the work order's product
    orders = wos.filter(pl.col("order_type") == "make_to_order").select(
        "tmp", "facility_id", "product_id", "quantity_planned", "order_created_us"
    )
    no = orders.height
    orders = orders.with_columns(
        customer_id=zipf_customers(ctx, rng, no),
        n_items=pl.Series(1 + rng.binomial(4, 0.5, no)),
    )
    orders = number_documents(
        orders, ("order_created_us", "tmp"), "order_created_us", "ORD", 3, ctx.counters, "orders"
    ).rename({"code": "order_number", "id": "order_id"})
    items = (
        orders.select("order_id", "facility_id", "product_id", "quantity_planned", "n_items")
        .with_columns(line_number=pl.int_ranges(1, pl.col("n_items") + 1))
        .explode("line_number")
        .sort("order_id", "line_number")
    )
    items = pick_in_group(
        items.rename({"product_id": "wo_product"}),
        products.select("facility_id", pl.col("product_id").alias("p")),
        "facility_id",
        "p",
        "other_product",
        rng,
    )
    ni = items.height
    items = items.with_columns(
        product_id=pl.when(pl.col("line_number") == 1)
        .then(pl.col("wo_product"))
        .otherwise(pl.col("other_product")),
        quantity=pl.when(pl.col("line_number") == 1)
        .then(pl.col("quantity_planned"))
        .otherwise(pl.Series(line_quantities(rng, ni))),
    ).join(
        products.select("product_id", "list_price"),
        on="product_id",
        how="left",
        maintain_order="left",
    )
    items = items.with_columns(**line_prices(rng, ni)).select(
        "order_id", "line_number", "product_id", "quantity", "unit_price", "discount_percent"
    )
    orders = (
        orders.join(order_totals(items), on="order_id", how="left", maintain_order="left")
        .with_columns(
            order_date=us_to_date(pl.col("order_created_us")),
            created_at=us_to_ts(pl.col("order_created_us")),
        )
        .with_columns(
            required_date=pl.col("order_date")
            + pl.duration(days=pl.Series(rng.integers(7, 45, no)))
        )
        .sort("order_id")
    )
    wos = wos.join(
        orders.select("tmp", "order_id"), on="tmp", how="left", maintain_order="left"
    ).sort("id")
    return wos, orders.drop("tmp"), items


def unit_hash(ids: np.ndarray, salt: int) -> np.ndarray:
    """A uniform number in [0, 1) per id, the same in every load (splitmix64 of id and salt)."""
    x = ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(salt)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


BACKLOG_SHARE = 0.5
"""The share of the initial daily rate of work orders the initial backlog takes (see
:func:`backlog_holds`); new work orders get the rest while it lasts."""


def backlog_span_us(ctx: Ctx, status: str) -> float:
    """How long working off the initial load's open work orders of ``status`` takes."""
    st = ctx.state
    rate = max(st.rates.work_orders * BACKLOG_SHARE, 1e-9)
    return st.backlog.filter(pl.col("status") == status).height / rate * US_PER_DAY


def initial_end_us(ctx: Ctx) -> int:
    end0 = dt.datetime.combine(ctx.state.initial_end, dt.time(23, 59, 59, 999_999), tzinfo=dt.UTC)
    return to_us(end0)


def new_work_order_days(ctx: Ctx) -> float:
    """The window's days weighted by the share of the daily rate new work orders get: the
    initial history ends with far more work orders released or in progress than a day's work
    (its status mix), so while those released are started, new ones come at the rest."""
    busy_until = initial_end_us(ctx) + backlog_span_us(ctx, "released")
    overlap = min(max(busy_until - ctx.ws, 0), ctx.end - ctx.ws + 1) / US_PER_DAY
    return ctx.window.days - BACKLOG_SHARE * overlap


def backlog_holds(ctx: Ctx) -> pl.DataFrame:
    """id, hold_us: the work orders open at the end of the initial load are worked off at
    ``BACKLOG_SHARE`` of the initial load's daily rate of work orders: each is started (the
    released ones) or finishes its running step (the ones in progress) no earlier than its hold
    instant, fixed per work order and spread evenly over as many days as that takes."""
    end0 = initial_end_us(ctx)
    frames = []
    for i, status in enumerate(("in_progress", "released")):
        ids = ctx.state.backlog.filter(pl.col("status") == status)["id"]
        span = backlog_span_us(ctx, status)
        u = unit_hash(ids.to_numpy(), 2 * ctx.params.seed + i)
        frames.append(
            pl.DataFrame(
                {"id": ids, "hold_us": end0 + (u * span).astype(np.int64)},
                schema={"id": I64, "hold_us": I64},
            )
        )
    return pl.concat(frames)


def zipf_customers(ctx: Ctx, rng: np.random.Generator, n: int) -> pl.Series:
    ids = ctx.master["customers"].sort("id")["id"].to_numpy()
    return pl.Series(ids[zipf_index(rng, ids.size, n)], dtype=I64)
