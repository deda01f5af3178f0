"""Work orders of a daily load: in-progress ones run on, released ones start, new ones are created
(make-to-order ones with a new order), the initial history's backlog is worked off; their steps
are scheduled on the routings' work centres (rules of :mod:`plantledger.generator.production`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
    changed_rows,
    epoch_us,
    jitter,
)
from plantledger.generator.production import (
    WO_HEAD,
    WO_IDENTITY,
    current_routings,
    line_prices,
    line_quantities,
    number_documents,
    order_totals,
    planned_dates,
    priorities,
    product_homes,
    stock_quantities,
    work_order_plan,
    zipf_index,
)
from plantledger.generator.state import RawState
from plantledger.schema import RAW_SCHEMAS


@dataclass(frozen=True)
class WorkOrders:
    rows: pl.DataFrame
    """Every work order of this load (new ones and new versions), contract columns."""
    steps: pl.DataFrame
    """Every step of this load (new ones and new versions), contract columns."""
    facts: pl.DataFrame
    """Per work order that ran in the window: work_order_id, product_id, facility_id, order_id,
    order_type, quantity_planned, status, start_us, started_now, last_end_us, base_us,
    completed_now, quantity_completed."""
    all_wos: pl.DataFrame
    """Every work order after this load (current version): id, wo_number, status, order_id,
    order_type, product_id, facility_id."""
    orders: pl.DataFrame
    """New orders (contract columns but status, shipped_date; with order_created_us)."""
    order_items: pl.DataFrame


_STEP_COLUMNS = [
    "id",
    "work_order_id",
    "routing_step_id",
    "step_sequence",
    "work_center_id",
    "status",
    "quantity_in",
    "quantity_out",
    "quantity_scrapped",
    "planned_start",
    "actual_start",
    "actual_end",
    "labor_hours",
    "machine_hours",
]


def _routing_times(ctx: Ctx) -> pl.DataFrame:
    wc = ctx.master["work_centers"].select(
        pl.col("id").alias("routing_wc"), pl.col("efficiency_rating").alias("eff")
    )
    return (
        ctx.master["production_routings"]
        .select(
            pl.col("id").alias("routing_step_id"),
            pl.col("setup_time_mins").alias("setup"),
            pl.col("run_time_per_unit_mins").alias("run"),
            pl.col("work_center_id").alias("routing_wc"),
        )
        .join(wc, on="routing_wc", how="left", maintain_order="left")
        .drop("routing_wc")
    )


def _new_work_orders(ctx: Ctx) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
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
    n = int(rng.poisson(_new_work_order_days(ctx) * rates.work_orders)) if products.height else 0
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


def _unit_hash(ids: np.ndarray, salt: int) -> np.ndarray:
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
:func:`_backlog_holds`); new work orders get the rest while it lasts."""


def _backlog_span_us(ctx: Ctx, status: str) -> float:
    """How long working off the initial load's open work orders of ``status`` takes."""
    st = ctx.state
    rate = max(st.rates.work_orders * BACKLOG_SHARE, 1e-9)
    return st.backlog.filter(pl.col("status") == status).height / rate * US_PER_DAY


def _initial_end_us(ctx: Ctx) -> int:
    end0 = dt.datetime.combine(ctx.state.initial_end, dt.time(23, 59, 59, 999_999), tzinfo=dt.UTC)
    return to_us(end0)


def _new_work_order_days(ctx: Ctx) -> float:
    """The window's days weighted by the share of the daily rate new work orders get: the
    initial history ends with far more work orders released or in progress than a day's work
    (its status mix), so while those released are started, new ones come at the rest."""
    busy_until = _initial_end_us(ctx) + _backlog_span_us(ctx, "released")
    overlap = min(max(busy_until - ctx.ws, 0), ctx.end - ctx.ws + 1) / US_PER_DAY
    return ctx.window.days - BACKLOG_SHARE * overlap


def _backlog_holds(ctx: Ctx) -> pl.DataFrame:
    """id, hold_us: the work orders open at the end of the initial load are worked off at
    ``BACKLOG_SHARE`` of the initial load's daily rate of work orders: each is started (the
    released ones) or finishes its running step (the ones in progress) no earlier than its hold
    instant, fixed per work order and spread evenly over as many days as that takes."""
    end0 = _initial_end_us(ctx)
    frames = []
    for i, status in enumerate(("in_progress", "released")):
        ids = ctx.state.backlog.filter(pl.col("status") == status)["id"]
        span = _backlog_span_us(ctx, status)
        u = _unit_hash(ids.to_numpy(), 2 * ctx.params.seed + i)
        frames.append(
            pl.DataFrame(
                {"id": ids, "hold_us": end0 + (u * span).astype(np.int64)},
                schema={"id": I64, "hold_us": I64},
            )
        )
    return pl.concat(frames)


def simulate_work_orders(ctx: Ctx) -> WorkOrders:
    rng = ctx.rng("work_orders")
    ws, end = ctx.ws, ctx.end
    st = ctx.state
    routings = current_routings(ctx.master)
    times = _routing_times(ctx)

    existing, holds, starting, running, new_wos, new_orders, new_items = _work_orders_to_run(
        st, ctx, end, rng, ws
    )

    wo_start, all_steps = _step_plan(
        st, running, starting, holds, routings, new_wos, ctx, existing, times, rng
    )

    run_ids, sched, roll = _run_and_roll_up(wo_start, new_wos, all_steps, ctx, rng, ws)
    if roll.filter(pl.col("actual_end_us") > end).height:
        raise AssertionError("a work order would end after the window")

    steps_out = _step_rows(sched, new_wos, all_steps, run_ids, st)

    wo_rows, facts, all_wos = _work_order_rows(
        all_steps, new_wos, rng, end, existing, roll, starting
    )
    return WorkOrders(
        rows=wo_rows,
        steps=steps_out,
        facts=facts,
        all_wos=all_wos,
        orders=new_orders,
        order_items=new_items,
    )


def _work_orders_to_run(
    st: RawState, ctx: Ctx, end: int, rng: np.random.Generator, ws: int
) -> tuple[
    pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame
]:
    """The work orders that run in the window: released ones that start (by order group, after
    their backlog hold), those in progress, and new ones with their orders."""
    # --- which work orders run in the window --------------------------------------------------
    existing = st.work_orders
    holds = _backlog_holds(ctx)
    released = existing.filter(pl.col("status") == "released").join(
        holds, on="id", how="left", maintain_order="left"
    )
    group = pl.coalesce(pl.col("order_id"), -pl.col("id"))
    released = released.with_columns(
        group=group,
        plan_us=pl.col("planned_start_date").cast(pl.Datetime("us")).cast(I64),
    ).with_columns(
        group_plan=pl.col("plan_us").min().over("group"),
        group_hold=pl.col("hold_us").min().over("group"),
    )
    groups = released.select("group", "group_plan", "group_hold").unique().sort("group")
    groups = groups.with_columns(
        group_start=pl.max_horizontal(
            pl.col("group_plan") + jitter(rng, 6 * US_PER_HOUR, 18 * US_PER_HOUR, groups.height),
            pl.lit(ws) + jitter(rng, 3 * US_PER_HOUR, 6 * US_PER_HOUR, groups.height),
            pl.col("group_hold").fill_null(0),
        )
    ).filter(pl.col("group_start") + 12 * US_PER_HOUR <= end - US_PER_HOUR)
    starting = released.join(
        groups.select("group", "group_start"), on="group", how="inner", maintain_order="left"
    )
    starting = starting.sort("id").with_columns(
        start_us=pl.col("group_start") + jitter(rng, 0, 12 * US_PER_HOUR, starting.height)
    )
    running = existing.filter(pl.col("status") == "in_progress")

    new_wos, new_orders, new_items = _new_work_orders(ctx)
    new_wos = new_wos.with_columns(
        started=~pl.col("cancelled") & (pl.col("anchor_us") <= end - US_PER_HOUR)
    )
    return existing, holds, starting, running, new_wos, new_orders, new_items


def _step_plan(
    st: RawState,
    running: pl.DataFrame,
    starting: pl.DataFrame,
    holds: pl.DataFrame,
    routings: pl.DataFrame,
    new_wos: pl.DataFrame,
    ctx: Ctx,
    existing: pl.DataFrame,
    times: pl.DataFrame,
    rng: np.random.Generator,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every step of the running, starting and new work orders with its nominal duration and
    offsets from the work order's start (new steps numbered)."""
    # --- steps: existing ones of running and starting work orders, new ones --------------------
    old_steps = st.open_steps.filter(
        pl.col("work_order_id").is_in(pl.concat([running["id"], starting["id"]]).implode())
    )
    old = old_steps.select(
        "id",
        "work_order_id",
        "routing_step_id",
        "step_sequence",
        "work_center_id",
        status0="status",
        in0="quantity_in",
        out0="quantity_out",
        scrap0="quantity_scrapped",
        planned_start="planned_start",
        act_start0=epoch_us("actual_start"),
        act_end0=epoch_us("actual_end"),
        labor0="labor_hours",
        machine0="machine_hours",
    )
    wo_start = pl.concat(
        [
            running.join(holds, on="id", how="left", maintain_order="left").select(
                pl.col("id").alias("work_order_id"),
                pl.lit(None, I64).alias("start_us"),
                "hold_us",
            ),
            starting.select(
                pl.col("id").alias("work_order_id"), "start_us", pl.lit(None, I64).alias("hold_us")
            ),
        ],
        how="vertical_relaxed",
    )
    new_steps = (
        new_wos.select(pl.col("id").alias("work_order_id"), "product_id")
        .join(
            routings.select("product_id", "routing_step_id", "step_sequence", "work_center_id"),
            on="product_id",
            maintain_order="left",
        )
        .sort("work_order_id", "step_sequence")
        .drop("product_id")
    )
    new_steps = ctx.counters.with_ids("work_order_steps", new_steps).with_columns(
        status0=pl.lit("pending"),
        in0=pl.lit(0, I64),
        out0=pl.lit(0, I64),
        scrap0=pl.lit(0, I64),
        planned_start=pl.lit(None, pl.Datetime("us", "UTC")),
        act_start0=pl.lit(None, I64),
        act_end0=pl.lit(None, I64),
        labor0=pl.lit(0.0),
        machine0=pl.lit(0.0),
    )
    plan = pl.concat(
        [
            existing.select(pl.col("id").alias("work_order_id"), "quantity_planned"),
            new_wos.select(pl.col("id").alias("work_order_id"), "quantity_planned"),
        ],
        how="vertical_relaxed",
    )
    all_steps = _step_durations(times, plan, old, new_steps, rng)
    return wo_start, all_steps


def _step_durations(
    times: pl.DataFrame,
    plan: pl.DataFrame,
    old: pl.DataFrame,
    new_steps: pl.DataFrame,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Every step with its duration on its work centre and its nominal offsets from the work
    order's start, for planned step starts."""
    all_steps = (
        pl.concat([old, new_steps.select(old.columns)], how="vertical_relaxed")
        .join(plan, on="work_order_id", how="left", maintain_order="left")
        .join(times, on="routing_step_id", how="left", maintain_order="left")
        .sort("work_order_id", "step_sequence")
    )
    n = all_steps.height
    all_steps = all_steps.with_columns(
        step_idx=pl.int_range(pl.len()).over("work_order_id"),
        n_steps=pl.len().over("work_order_id"),
        run_min=pl.col("run").fill_null(1.0)
        * pl.col("quantity_planned")
        / pl.col("eff").fill_null(1.0).clip(0.3, 1.0),
    ).with_columns(
        dur_us=(
            (pl.col("setup").fill_null(30) + pl.col("run_min"))
            * US_PER_MINUTE
            * pl.Series(rng.uniform(0.85, 1.25, n))
        )
        .cast(I64)
        .clip(lower_bound=US_PER_MINUTE),
        gap_us=jitter(rng, 10 * US_PER_MINUTE, 240 * US_PER_MINUTE, n),
        p_scrap=pl.Series(rng.uniform(0.0, 0.03, n) * (rng.random(n) < 0.6)),
        nudge=jitter(rng, 5 * US_PER_MINUTE, 2 * US_PER_HOUR, n),
        push=jitter(rng, US_PER_HOUR, 3 * US_PER_HOUR, n),
        labor_f=pl.Series(rng.uniform(0.9, 1.6, n)),
        machine_f=pl.Series(rng.uniform(0.95, 1.05, n)),
        plan_jitter=jitter(rng, -2 * US_PER_HOUR, 2 * US_PER_HOUR, n),
    )
    # nominal offsets from the work order's start, for planned step starts
    all_steps = all_steps.with_columns(
        off_end=(
            pl.when(pl.col("step_idx") == 0).then(0).otherwise(pl.col("gap_us")) + pl.col("dur_us")
        )
        .cum_sum()
        .over("work_order_id")
    ).with_columns(off_start=pl.col("off_end") - pl.col("dur_us"))
    return all_steps


def _run_and_roll_up(
    wo_start: pl.DataFrame,
    new_wos: pl.DataFrame,
    all_steps: pl.DataFrame,
    ctx: Ctx,
    rng: np.random.Generator,
    ws: int,
) -> tuple[pl.Series, pl.DataFrame, pl.DataFrame]:
    """Schedule the steps of running and starting work orders and roll them up per work order
    (start, last end, completion)."""
    run_ids = pl.concat([wo_start["work_order_id"], new_wos.filter("started")["id"]])
    runs = all_steps.filter(pl.col("work_order_id").is_in(run_ids.implode())).join(
        pl.concat(
            [
                wo_start,
                new_wos.filter("started").select(
                    pl.col("id").alias("work_order_id"),
                    pl.col("anchor_us").alias("start_us"),
                    pl.lit(None, I64).alias("hold_us"),
                ),
            ],
            how="vertical_relaxed",
        ),
        on="work_order_id",
        how="left",
        maintain_order="left",
    )
    sched = _schedule(ctx, runs.sort("work_order_id", "step_sequence"), rng)

    # --- work-order roll-up --------------------------------------------------------------------
    roll = (
        sched.group_by("work_order_id")
        .agg(
            pl.col("state").last().alias("last_state"),
            pl.col("end_us").last().alias("last_end_us"),
            pl.col("new_scrap").sum().alias("quantity_scrapped"),
            pl.col("new_out").last().alias("last_out"),
            pl.col("start_us_step").filter(pl.col("state") != "pending").max().alias("last_start"),
            pl.col("start_us").first().alias("wo_start_us"),
        )
        .sort("work_order_id")
    )
    nr = roll.height
    roll = roll.with_columns(
        completed_now=pl.col("last_state") == "completed",
        base_us=pl.max_horizontal(
            pl.col("last_end_us"), pl.lit(ws) + jitter(rng, 5 * US_PER_MINUTE, US_PER_HOUR, nr)
        ),
        rec_off=jitter(rng, US_PER_MINUTE, 10 * US_PER_MINUTE, nr),
        end_off=jitter(rng, 31 * US_PER_MINUTE, 120 * US_PER_MINUTE, nr),
    ).with_columns(
        actual_end_us=pl.when(pl.col("completed_now")).then(pl.col("base_us") + pl.col("end_off")),
        quantity_completed=pl.when(pl.col("completed_now")).then(pl.col("last_out")).otherwise(0),
        status=pl.when(pl.col("completed_now"))
        .then(pl.lit("completed"))
        .otherwise(pl.lit("in_progress")),
    )
    return run_ids, sched, roll


def _step_rows(
    sched: pl.DataFrame,
    new_wos: pl.DataFrame,
    all_steps: pl.DataFrame,
    run_ids: pl.Series,
    st: RawState,
) -> pl.DataFrame:
    """The load's step rows: steps that ran (scheduled) and new steps not started, new versions
    only where they changed."""
    # --- rows: steps -----------------------------------------------------------------------
    ran_steps = sched.select(
        "id",
        "work_order_id",
        "routing_step_id",
        "step_sequence",
        "work_center_id",
        status="state",
        quantity_in="new_in",
        quantity_out="new_out",
        quantity_scrapped="new_scrap",
        planned_start=pl.coalesce(
            "planned_start",
            us_to_ts(pl.col("start_us") + pl.col("off_start") + pl.col("plan_jitter")),
        ),
        actual_start=pl.when(pl.col("state") != "pending").then(us_to_ts(pl.col("start_us_step"))),
        actual_end=pl.when(pl.col("state") == "completed").then(us_to_ts(pl.col("end_us"))),
        labor_hours="labor_hours",
        machine_hours="machine_hours",
    )
    idle_new = (
        all_steps.filter(~pl.col("work_order_id").is_in(run_ids.implode()))
        .join(
            new_wos.select(pl.col("id").alias("work_order_id"), "cancelled", "anchor_us"),
            on="work_order_id",
            how="inner",
            maintain_order="left",
        )
        .select(
            "id",
            "work_order_id",
            "routing_step_id",
            "step_sequence",
            "work_center_id",
            status=pl.when(pl.col("cancelled"))
            .then(pl.lit("skipped"))
            .otherwise(pl.lit("pending")),
            quantity_in=pl.lit(0, I64),
            quantity_out=pl.lit(0, I64),
            quantity_scrapped=pl.lit(0, I64),
            planned_start=us_to_ts(
                pl.col("anchor_us") + pl.col("off_start") + pl.col("plan_jitter")
            ),
            actual_start=pl.lit(None, pl.Datetime("us", "UTC")),
            actual_end=pl.lit(None, pl.Datetime("us", "UTC")),
            labor_hours=pl.lit(0.0),
            machine_hours=pl.lit(0.0),
        )
    )
    steps_now = pl.concat([ran_steps, idle_new], how="vertical_relaxed").sort("id")
    old_rows = st.open_steps.select(_STEP_COLUMNS)
    steps_out = changed_rows(steps_now.select(_STEP_COLUMNS), old_rows, ["id"])
    return steps_out


def _work_order_rows(
    all_steps: pl.DataFrame,
    new_wos: pl.DataFrame,
    rng: np.random.Generator,
    end: int,
    existing: pl.DataFrame,
    roll: pl.DataFrame,
    starting: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The load's work-order rows (new ones and new versions), the facts of every work order
    that ran, and every work order after the load."""
    # --- rows: work orders -------------------------------------------------------------------
    totals = all_steps.group_by("work_order_id").agg(pl.col("off_end").max().alias("total_us"))
    nn = new_wos.height
    new_rows = (
        new_wos.join(
            totals, left_on="id", right_on="work_order_id", how="left", maintain_order="left"
        )
        .with_columns(
            **work_order_plan(
                rng, pl.col("anchor_us"), pl.col("total_us").fill_null(US_PER_HOUR), nn
            ),
            cancel_us=pl.min_horizontal(
                pl.col("created_us") + jitter(rng, US_PER_HOUR, 2 * US_PER_DAY, nn), pl.lit(end)
            ),
        )
        .select(
            *WO_HEAD,
            status=pl.when(pl.col("cancelled"))
            .then(pl.lit("cancelled"))
            .otherwise(pl.lit("released")),
            **planned_dates(),
            created_us="created_us",
            updated_us=pl.when(pl.col("cancelled"))
            .then(pl.col("cancel_us"))
            .otherwise(pl.col("created_us")),
        )
    )
    wo_cols = RAW_SCHEMAS["work_orders"]
    base = pl.concat(
        [
            existing.with_columns(
                created_us=epoch_us("created_at"),
                updated_us=epoch_us("updated_at"),
                start0=epoch_us("actual_start_date"),
            ).drop("created_at", "updated_at"),
            new_rows.with_columns(
                quantity_completed=pl.lit(0, I64),
                quantity_scrapped=pl.lit(0, I64),
                actual_start_date=pl.lit(None, pl.Datetime("us", "UTC")),
                actual_end_date=pl.lit(None, pl.Datetime("us", "UTC")),
                start0=pl.lit(None, I64),
            ),
        ],
        how="diagonal_relaxed",
    )
    after = (
        base.join(
            roll.select(
                pl.col("work_order_id").alias("id"),
                pl.col("status").alias("r_status"),
                "quantity_completed",
                pl.col("quantity_scrapped").alias("r_scrap"),
                "actual_end_us",
                "last_start",
                "wo_start_us",
            ),
            on="id",
            how="left",
            suffix="_r",
            maintain_order="left",
        )
        .with_columns(
            status=pl.coalesce("r_status", "status"),
            quantity_completed=pl.coalesce("quantity_completed_r", "quantity_completed"),
            quantity_scrapped=pl.coalesce("r_scrap", "quantity_scrapped"),
            actual_start_date=pl.coalesce("actual_start_date", us_to_ts(pl.col("wo_start_us"))),
            actual_end_date=pl.coalesce("actual_end_date", us_to_ts(pl.col("actual_end_us"))),
            updated_us=pl.when(pl.col("r_status") == "completed")
            .then(pl.col("actual_end_us"))
            .when(pl.col("r_status") == "in_progress")
            .then(pl.max_horizontal("last_start", "updated_us"))
            .otherwise(pl.col("updated_us")),
        )
        .with_columns(
            created_at=us_to_ts(pl.col("created_us")),
            updated_at=us_to_ts(pl.col("updated_us")),
        )
        .sort("id")
    )
    wo_rows = changed_rows(after.select(list(wo_cols)[:-1]), existing, ["id"])

    facts, all_wos = _work_order_facts(roll, after, starting, new_wos)
    return wo_rows, facts, all_wos


def _work_order_facts(
    roll: pl.DataFrame, after: pl.DataFrame, starting: pl.DataFrame, new_wos: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The facts of every work order that ran in the window and every work order after the load."""
    facts = roll.join(
        after.select(pl.col("id").alias("work_order_id"), *WO_IDENTITY, "quantity_planned"),
        on="work_order_id",
        how="left",
        maintain_order="left",
    ).with_columns(
        started_now=pl.col("work_order_id").is_in(
            pl.concat([starting["id"], new_wos.filter("started")["id"]]).implode()
        ),
        start_us=pl.col("wo_start_us"),
    )
    all_wos = after.select(
        "id", "wo_number", "status", "order_id", "order_type", "product_id", "facility_id"
    )
    return facts, all_wos


def _schedule(ctx: Ctx, s: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Run the steps of the running work orders through the window: when each of the steps
    still to do starts and ends, its state at the window's end and its quantities."""
    ws, end = ctx.ws, ctx.end
    s, idx, k0 = _step_times(s, ws, end)

    s = _step_quantities(s, rng, end)
    state = pl.col("state")
    # a step still running that was running before keeps what it reported (no new version)
    still = (state == "in_progress") & (pl.col("status0") == "in_progress")
    s = s.with_columns(
        new_in=pl.when(state == "pending").then(0).otherwise(pl.col("full_in")),
        new_out=pl.when(state == "completed")
        .then(pl.col("full_out"))
        .when(still)
        .then(pl.col("base_out"))
        .when(state == "in_progress")
        .then(
            pl.max_horizontal("base_out", (pl.col("full_out") * pl.col("frac")).floor().cast(I64))
        )
        .otherwise(0),
        new_scrap=pl.when(state == "completed")
        .then(pl.col("full_scrap"))
        .when(still)
        .then(pl.col("base_scrap"))
        .when(state == "in_progress")
        .then(
            pl.max_horizontal(
                "base_scrap", (pl.col("full_scrap") * pl.col("frac")).floor().cast(I64)
            )
        )
        .otherwise(0),
        done_frac=pl.when(state == "completed")
        .then(1.0)
        .when(state == "in_progress")
        .then(pl.col("frac"))
        .otherwise(0.0),
    )
    return s.with_columns(
        labor_hours=pl.when((idx < k0) | still)
        .then(pl.col("labor0"))
        .otherwise(
            (pl.col("dur_us") / US_PER_HOUR * pl.col("labor_f") * pl.col("done_frac")).round(2)
        ),
        machine_hours=pl.when((idx < k0) | still)
        .then(pl.col("machine0"))
        .otherwise((pl.col("run_min") / 60 * pl.col("machine_f") * pl.col("done_frac")).round(2)),
    )


def _step_times(s: pl.DataFrame, ws: int, end: int) -> tuple[pl.DataFrame, pl.Expr, pl.Expr]:
    """When each step still to do starts and ends (in order along its work order, not before the
    backlog hold) and its state at the window's end; the last step completes only with time left
    to receive the products."""
    not_done = pl.col("status0") != "completed"
    s = s.with_columns(
        k0=pl.col("step_idx")
        .filter(not_done)
        .min()
        .over("work_order_id")
        .fill_null(pl.col("n_steps")),
        prev_end0=pl.col("act_end0").shift(1).over("work_order_id"),
    )
    idx, k0 = pl.col("step_idx"), pl.col("k0")
    running0 = pl.col("status0") == "in_progress"
    hold = pl.col("hold_us").fill_null(0)  # backlog: not before its hold instant
    s = s.with_columns(
        start_k0=pl.when(running0)
        .then(pl.col("act_start0"))
        .when(idx == 0)
        .then(pl.col("start_us"))
        .otherwise(
            pl.max_horizontal(
                pl.col("prev_end0") + pl.col("gap_us"), pl.lit(ws) + pl.col("nudge"), hold
            )
        ),
    ).with_columns(
        end_k0=pl.when(running0)
        .then(
            pl.max_horizontal(
                pl.col("act_start0") + pl.col("dur_us"), pl.lit(ws) + pl.col("nudge"), hold
            )
        )
        .otherwise(pl.col("start_k0") + pl.col("dur_us")),
        inc=pl.when(idx > k0).then(pl.col("gap_us") + pl.col("dur_us")).otherwise(0),
    )
    s = s.with_columns(
        e0=pl.col("end_k0").filter(idx == k0).first().over("work_order_id"),
        cum=pl.col("inc").cum_sum().over("work_order_id"),
    ).with_columns(
        end_us=pl.when(idx < k0)
        .then(pl.col("act_end0"))
        .when(idx == k0)
        .then(pl.col("end_k0"))
        .otherwise(pl.col("e0") + pl.col("cum")),
    )
    s = s.with_columns(
        start_us_step=pl.when(idx < k0)
        .then(pl.col("act_start0"))
        .when(idx == k0)
        .then(pl.col("start_k0"))
        .otherwise(pl.col("end_us") - pl.col("dur_us")),
    )
    # the last step completes only with time left to receive the products and close the order
    last = idx == pl.col("n_steps") - 1
    s = s.with_columns(
        end_us=pl.when(
            last
            & (idx >= k0)
            & (pl.col("end_us") > end - 2 * US_PER_HOUR)
            & (pl.col("end_us") <= end)
        )
        .then(pl.lit(end) + pl.col("push"))
        .otherwise(pl.col("end_us"))
    ).with_columns(
        state=pl.when(idx < k0)
        .then(pl.lit("completed"))
        .when(pl.col("end_us") <= end)
        .then(pl.lit("completed"))
        .when(pl.col("start_us_step") <= end)
        .then(pl.lit("in_progress"))
        .otherwise(pl.lit("pending"))
    )
    return s, idx, k0


def _step_quantities(s: pl.DataFrame, rng: np.random.Generator, end: int) -> pl.DataFrame:
    """Quantities along the chain, step position by step position: what each step takes in and
    scraps, what it had reported before and how far it ran by the window's end."""
    # quantities along the chain, step position by step position
    n = s.height
    pos = s["step_idx"].to_numpy()
    first = s["k0"].to_numpy()
    was_running = (s["status0"] == "in_progress").to_numpy()
    in0 = s["in0"].fill_null(0).to_numpy().astype(np.int64)
    out0 = s["out0"].fill_null(0).to_numpy().astype(np.int64)
    scrap0 = s["scrap0"].fill_null(0).to_numpy().astype(np.int64)
    planned = s["quantity_planned"].to_numpy().astype(np.int64)
    p = s["p_scrap"].to_numpy()
    q_in = np.zeros(n, dtype=np.int64)
    q_scrap = np.zeros(n, dtype=np.int64)
    for k in range(int(pos.max()) + 1 if n else 0):
        rows = np.flatnonzero(pos == k)
        done = rows[k < first[rows]]
        q_in[done], q_scrap[done] = in0[done], scrap0[done]
        cont = rows[(k == first[rows]) & was_running[rows]]
        q_in[cont] = in0[cont]
        q_scrap[cont] = scrap0[cont] + rng.binomial(
            np.maximum(in0[cont] - out0[cont] - scrap0[cont], 0), p[cont]
        )
        rest = rows[(k >= first[rows]) & ~((k == first[rows]) & was_running[rows])]
        q_in[rest] = planned[rest] if k == 0 else q_in[rest - 1] - q_scrap[rest - 1]
        q_scrap[rest] = rng.binomial(q_in[rest], p[rest])
    s = s.with_columns(
        full_in=pl.Series(q_in),
        full_scrap=pl.Series(q_scrap),
        base_out=pl.Series(np.where(was_running, out0, 0)),
        base_scrap=pl.Series(np.where(was_running, scrap0, 0)),
    ).with_columns(
        frac=(
            (pl.lit(end) - pl.col("start_us_step")) / (pl.col("end_us") - pl.col("start_us_step"))
        ).clip(0.0, 1.0),
        full_out=pl.col("full_in") - pl.col("full_scrap"),
    )
    return s


def zipf_customers(ctx: Ctx, rng: np.random.Generator, n: int) -> pl.Series:
    ids = ctx.master["customers"].sort("id")["id"].to_numpy()
    return pl.Series(ids[zipf_index(rng, ids.size, n)], dtype=I64)
