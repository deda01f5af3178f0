"""Step scheduling of a daily load: when each step of a running work order starts and ends on its
work centre, its state at the window's end and the quantities it takes in, scraps and reports.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from plantledger.generator._util import US_PER_HOUR
from plantledger.generator.daily.context import (
    I64,
    Ctx,
)


def routing_times(ctx: Ctx) -> pl.DataFrame:
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


def schedule(ctx: Ctx, s: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Run the steps of the running work orders through the window: when each of the steps
    still to do starts and ends, its state at the window's end and its quantities."""
    ws, end = ctx.ws, ctx.end
    s, idx, k0 = step_times(s, ws, end)

    s = step_quantities(s, rng, end)
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


def step_times(s: pl.DataFrame, ws: int, end: int) -> tuple[pl.DataFrame, pl.Expr, pl.Expr]:
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


def step_quantities(s: pl.DataFrame, rng: np.random.Generator, end: int) -> pl.DataFrame:
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
