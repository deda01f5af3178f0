"""Work orders of a daily load: in-progress ones run on, released ones start, new ones are created
(make-to-order ones with a new order), the initial history's backlog is worked off; their steps
are scheduled on the routings' work centres (rules of :mod:`plantledger.generator.production`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    epoch_us,
    jitter,
    us_to_ts,
)
from plantledger.generator.daily.backlog import (
    backlog_holds,
    new_work_orders,
)
from plantledger.generator.daily.context import (
    I64,
    Ctx,
    changed_rows,
)
from plantledger.generator.daily.schedule import (
    routing_times,
    schedule,
)
from plantledger.generator.production_rules import (
    WO_HEAD,
    WO_IDENTITY,
    current_routings,
    planned_dates,
    work_order_plan,
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


def simulate_work_orders(ctx: Ctx) -> WorkOrders:
    rng = ctx.rng("work_orders")
    ws, end = ctx.ws, ctx.end
    st = ctx.state
    routings = current_routings(ctx.master)
    times = routing_times(ctx)

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
    holds = backlog_holds(ctx)
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

    new_wos, new_orders, new_items = new_work_orders(ctx)
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
    sched = schedule(ctx, runs.sort("work_order_id", "step_sequence"), rng)

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
