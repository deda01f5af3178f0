"""The production rules the initial history and the daily loads share: current routings and
products' home factories, order lines, quantities and prices, work-order priorities, plans and
planned dates, and year-based document numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    choice,
    jitter,
    us_to_date,
    us_to_ts,
)
from plantledger.generator.sharding import Counters

STARTED = ("in_progress", "quality_hold", "completed")


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
        "planned_start_us": start + jitter(rng, -US_PER_DAY, US_PER_DAY, n),
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
