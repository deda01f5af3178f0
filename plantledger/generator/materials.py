"""Material flows of production: issues, returns, scrap and receipts of work orders, and the
supplier lots and sublots that feed them.

Part sublots are planned from demand: per (factory, part) the draws (issues and scrap) are laid
end to end in time order and cut into sublots of a lot size, so a sublot is received before its
first draw and no draw ever takes more than the sublot still holds. A draw that straddles two
sublots becomes two transactions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    US_PER_MINUTE,
    choice,
    jitter,
    to_us,
    uniform_us,
)
from plantledger.generator.part_supply import part_sublot_events
from plantledger.generator.production import Production
from plantledger.generator.production_rules import STARTED
from plantledger.generator.sharding import Shard
from plantledger.generator.stock_rules import (
    SCRAP_REASON_WEIGHTS,
    SCRAP_REASONS,
    Locations,
    over_issue,
    receive_pallets,
    round_lot_size,
)
from plantledger.params import GenerationParams


@dataclass(frozen=True)
class MaterialFlows:
    draws: pl.DataFrame
    """Issue and scrap pieces: one row per transaction with its part sublot and location."""
    returns: pl.DataFrame
    receipts: pl.DataFrame
    """Production receipts: one row per finished sublot (sublot_key set)."""
    part_sublots: pl.DataFrame
    """Part sublots planned for production: key, lot, facility, part, initial quantity."""
    part_events: pl.DataFrame
    rep_shipments: pl.DataFrame
    next_key: int


def build_material_flows(
    params: GenerationParams,
    master: dict[str, pl.DataFrame],
    prod: Production,
    locs: Locations,
    shard: Shard,
    first_key: int,
) -> MaterialFlows:
    rng = params.rng(shard.stream("materials"))
    start_us, end_us = to_us(params.start_instant()), to_us(params.end_instant())
    started = prod.wo_facts.filter(pl.col("status").is_in(STARTED))
    comps = master["product_components"].select(
        "product_id", "part_id", pl.col("quantity").alias("comp_qty")
    )

    issues, draws = _issues_and_scrap(comps, started, rng, end_us)

    pieces, sublots, returns = _sublots_and_returns(end_us, start_us, draws, rng, first_key, issues)

    part_events, rep = part_sublot_events(params, master, locs, sublots, rng, start_us, end_us)
    staging = part_events.filter(pl.col("kind") == "replenish_to_line").select(
        "sublot_key", pl.col("to_loc").alias("staging_loc")
    )
    pieces = pieces.join(staging, on="sublot_key", how="left", maintain_order="left")
    returns = returns.join(staging, on="sublot_key", how="left", maintain_order="left")
    if pieces["staging_loc"].null_count() or returns["staging_loc"].null_count():
        raise AssertionError("a draw names a sublot that never reached line-side staging")

    receipts = _production_receipts(
        params, prod, rng, first_key=int(sublots["sublot_key"].max()) + 1
    )
    return MaterialFlows(
        draws=pieces,
        returns=returns,
        receipts=receipts,
        part_sublots=sublots,
        part_events=part_events,
        rep_shipments=rep,
        next_key=int(receipts["sublot_key"].max()) + 1
        if receipts.height
        else int(sublots["sublot_key"].max()) + 1,
    )


def _issues_and_scrap(
    comps: pl.DataFrame, started: pl.DataFrame, rng: np.random.Generator, end_us: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Issues of the started work orders (with the occasional over-issue, returned at the end)
    and scrap of component material found defective at the line, as draws."""
    # --- issues (with the occasional over-issue that is returned at the end) ----------------
    issues = started.join(comps, on="product_id", maintain_order="left").sort(
        "work_order_id", "part_id"
    )
    n = issues.height
    bill = (issues["comp_qty"] * issues["quantity_planned"]).to_numpy().astype(np.int64)
    extra = over_issue(rng, bill, (issues["status"] == "completed").to_numpy())
    issues = (
        issues.with_columns(
            bill_qty=pl.Series(bill),
            extra=pl.Series(extra),
            t=pl.col("start_us") - jitter(rng, 5 * US_PER_MINUTE, 120 * US_PER_MINUTE, n),
            kind=pl.lit("issue_to_wo"),
        )
        .with_columns(qty=pl.col("bill_qty") + pl.col("extra"))
        .with_row_index("draw_key")
    )

    # --- scrap of component material found defective at the line ---------------------------
    scrap_rows = issues.filter(pl.Series(rng.random(n) < 0.05))
    m = scrap_rows.height
    run_span = np.minimum(
        scrap_rows["total_us"].to_numpy(), end_us - scrap_rows["start_us"].to_numpy()
    )
    scrap = scrap_rows.select(
        "work_order_id",
        "facility_id",
        "part_id",
        qty=pl.Series(
            np.maximum(
                1, np.round(scrap_rows["qty"].to_numpy() * rng.uniform(0.005, 0.03, m))
            ).astype(np.int64)
        ),
        t=pl.col("start_us")
        + pl.Series((rng.random(m) * np.maximum(run_span, 1)).astype(np.int64)),
        kind=pl.lit("scrap"),
        reason_code=pl.Series(choice(rng, SCRAP_REASONS, SCRAP_REASON_WEIGHTS, m).astype(str)),
    ).with_row_index("draw_key", offset=n)

    draws = (
        pl.concat(
            [
                issues.select(
                    "draw_key",
                    "work_order_id",
                    "facility_id",
                    "part_id",
                    "qty",
                    "t",
                    "kind",
                    pl.lit(None, pl.String).alias("reason_code"),
                ),
                scrap.select(
                    "draw_key",
                    "work_order_id",
                    "facility_id",
                    "part_id",
                    "qty",
                    "t",
                    "kind",
                    "reason_code",
                ),
            ],
        )
        .sort("facility_id", "part_id", "t", "draw_key")
        .with_columns(
            cum_end=pl.col("qty").cum_sum().over("facility_id", "part_id"),
        )
        .with_columns(cum_start=pl.col("cum_end") - pl.col("qty"))
    )
    return issues, draws


def _sublots_and_returns(
    end_us: int,
    start_us: int,
    draws: pl.DataFrame,
    rng: np.random.Generator,
    first_key: int,
    issues: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Lot sizes and sublots per (factory, part) from the demand; the pieces each draw takes
    from each sublot, and returns to the sublot the over-issue came from."""
    # --- lot sizes and sublots per (factory, part) -----------------------------------------
    weeks = (end_us - start_us) / (7 * US_PER_DAY)
    pairs = (
        draws.group_by("facility_id", "part_id")
        .agg(pl.col("qty").sum().alias("demand"))
        .sort("facility_id", "part_id")
    )
    n_pairs = pairs.height
    cover_weeks = rng.uniform(2.0, 8.0, n_pairs)
    lot_size = round_lot_size(np.maximum(1.0, pairs["demand"].to_numpy() / weeks * cover_weeks))
    pairs = pairs.with_columns(
        lot_size=pl.Series(lot_size),
        group=pl.Series(rng.integers(1, 4, n_pairs)),
        extra_sublot=pl.Series(rng.random(n_pairs) < 0.35),
    ).with_columns(
        n_sublots=(pl.col("demand") + pl.col("lot_size") - 1) // pl.col("lot_size")
        + pl.col("extra_sublot").cast(pl.Int64)
    )
    draws = draws.join(
        pairs.select("facility_id", "part_id", "lot_size"),
        on=["facility_id", "part_id"],
        maintain_order="left",
    )
    pieces = (
        draws.with_columns(
            k=pl.int_ranges(
                pl.col("cum_start") // pl.col("lot_size"),
                (pl.col("cum_end") - 1) // pl.col("lot_size") + 1,
            )
        )
        .explode("k")
        .with_columns(
            qty=pl.min_horizontal("cum_end", (pl.col("k") + 1) * pl.col("lot_size"))
            - pl.max_horizontal("cum_start", pl.col("k") * pl.col("lot_size"))
        )
    )
    first_use = pieces.group_by("facility_id", "part_id", "k").agg(
        pl.col("t").min().alias("need_us")
    )
    sublots = (
        pairs.select("facility_id", "part_id", "lot_size", "group", "n_sublots")
        .with_columns(k=pl.int_ranges(0, pl.col("n_sublots")))
        .explode("k")
        .join(first_use, on=["facility_id", "part_id", "k"], how="left", maintain_order="left")
        .with_columns(
            needed=pl.col("need_us").is_not_null(),
            need_us=pl.col("need_us").fill_null(end_us),
            lot_k=pl.col("k") // pl.col("group"),
        )
        .sort("facility_id", "part_id", "k")
        .with_row_index("sublot_key", offset=first_key)
    )
    # every sublot arrives full; the last one keeps what demand leaves over, a safety one stays
    sublots = sublots.with_columns(
        pl.col("sublot_key").cast(pl.Int64), initial_quantity=pl.col("lot_size")
    )
    pieces = pieces.join(
        sublots.select("facility_id", "part_id", "k", "sublot_key"),
        on=["facility_id", "part_id", "k"],
        maintain_order="left",
    ).sort("t", "draw_key", "k")

    # returns go back to the sublot the over-issue came from (the last piece of the issue)
    last_piece = (
        pieces.filter(pl.col("kind") == "issue_to_wo")
        .group_by("draw_key")
        .agg(pl.col("sublot_key").last())
    )
    returns = (
        issues.filter(pl.col("extra") > 0)
        .join(last_piece, on="draw_key", maintain_order="left")
        .select(
            "work_order_id",
            "facility_id",
            "part_id",
            "sublot_key",
            pl.col("extra").alias("qty"),
            t=pl.col("last_end_us")
            + pl.Series(
                uniform_us(rng, US_PER_MINUTE, 30 * US_PER_MINUTE, int((issues["extra"] > 0).sum()))
            ),
        )
    )
    return pieces, sublots, returns


def _production_receipts(
    params: GenerationParams, prod: Production, rng: np.random.Generator, first_key: int
) -> pl.DataFrame:
    """Each finished work order's good units, received as one or more pallets (sublots)."""
    done = prod.wo_facts.filter(
        pl.col("status").is_in(["completed", "quality_hold"]) & (pl.col("quantity_completed") > 0)
    )
    t0 = pl.col("last_end_us") + pl.Series(
        uniform_us(rng, US_PER_MINUTE, 10 * US_PER_MINUTE, done.height)
    )
    rec = receive_pallets(
        done,
        t0,
        rng,
        keep=(
            "work_order_id",
            "wo_number",
            "product_id",
            "facility_id",
            "order_id",
            "order_type",
            "status",
        ),
    )
    return rec.with_row_index("sublot_key", offset=first_key).with_columns(
        pl.col("sublot_key").cast(pl.Int64)
    )
