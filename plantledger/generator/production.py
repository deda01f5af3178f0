"""Demand and production: orders, order items, work orders and their routing steps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    choice,
    pick_in_group,
    to_us,
    uniform_us,
    us_to_date,
    us_to_ts,
)
from plantledger.generator.sharding import Counters, Shard
from plantledger.params import GenerationParams

WO_STATUSES = ("released", "in_progress", "quality_hold", "completed", "cancelled")
WO_STATUS_WEIGHTS = (0.05, 0.10, 0.02, 0.80, 0.03)
STARTED = ("in_progress", "quality_hold", "completed")
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


def current_routings(master: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The current routing steps with their work centre's facility and efficiency."""
    wc = master["work_centers"].select(
        pl.col("id").alias("work_center_id"), "facility_id", "efficiency_rating"
    )
    return (
        master["production_routings"]
        .filter(pl.col("is_active") & pl.col("effective_to").is_null())
        .rename({"id": "routing_step_id"})
        .join(wc, on="work_center_id", maintain_order="left")
        .sort("product_id", "step_sequence")
    )


def product_homes(routings: pl.DataFrame) -> pl.DataFrame:
    """product_id → the factory that makes it (where its first current step runs)."""
    return routings.group_by("product_id").agg(pl.col("facility_id").first())


WO_IDENTITY = ("wo_number", "product_id", "facility_id", "order_id", "order_type")
"""What a work order is (besides its id)."""
WO_HEAD = ("id", *WO_IDENTITY, "priority", "quantity_planned")
"""The columns work_orders rows start with: what is fixed at a work order's creation."""


def zipf_index(rng: np.random.Generator, n_items: int, size: int) -> np.ndarray:
    """Skewed indices in [0, n_items): a few customers order a lot."""
    return np.minimum((n_items * rng.random(size) ** 2.2).astype(np.int64), n_items - 1)


def line_quantities(rng: np.random.Generator, n: int) -> np.ndarray:
    """Units of an order line (and of a make-to-order work order)."""
    return np.clip(np.round(rng.lognormal(np.log(20), 0.9, n)), 1, 500).astype(np.int64)


def stock_quantities(rng: np.random.Generator, n: int) -> np.ndarray:
    """Units of a make-to-stock work order."""
    return np.clip(np.round(rng.lognormal(np.log(100), 0.7, n)), 10, 2000).astype(np.int64)


def line_prices(rng: np.random.Generator, n: int) -> dict[str, pl.Expr]:
    """unit_price (the product's ``list_price`` ±8%) and discount_percent of ``n`` order lines."""
    return {
        "unit_price": (pl.col("list_price") * pl.Series(rng.uniform(0.92, 1.08, n))).round(2),
        "discount_percent": pl.Series(
            choice(rng, [0.0, 5.0, 10.0, 15.0], [60, 20, 15, 5], n).astype(float)
        ),
    }


def order_totals(items: pl.DataFrame) -> pl.DataFrame:
    """order_id, total_amount: the discounted value of an order's lines."""
    return items.group_by("order_id").agg(
        (pl.col("quantity") * pl.col("unit_price") * (1 - pl.col("discount_percent") / 100))
        .sum()
        .round(2)
        .alias("total_amount")
    )


def priorities(rng: np.random.Generator, make_to_order: np.ndarray) -> np.ndarray:
    """Work-order priorities: 1-3 for make-to-order, 3-5 for make-to-stock."""
    n = make_to_order.size
    return np.where(make_to_order, rng.integers(1, 4, n), rng.integers(3, 6, n))


def work_order_plan(
    rng: np.random.Generator, start: pl.Expr, total: pl.Expr, n: int
) -> dict[str, pl.Expr]:
    """planned_start_us (within a day of ``start``) and plan_days (the ``total`` µs the steps
    take, with 10% less to 30% more slack, in whole days, at least one) of ``n`` work orders."""
    return {
        "planned_start_us": start + pl.Series(uniform_us(rng, -US_PER_DAY, US_PER_DAY, n)),
        "plan_days": (total * pl.Series(rng.uniform(0.9, 1.3, n)) / US_PER_DAY)
        .ceil()
        .cast(pl.Int64)
        .clip(lower_bound=1),
    }


def planned_dates() -> dict[str, pl.Expr]:
    """planned_start_date and planned_end_date of work orders with the columns of
    :func:`work_order_plan`."""
    start = us_to_date(pl.col("planned_start_us"))
    return {
        "planned_start_date": start,
        "planned_end_date": start + pl.duration(days=pl.col("plan_days")),
    }


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

    steps, n_steps = _steps_with_scrap(routings, wos, rng)

    wos = _running_steps(steps, wos, n_wo, rng, end_us, start_us)

    steps = _step_instants(steps, wos, rng, master, n_steps)

    wos = _roll_up(steps, rng, n_wo, wos)

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


def _steps_with_scrap(
    routings: pl.DataFrame, wos: pl.DataFrame, rng: np.random.Generator
) -> tuple[pl.DataFrame, int]:
    """The steps of every work order along its routing with their gaps and durations, and scrap
    per step carried forward along the chain (a quality_hold work order keeps at least one
    unit)."""
    # --- steps and their schedule ----------------------------------------------------------
    steps = (
        wos.select("tmp_wo", "product_id", "facility_id", "quantity_planned", "named")
        .join(
            routings.select(
                "product_id",
                "routing_step_id",
                "step_sequence",
                "work_center_id",
                "setup_time_mins",
                "run_time_per_unit_mins",
                "efficiency_rating",
            ),
            on="product_id",
            maintain_order="left",
        )
        .sort("tmp_wo", "step_sequence")
    )
    n_steps = steps.height
    gap_min = rng.uniform(10, 240, n_steps)
    steps = (
        steps.with_columns(
            step_idx=pl.int_range(pl.len()).over("tmp_wo"),
            run_min=pl.col("run_time_per_unit_mins")
            * pl.col("quantity_planned")
            / pl.col("efficiency_rating").clip(0.3, 1.0),
        )
        .with_columns(
            dur_us=(
                (pl.col("setup_time_mins") + pl.col("run_min"))
                * US_PER_MINUTE
                * pl.Series(rng.uniform(0.85, 1.25, n_steps))
            ).cast(pl.Int64),
            gap_us=pl.when(pl.col("step_idx") == 0)
            .then(0)
            .otherwise(pl.Series(gap_min) * US_PER_MINUTE)
            .cast(pl.Int64),
        )
        .with_columns(
            off_end=(pl.col("gap_us") + pl.col("dur_us")).cum_sum().over("tmp_wo"),
            n_wo_steps=pl.len().over("tmp_wo"),
        )
        .with_columns(off_start=pl.col("off_end") - pl.col("dur_us"))
    )

    # scrap per step, carried forward along the step chain; a quality_hold work order keeps at
    # least one unit through every step (its contract: it received products that are held), so
    # its scrap draw is capped there; the draws themselves are the same for every status
    idx = steps["step_idx"].to_numpy()
    q_in = np.zeros(n_steps, dtype=np.int64)
    q_scrap = np.zeros(n_steps, dtype=np.int64)
    planned = steps["quantity_planned"].to_numpy()
    keeps_one = (wos["status"] == "quality_hold").to_numpy()[steps["tmp_wo"].to_numpy()]
    p_scrap = rng.uniform(0.0, 0.03, n_steps) * (rng.random(n_steps) < 0.6)
    for k in range(int(idx.max()) + 1):
        rows = np.flatnonzero(idx == k)
        q_in[rows] = planned[rows] if k == 0 else q_in[rows - 1] - q_scrap[rows - 1]
        drawn = rng.binomial(q_in[rows], p_scrap[rows])
        cap = np.maximum(q_in[rows] - 1, 0)
        q_scrap[rows] = np.where(keeps_one[rows], np.minimum(drawn, cap), drawn)
    steps = steps.with_columns(full_in=pl.Series(q_in), full_scrap=pl.Series(q_scrap))
    return steps, n_steps


def _running_steps(
    steps: pl.DataFrame,
    wos: pl.DataFrame,
    n_wo: int,
    rng: np.random.Generator,
    end_us: int,
    start_us: int,
) -> pl.DataFrame:
    """In-progress work orders: the running step and the fraction of it done at the end of the
    history."""
    # in-progress orders: choose the running step and the fraction of it done at the end
    total = (
        steps.group_by("tmp_wo")
        .agg(pl.col("off_end").max().alias("total_us"), pl.col("n_wo_steps").first())
        .sort("tmp_wo")
    )
    wos = wos.join(total, on="tmp_wo", how="left", maintain_order="left")
    cur = np.floor(rng.random(n_wo) * wos["n_wo_steps"].to_numpy()).astype(np.int64)
    frac = rng.uniform(0.1, 0.9, n_wo)
    wos = wos.with_columns(cur_step=pl.Series(cur), frac=pl.Series(frac))
    cur_step_rows = (
        steps.join(wos.select("tmp_wo", "cur_step"), on="tmp_wo", maintain_order="left")
        .filter(pl.col("step_idx") == pl.col("cur_step"))
        .select("tmp_wo", pl.col("off_start").alias("cur_off"), pl.col("dur_us").alias("cur_dur"))
    )
    wos = wos.join(cur_step_rows, on="tmp_wo", how="left", maintain_order="left").with_columns(
        start_us=pl.when(pl.col("status") == "in_progress")
        .then(
            pl.lit(end_us)
            - pl.col("cur_off")
            - (pl.col("cur_dur") * pl.col("frac")).cast(pl.Int64)
            - 1
        )
        .when(pl.col("status").is_in(["completed", "cancelled"]))
        .then(pl.min_horizontal("anchor", pl.lit(end_us - US_PER_DAY) - pl.col("total_us")))
        .when(pl.col("status") == "quality_hold")  # finished, put away and held by the end
        .then(pl.min_horizontal("anchor", pl.lit(end_us - 4 * US_PER_DAY) - pl.col("total_us")))
        .otherwise(pl.col("anchor"))
    )
    if (wos.filter(pl.col("status") != "released")["start_us"] < start_us).any():
        raise ValueError("work-order schedule starts before history; routing durations too long")
    return wos


def _step_instants(
    steps: pl.DataFrame,
    wos: pl.DataFrame,
    rng: np.random.Generator,
    master: dict[str, pl.DataFrame],
    n_steps: int,
) -> pl.DataFrame:
    """Every step's planned and actual instants, status and quantities by its work order's
    status (5% run on another work centre of the same facility)."""
    steps = (
        steps.join(
            wos.select("tmp_wo", "status", "start_us", "cur_step", "frac"),
            on="tmp_wo",
            maintain_order="left",
        )
        .with_columns(
            step_state=pl.when(pl.col("status") == "released")
            .then(pl.lit("pending"))
            .when(pl.col("status") == "cancelled")
            .then(pl.lit("skipped"))
            .when(pl.col("status") != "in_progress")
            .then(pl.lit("completed"))
            .when(pl.col("step_idx") < pl.col("cur_step"))
            .then(pl.lit("completed"))
            .when(pl.col("step_idx") == pl.col("cur_step"))
            .then(pl.lit("in_progress"))
            .otherwise(pl.lit("pending")),
            act_start=pl.col("start_us") + pl.col("off_start"),
            act_end=pl.col("start_us") + pl.col("off_end"),
        )
        .with_columns(
            quantity_in=pl.when(pl.col("step_state").is_in(["completed", "in_progress"]))
            .then(pl.col("full_in"))
            .otherwise(0),
            quantity_scrapped=pl.when(pl.col("step_state") == "completed")
            .then(pl.col("full_scrap"))
            .when(pl.col("step_state") == "in_progress")
            .then((pl.col("full_scrap") * pl.col("frac")).floor().cast(pl.Int64))
            .otherwise(0),
            done_frac=pl.when(pl.col("step_state") == "completed")
            .then(1.0)
            .when(pl.col("step_state") == "in_progress")
            .then(pl.col("frac"))
            .otherwise(0.0),
        )
        .with_columns(
            quantity_out=pl.when(pl.col("step_state") == "completed")
            .then(pl.col("full_in") - pl.col("full_scrap"))
            .when(pl.col("step_state") == "in_progress")
            .then(
                ((pl.col("full_in") - pl.col("full_scrap")) * pl.col("frac")).floor().cast(pl.Int64)
            )
            .otherwise(0),
        )
    )
    # 5% of steps run on another work centre of the same facility than the routing says
    other_wc = pick_in_group(
        steps.select("facility_id"),
        master["work_centers"].select(pl.col("facility_id"), pl.col("id").alias("wc")),
        "facility_id",
        "wc",
        "alt_wc",
        rng,
    )["alt_wc"]
    steps = steps.with_columns(
        work_center_id=pl.when(pl.Series(rng.random(n_steps) < 0.05) & (pl.col("named") == 0))
        .then(other_wc)
        .otherwise(pl.col("work_center_id")),
        labor_hours=(
            pl.col("dur_us")
            / US_PER_HOUR
            * pl.Series(rng.uniform(0.9, 1.6, n_steps))
            * pl.col("done_frac")
        ).round(2),
        machine_hours=(
            pl.col("run_min")
            / 60
            * pl.Series(rng.uniform(0.95, 1.05, n_steps))
            * pl.col("done_frac")
        ).round(2),
        planned_us=pl.col("start_us") + pl.col("off_start"),
    )
    return steps


def _roll_up(
    steps: pl.DataFrame, rng: np.random.Generator, n_wo: int, wos: pl.DataFrame
) -> pl.DataFrame:
    """Roll the steps up per work order: its actual start and end, quantities completed and
    scrapped."""
    # --- work-order roll-up ------------------------------------------------------------------
    roll = steps.group_by("tmp_wo").agg(
        pl.col("quantity_scrapped").sum().alias("quantity_scrapped"),
        pl.col("quantity_out").last().alias("last_out"),
        (pl.col("step_state").last() == "completed").alias("last_done"),
        pl.col("act_end").last().alias("last_end_us"),
        pl.col("act_start").filter(pl.col("step_state") != "pending").max().alias("last_start"),
    )
    wos = wos.join(roll, on="tmp_wo", how="left", maintain_order="left").with_columns(
        quantity_completed=pl.when(pl.col("last_done") & pl.col("status").is_in(STARTED))
        .then(pl.col("last_out"))
        .otherwise(0),
        actual_end_us=pl.when(pl.col("status") == "completed")
        .then(
            pl.col("last_end_us")
            + pl.Series(uniform_us(rng, 31 * US_PER_MINUTE, 120 * US_PER_MINUTE, n_wo))
        )
        .otherwise(None),
        **work_order_plan(rng, pl.col("start_us"), pl.col("total_us"), n_wo),
        priority=pl.Series(priorities(rng, (wos["order_type"] == "make_to_order").to_numpy())),
    )
    return wos


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


def number_documents(
    frame: pl.DataFrame,
    order: Sequence[str | pl.Expr],
    time: str,
    prefix: str,
    width: int,
    counters: Counters,
    table: str,
    named: tuple[str, ...] = (),
) -> pl.DataFrame:
    """Ids in ``order`` (continuing from earlier shards and loads) and year-based codes
    ``PREFIX-YYYY-NNN`` (the year of the µs instant ``time``) continuing each year's sequence.
    With ``named`` codes, the rows whose ``named`` column is i > 0 get the i-th of them
    instead; the named codes are reserved, so no generated code can collide with them."""
    frame = counters.with_ids(table, frame.sort(*order, maintain_order=True))
    frame = frame.with_columns(year=us_to_ts(pl.col(time)).dt.year())
    generated = pl.col("named") == 0 if named else pl.lit(True)
    frame = frame.with_columns(seq=counters.sequence(prefix, frame, "year", generated))
    code = (
        pl.lit(prefix + "-")
        + pl.col("year").cast(pl.String)
        + "-"
        + pl.col("seq").cast(pl.String).str.zfill(width)
    )
    if named:
        code = (
            pl.when(pl.col("named") > 0)
            .then(
                pl.col("named").replace_strict(
                    {i + 1: c for i, c in enumerate(named)}, default=None, return_dtype=pl.String
                )
            )
            .otherwise(code)
        )
    return frame.with_columns(code=code).drop("seq", "year")


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
            created_at=us_to_ts(
                pl.col("sort_us") + pl.Series(uniform_us(rng, 0, 8 * US_PER_HOUR, n_orders))
            ),
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
