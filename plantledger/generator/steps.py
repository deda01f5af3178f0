"""Work-order steps of the initial history: every step along its routing with its scrap carried
forward, the step running at the end of the history, each step's instants, status and
quantities, and their roll-up per work order.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    jitter,
    pick_in_group,
)
from plantledger.generator.production_rules import (
    STARTED,
    priorities,
    work_order_plan,
)


def steps_with_scrap(
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


def running_steps(
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


def step_instants(
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


def roll_up(
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
        .then(pl.col("last_end_us") + jitter(rng, 31 * US_PER_MINUTE, 120 * US_PER_MINUTE, n_wo))
        .otherwise(None),
        **work_order_plan(rng, pl.col("start_us"), pl.col("total_us"), n_wo),
        priority=pl.Series(priorities(rng, (wos["order_type"] == "make_to_order").to_numpy())),
    )
    return wos
