"""Demand and production: orders, order items, work orders and their routing steps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    choice,
    jitter,
    pick_in_group,
    to_us,
    uniform_us,
    us_to_date,
    us_to_ts,
)
from plantledger.generator.production_rules import (
    STARTED,
    WO_HEAD,
    WO_IDENTITY,
    current_routings,
    line_prices,
    line_quantities,
    number_documents,
    order_totals,
    planned_dates,
    product_homes,
    stock_quantities,
    zipf_index,
)
from plantledger.generator.sharding import Counters, Shard
from plantledger.generator.steps import (
    roll_up,
    running_steps,
    step_instants,
    steps_with_scrap,
)
from plantledger.params import GenerationParams

WO_STATUSES = ("released", "in_progress", "quality_hold", "completed", "cancelled")
WO_STATUS_WEIGHTS = (0.05, 0.10, 0.02, 0.80, 0.03)
NAMED_ORDERS = ("ORD-2024-001", "ORD-2024-002", "ORD-2024-003")
NAMED_WOS = ("WO-2024-00001", "WO-2024-00002", "WO-2024-00003")
NAMED_CUSTOMERS = ("CUST-ACME", "CUST-GLOBEX", "CUST-INITECH")
NAMED_PRODUCTS = ("TURBO-001", "FLUX-001", "WIDGET-STD")


@dataclass(frozen=True)
class Production:
    orders: pl.DataFrame
    order_items: pl.DataFrame
    work_orders: pl.DataFrame
    work_order_steps: pl.DataFrame
    wo_facts: pl.DataFrame
    """One row per work order with the helper columns later stages need (µs times)."""


def _status_anchor(rng: np.random.Generator, status: np.ndarray, p: GenerationParams):
    """Work-order start anchors (µs) conditioned on the status."""
    start, end = to_us(p.start_instant()), to_us(p.end_instant())
    n = status.size
    anchor = uniform_us(rng, start + 3 * US_PER_DAY, end - 2 * US_PER_DAY, n)
    hold = status == "quality_hold"
    anchor[hold] = uniform_us(rng, end - 30 * US_PER_DAY, end - 6 * US_PER_DAY, int(hold.sum()))
    released = status == "released"
    anchor[released] = uniform_us(
        rng, end - 2 * US_PER_DAY, end + 10 * US_PER_DAY, int(released.sum())
    )
    anchor[status == "in_progress"] = end - 2 * US_PER_DAY  # re-anchored on the steps
    return anchor


def build_production(
    params: GenerationParams, master: dict[str, pl.DataFrame], shard: Shard, counters: Counters
) -> Production:
    """Orders, work orders and steps for the factories of one shard."""
    rng = params.rng(shard.stream("production"))
    start_us, end_us = to_us(params.start_instant()), to_us(params.end_instant())
    routings = current_routings(master)
    homes = product_homes(routings).filter(pl.col("facility_id").is_in(shard.factory_ids))
    products = master["products"].join(
        homes.rename({"facility_id": "home_id"}),
        left_on="id",
        right_on="product_id",
        maintain_order="left",
        how="inner",
    )
    factories = homes.group_by("facility_id").agg(pl.len().alias("n")).sort("facility_id")

    n_orders, orders, items = _orders_and_items(params, shard, master, rng, factories, products)

    orders, wos, n_wo = _work_orders(
        n_orders, rng, orders, items, params, shard, products, start_us
    )

    steps, n_steps = steps_with_scrap(routings, wos, rng)

    wos = running_steps(steps, wos, n_wo, rng, end_us, start_us)

    steps = step_instants(steps, wos, rng, master, n_steps)

    wos = roll_up(steps, rng, n_wo, wos)

    orders, wos, steps = _dates_and_numbers(
        wos, orders, rng, start_us, end_us, n_wo, counters, steps
    )
    items = items.join(
        orders.select("tmp_order", "order_id"), on="tmp_order", maintain_order="left"
    )
    return _finish(params, rng, orders, items, wos, steps, counters)


def _orders_and_items(
    params: GenerationParams,
    shard: Shard,
    master: dict[str, pl.DataFrame],
    rng: np.random.Generator,
    factories: pl.DataFrame,
    products: pl.DataFrame,
) -> tuple[int, pl.DataFrame, pl.DataFrame]:
    """Orders of the shard's customers (the named orders first) and their items with prices."""
    # --- orders -------------------------------------------------------------------------
    n_orders = shard.volume(params, 80_000, minimum=len(NAMED_ORDERS) + 2 if shard.has_named else 1)
    customers = master["customers"].sort("id")
    cust_ids = customers["id"].to_numpy()
    fac_pick = choice(rng, factories["facility_id"].to_list(), factories["n"].to_list(), n_orders)
    orders = pl.DataFrame(
        {
            "customer_id": cust_ids[zipf_index(rng, cust_ids.size, n_orders)],
            "shipping_facility_id": fac_pick.astype(np.int64),
            "order_class": choice(rng, WO_STATUSES, WO_STATUS_WEIGHTS, n_orders).astype(str),
            "n_items": 1 + rng.binomial(4, 0.5, n_orders),
            "named": np.zeros(n_orders, dtype=np.int8),
        }
    ).with_row_index("tmp_order")
    named_products = products.filter(pl.col("sku").is_in(NAMED_PRODUCTS))
    named_pairs = zip(NAMED_CUSTOMERS, NAMED_PRODUCTS, strict=True) if shard.has_named else ()
    for i, (cust, sku) in enumerate(named_pairs):
        cust_id = customers.filter(pl.col("customer_code") == cust)["id"].item()
        home = named_products.filter(pl.col("sku") == sku)["home_id"].item()
        orders = orders.with_columns(
            pl.when(pl.col("tmp_order") == i)
            .then(
                pl.struct(
                    customer_id=pl.lit(cust_id),
                    shipping_facility_id=pl.lit(home),
                    order_class=pl.lit("completed"),
                    named=pl.lit(i + 1, pl.Int8),
                )
            )
            .otherwise(pl.struct("customer_id", "shipping_facility_id", "order_class", "named"))
            .struct.unnest()
        )

    items = (
        orders.select("tmp_order", "shipping_facility_id", "n_items", "named")
        .with_columns(line_number=pl.int_ranges(1, pl.col("n_items") + 1))
        .explode("line_number")
    )
    items = pick_in_group(
        items.rename({"shipping_facility_id": "home_id"}),
        products.select("home_id", "id"),
        "home_id",
        "id",
        "product_id",
        rng,
    )
    named_ids = dict(zip(named_products["sku"], named_products["id"], strict=True))
    items = items.with_columns(
        product_id=pl.when((pl.col("named") > 0) & (pl.col("line_number") == 1))
        .then(
            pl.col("named").replace_strict(
                {i + 1: named_ids.get(s) for i, s in enumerate(NAMED_PRODUCTS)},
                default=None,
                return_dtype=pl.Int64,
            )
        )
        .otherwise(pl.col("product_id"))
    ).sort("tmp_order", "line_number")
    n_lines = items.height
    list_price = products.select(pl.col("id").alias("product_id"), "list_price")
    items = items.join(list_price, on="product_id", how="left", maintain_order="left").with_columns(
        quantity=pl.Series(line_quantities(rng, n_lines)), **line_prices(rng, n_lines)
    )
    return n_orders, orders, items


def _work_orders(
    n_orders: int,
    rng: np.random.Generator,
    orders: pl.DataFrame,
    items: pl.DataFrame,
    params: GenerationParams,
    shard: Shard,
    products: pl.DataFrame,
    start_us: int,
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Work orders: make to order (1-2 per order) and make to stock, with their status and
    anchor instant (the work orders of one order start together)."""
    # --- work orders: make to order (1-2 per order) and make to stock ------------------------
    n_wo_per_order = 1 + ((rng.random(n_orders) < 0.2) & (orders["n_items"].to_numpy() >= 2))
    orders = orders.with_columns(n_wo=pl.Series(n_wo_per_order))
    mto = (
        items.join(
            orders.select("tmp_order", "n_wo", "order_class"), on="tmp_order", maintain_order="left"
        )
        .filter(pl.col("line_number") <= pl.col("n_wo"))
        .select(
            "tmp_order",
            "product_id",
            pl.col("home_id").alias("facility_id"),
            pl.col("quantity").alias("quantity_planned"),
            pl.col("order_class").alias("status"),
            pl.when(pl.col("line_number") == 1).then(pl.col("named")).otherwise(0).alias("named"),
            pl.lit("make_to_order").alias("order_type"),
        )
    )
    n_mts = shard.volume(params, 24_000)
    mts = pl.DataFrame({"i": rng.integers(0, products.height, n_mts)}).select(
        pl.lit(None, pl.UInt32).alias("tmp_order"),
        pl.Series("product_id", products["id"].to_numpy()[rng.integers(0, products.height, n_mts)]),
    )
    mts = mts.join(
        products.select(pl.col("id").alias("product_id"), pl.col("home_id")),
        on="product_id",
        how="left",
        maintain_order="left",
    ).select(
        "tmp_order",
        "product_id",
        pl.col("home_id").alias("facility_id"),
        pl.Series("quantity_planned", stock_quantities(rng, n_mts)),
        pl.Series("status", choice(rng, WO_STATUSES, WO_STATUS_WEIGHTS, n_mts).astype(str)),
        pl.lit(0, pl.Int8).alias("named"),
        pl.lit("make_to_stock").alias("order_type"),
    )
    wos = pl.concat([mto, mts], how="vertical_relaxed").with_row_index("tmp_wo")
    n_wo = wos.height
    anchor = _status_anchor(rng, wos["status"].to_numpy().astype(str), params)
    named = wos["named"].to_numpy().astype(np.int64)
    anchor[named > 0] = start_us + 3 * US_PER_DAY + named[named > 0] * 2 * US_PER_HOUR
    # the work orders of one order start together (within two days of each other)
    jitter = uniform_us(rng, 0, 2 * US_PER_DAY, n_wo)
    wos = wos.with_columns(anchor=pl.Series(anchor)).with_columns(
        anchor=pl.when(pl.col("tmp_order").is_null() | (pl.col("named") > 0))
        .then(pl.col("anchor"))
        .otherwise(pl.col("anchor").first().over("tmp_order") + pl.Series(jitter))
    )
    return orders, wos, n_wo


def _dates_and_numbers(
    wos: pl.DataFrame,
    orders: pl.DataFrame,
    rng: np.random.Generator,
    start_us: int,
    end_us: int,
    n_wo: int,
    counters: Counters,
    steps: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Order dates, creation times and document numbers of orders and work orders (named ones
    first); work orders and steps get their final ids."""
    # --- order dates, creation times and numbering -----------------------------------------
    order_first = (
        wos.filter(pl.col("tmp_order").is_not_null())
        .group_by("tmp_order")
        .agg(
            pl.col("planned_start_us").min().alias("first_us"),
            pl.col("start_us").min().alias("first_start_us"),
        )
    )
    orders = orders.join(order_first, on="tmp_order", how="left", maintain_order="left").sort(
        "tmp_order"
    )
    lag = uniform_us(rng, US_PER_DAY, 7 * US_PER_DAY, orders.height)
    orders = orders.with_columns(
        order_us=pl.max_horizontal(
            pl.min_horizontal(pl.col("first_us"), pl.col("first_start_us"), pl.lit(end_us))
            - pl.Series(lag),
            pl.lit(start_us),
        )
    ).with_columns(order_date=us_to_date(pl.col("order_us")))
    orders = orders.with_columns(
        order_day_us=pl.col("order_date").cast(pl.Datetime("us")).cast(pl.Int64)
    )
    wos = wos.join(
        orders.select("tmp_order", "order_day_us"),
        on="tmp_order",
        how="left",
        maintain_order="left",
    )
    created_off = uniform_us(rng, US_PER_HOUR, 12 * US_PER_HOUR, n_wo)
    mts_lag = uniform_us(rng, US_PER_DAY, 5 * US_PER_DAY, n_wo)
    wos = wos.with_columns(
        created_us=pl.when(pl.col("order_type") == "make_to_order")
        .then(pl.col("order_day_us") + pl.Series(created_off))
        .otherwise(
            pl.max_horizontal(
                pl.min_horizontal("planned_start_us", "start_us", pl.lit(end_us))
                - pl.Series(mts_lag),
                pl.lit(start_us),
            )
        )
    ).with_columns(
        created_us=pl.min_horizontal(
            "created_us", pl.col("start_us") - US_PER_HOUR, pl.lit(end_us - US_PER_HOUR)
        )
    )
    wos = wos.with_columns(
        updated_us=pl.when(pl.col("status") == "completed")
        .then(pl.col("actual_end_us"))
        .when(pl.col("status") == "quality_hold")
        .then(pl.col("last_end_us") + 30 * US_PER_MINUTE)
        .when(pl.col("status") == "in_progress")
        .then(pl.col("last_start"))
        .when(pl.col("status") == "cancelled")
        .then(pl.min_horizontal(pl.col("created_us") + 2 * US_PER_DAY, pl.lit(end_us)))
        .otherwise(pl.col("created_us"))
    )
    named_first = pl.col("named") == 0
    wos = number_documents(
        wos, (named_first, "created_us"), "created_us", "WO", 5, counters, "work_orders", NAMED_WOS
    ).rename({"code": "wo_number"})
    orders = orders.rename({"order_us": "sort_us"})
    orders = number_documents(
        orders, (named_first, "sort_us"), "sort_us", "ORD", 3, counters, "orders", NAMED_ORDERS
    ).rename({"code": "order_number", "id": "order_id"})

    wos = wos.join(
        orders.select("tmp_order", "order_id"), on="tmp_order", how="left", maintain_order="left"
    )
    steps = steps.join(
        wos.select("tmp_wo", pl.col("id").alias("work_order_id")),
        on="tmp_wo",
        maintain_order="left",
    )
    return orders, wos, steps


def _finish(
    params: GenerationParams,
    rng: np.random.Generator,
    orders: pl.DataFrame,
    items: pl.DataFrame,
    wos: pl.DataFrame,
    steps: pl.DataFrame,
    counters: Counters,
) -> Production:
    work_orders = wos.select(
        *WO_HEAD,
        "quantity_completed",
        "quantity_scrapped",
        "status",
        **planned_dates(),
        actual_start_date=pl.when(pl.col("status").is_in(STARTED)).then(
            us_to_ts(pl.col("start_us"))
        ),
        actual_end_date=us_to_ts(pl.col("actual_end_us")),
        created_at=us_to_ts(pl.col("created_us")),
        updated_at=us_to_ts(pl.col("updated_us")),
    ).sort("id")
    planned_off = uniform_us(rng, -2 * US_PER_HOUR, 2 * US_PER_HOUR, steps.height)
    step_rows = counters.with_ids(
        "work_order_steps", steps.sort("work_order_id", "step_sequence")
    ).select(
        "id",
        "work_order_id",
        "routing_step_id",
        "step_sequence",
        "work_center_id",
        pl.col("step_state").alias("status"),
        "quantity_in",
        "quantity_out",
        "quantity_scrapped",
        planned_start=us_to_ts(pl.col("planned_us") + pl.Series(planned_off)),
        actual_start=pl.when(pl.col("step_state").is_in(["completed", "in_progress"])).then(
            us_to_ts(pl.col("act_start"))
        ),
        actual_end=pl.when(pl.col("step_state") == "completed").then(us_to_ts(pl.col("act_end"))),
        labor_hours="labor_hours",
        machine_hours="machine_hours",
    )
    n_orders = orders.height
    orders = (
        orders.join(order_totals(items), on="order_id", how="left", maintain_order="left")
        .with_columns(
            required_date=pl.col("order_date")
            + pl.duration(days=pl.Series(rng.integers(7, 45, n_orders))),
            created_at=us_to_ts(pl.col("sort_us") + jitter(rng, 0, 8 * US_PER_HOUR, n_orders)),
        )
        .with_columns(created_at=pl.min_horizontal("created_at", pl.lit(params.end_instant())))
    )
    wo_facts = wos.select(
        pl.col("id").alias("work_order_id"),
        *WO_IDENTITY,
        "status",
        "quantity_planned",
        "quantity_completed",
        "start_us",
        "last_end_us",
        "actual_end_us",
        "total_us",
    )
    return Production(
        orders=orders,
        order_items=items.select(
            "order_id", "line_number", "product_id", "quantity", "unit_price", "discount_percent"
        ).sort("order_id", "line_number"),
        work_orders=work_orders,
        work_order_steps=step_rows,
        wo_facts=wo_facts,
    )
