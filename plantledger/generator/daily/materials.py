"""Materials of a daily load: started work orders issue their bill from line-side staging sublots,
replenished from the factory's bins and, for what is still missing, from new supplier sublots
(the rules of :mod:`plantledger.generator.materials`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_HOUR,
    US_PER_MINUTE,
    choice,
    jitter,
    pick_in_group,
)
from plantledger.generator.daily.context import (
    I64,
    Ctx,
)
from plantledger.generator.daily.production import WorkOrders
from plantledger.generator.daily.stock import (
    Latable,
    approved_suppliers,
    backdate,
    old_bins,
    receipt_chains,
    release_holds,
)
from plantledger.generator.ledger import (
    draw_events,
    own_lot,
    purchased_sublots,
    return_events,
)
from plantledger.generator.stock_rules import (
    AVAILABLE,
    RECEIVED_STATUS,
    SCRAP_REASON_WEIGHTS,
    SCRAP_REASONS,
    events,
    over_issue,
    replenish_before,
    round_lot_size,
)


@dataclass(frozen=True)
class MaterialsLoad:
    events: pl.DataFrame
    latable: list[Latable]
    new_sublots: pl.DataFrame
    """sublot_key, part_id, product_id, initial_quantity, lot_tmp, work_order_id."""


def simulate_materials(ctx: Ctx, wo: WorkOrders, stock: pl.DataFrame) -> MaterialsLoad:
    rng = ctx.rng("materials")
    ws, end = ctx.ws, ctx.end
    facts = wo.facts
    comps = ctx.master["product_components"].select(
        "product_id", "part_id", pl.col("quantity").alias("comp_qty")
    )

    iss, draws = _issues_and_scrap(comps, facts, rng, ws, end)

    held, fresh, pieces, used = _supply(draws, stock, rng, ctx)

    used, staged = _replenishment(used, rng, ws, held, ctx)
    ev: list[pl.DataFrame] = []

    new, chains = _new_supplier_sublots(fresh, used, ctx, ws, rng, ev)

    # the draws themselves, and returns to the sublot the over-issue came from
    ev.append(draw_events(pieces, ctx.locs, staging="staging"))
    last_piece = (
        pieces.filter(pl.col("kind") == "issue_to_wo")
        .group_by("work_order_id", "part_id")
        .agg(pl.col("sublot_key").last(), pl.col("staging").last())
    )
    returns = iss.filter(pl.col("extra") > 0).join(
        last_piece, on=["work_order_id", "part_id"], how="left", maintain_order="left"
    )
    returns = returns.with_columns(
        t=pl.col("base_us") + jitter(rng, US_PER_MINUTE, 30 * US_PER_MINUTE, returns.height),
        qty=pl.col("extra"),
    )
    ev.append(return_events(returns, staging="staging"))

    # quality release of held part sublots in the factories' bins
    hold = stock.filter(
        pl.col("is_part")
        & pl.col("at_factory")
        & (pl.col("status") == "quality_hold")
        & (pl.col("place") == "bin")
    )
    hold = hold.filter(pl.Series(rng.random(hold.height) < 1 - 0.5**ctx.window.days))
    releases = backdate(ctx, rng, release_holds(hold, rng, ws, end))

    new_sublots = purchased_sublots(new, "cap", own_lot("P"))
    return MaterialsLoad(
        events=pl.concat([events(e) for e in ev], how="vertical_relaxed"),
        latable=[chains, releases, staged],
        new_sublots=new_sublots,
    )


def _issues_and_scrap(
    comps: pl.DataFrame, facts: pl.DataFrame, rng: np.random.Generator, ws: int, end: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The issues of the work orders that start (with the occasional over-issue) and the scrap
    of component material found defective at the line, as draws on the staging stock."""
    # --- issues of the work orders that start, with the occasional over-issue ---------------
    iss = (
        facts.filter(pl.col("started_now"))
        .join(comps, on="product_id", maintain_order="left")
        .sort("work_order_id", "part_id")
    )
    n = iss.height
    bill = (iss["comp_qty"] * iss["quantity_planned"]).to_numpy().astype(np.int64)
    extra = over_issue(rng, bill, iss["completed_now"].to_numpy())
    iss = iss.with_columns(
        extra=pl.Series(extra),
        qty=pl.Series(bill) + pl.Series(extra),
        t=pl.col("start_us") - jitter(rng, 5 * US_PER_MINUTE, 120 * US_PER_MINUTE, n),
        kind=pl.lit("issue_to_wo"),
        reason_code=pl.lit(None, pl.String),
    )

    # --- scrap of component material found defective at the line ----------------------------
    run = (
        facts.filter(pl.col("started_now"))
        .join(comps, on="product_id", maintain_order="left")
        .sort("work_order_id", "part_id")
    )
    m = run.height
    run = run.with_columns(
        lo=pl.max_horizontal(pl.col("start_us").fill_null(ws), pl.lit(ws + US_PER_HOUR)),
        hi=pl.when(pl.col("completed_now")).then(pl.col("last_end_us")).otherwise(pl.lit(end)),
        hit=pl.Series(rng.random(m) < 0.05),
        frac=pl.Series(rng.random(m)),
        share=pl.Series(rng.uniform(0.005, 0.03, m)),
        reason=pl.Series(choice(rng, SCRAP_REASONS, SCRAP_REASON_WEIGHTS, m).astype(str)),
    ).filter(pl.col("hit") & (pl.col("hi") > pl.col("lo")))
    scrap = run.select(
        "work_order_id",
        "facility_id",
        "part_id",
        qty=(pl.col("comp_qty") * pl.col("quantity_planned") * pl.col("share"))
        .round()
        .cast(I64)
        .clip(lower_bound=1),
        t=pl.col("lo") + ((pl.col("hi") - pl.col("lo")) * pl.col("frac")).cast(I64),
        kind=pl.lit("scrap"),
        reason_code="reason",
    )
    draws = (
        pl.concat(
            [
                iss.select(
                    "work_order_id", "facility_id", "part_id", "qty", "t", "kind", "reason_code"
                ),
                scrap,
            ],
            how="vertical_relaxed",
        )
        .with_row_index("draw_key")
        .with_columns(pl.col("draw_key").cast(I64))
    )
    return iss, draws


def _supply(
    draws: pl.DataFrame, stock: pl.DataFrame, rng: np.random.Generator, ctx: Ctx
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Supply of the draws: staging stock first, then the factory's bins, then new supplier
    sublots; the pieces drawn from each sublot and the sublots used."""
    # --- supply: staging stock, then the factory's bins, then new supplier sublots -----------
    pairs = draws.select("facility_id", "part_id").unique()
    held = stock.filter(
        pl.col("is_part") & pl.col("at_factory") & (pl.col("status") == "available")
    ).join(pairs, on=["facility_id", "part_id"], how="semi", maintain_order="left")
    supply = pl.concat(
        [
            # the fullest staging sublot first; odd leftovers (returned over-issues, under a
            # tenth of the sublot) stay where they are
            held.filter(
                (pl.col("place") == "staging")
                & (pl.col("quantity") * 10 >= pl.col("initial_quantity"))
            ).select(
                "facility_id",
                "part_id",
                tier=pl.lit(0),
                order=-pl.col("quantity").cast(I64) * (1 << 40) + pl.col("id"),
                sublot_key=pl.col("id"),
                cap=pl.col("quantity").cast(I64),
                loc=pl.col("storage_location_id"),
            ),
            held.filter(pl.col("place") == "bin").select(
                "facility_id",
                "part_id",
                tier=pl.lit(1),
                order=pl.col("id"),
                sublot_key=pl.col("id"),
                cap=pl.col("quantity").cast(I64),
                loc=pl.col("storage_location_id"),
            ),
        ],
        how="vertical_relaxed",
    )
    demand = draws.group_by("facility_id", "part_id").agg(pl.col("qty").sum().alias("demand"))
    have = supply.group_by("facility_id", "part_id").agg(pl.col("cap").sum().alias("have"))
    short = (
        demand.join(have, on=["facility_id", "part_id"], how="left", maintain_order="left")
        .with_columns(short=pl.col("demand") - pl.col("have").fill_null(0))
        .filter(pl.col("short") > 0)
        .sort("facility_id", "part_id")
    )
    ns = short.height
    lot = round_lot_size(short["short"].to_numpy() * rng.uniform(1.2, 3.0, ns))
    fresh = short.select("facility_id", "part_id").with_columns(
        tier=pl.lit(2),
        order=pl.lit(0, I64),
        sublot_key=ctx.keys(ns),
        cap=pl.Series(lot),
        loc=pl.lit(None, I64),
    )
    supply = (
        pl.concat([supply, fresh], how="vertical_relaxed")
        .sort("facility_id", "part_id", "tier", "order", "sublot_key")
        .with_columns(s_end=pl.col("cap").cum_sum().over("facility_id", "part_id"))
        .with_columns(s_start=pl.col("s_end") - pl.col("cap"))
    )
    draws = (
        draws.sort("facility_id", "part_id", "t", "draw_key")
        .with_columns(d_end=pl.col("qty").cum_sum().over("facility_id", "part_id"))
        .with_columns(d_start=pl.col("d_end") - pl.col("qty"))
    )
    pieces = (
        draws.join(
            supply.select(
                "facility_id", "part_id", "sublot_key", "tier", "loc", "s_start", "s_end"
            ),
            on=["facility_id", "part_id"],
            maintain_order="left",
        )
        .filter((pl.col("d_start") < pl.col("s_end")) & (pl.col("s_start") < pl.col("d_end")))
        .with_columns(
            qty=pl.min_horizontal("d_end", "s_end") - pl.max_horizontal("d_start", "s_start")
        )
        .sort("t", "draw_key", "s_start")
    )
    used = (
        pieces.group_by("sublot_key")
        .agg(
            pl.col("t").min().alias("first_use"),
            pl.col("tier").first(),
            pl.col("loc").first(),
            pl.col("facility_id").first(),
            pl.col("part_id").first(),
        )
        .sort("sublot_key")
    )
    used = pick_in_group(used, ctx.locs.of_type("staging"), "facility_id", "loc", "stg", rng)
    used = used.with_columns(
        staging=pl.when(pl.col("tier") == 0).then(pl.col("loc")).otherwise(pl.col("stg"))
    )
    pieces = pieces.join(
        used.select("sublot_key", "staging"), on="sublot_key", how="left", maintain_order="left"
    )
    return held, fresh, pieces, used


def _replenishment(
    used: pl.DataFrame, rng: np.random.Generator, ws: int, held: pl.DataFrame, ctx: Ctx
) -> tuple[pl.DataFrame, Latable]:
    """Replenishment of bin stock to the line shortly before its first use (or, when late, days
    before)."""
    # replenishment of bin stock to the line shortly before its first use
    nu = used.height
    used = used.with_columns(
        lead=pl.min_horizontal(
            jitter(rng, US_PER_MINUTE, 4 * US_PER_HOUR, nu), (pl.col("first_use") - ws) // 2
        )
    )
    bins = used.filter(pl.col("tier") == 1).join(
        held.select(pl.col("id").alias("sublot_key"), pl.col("quantity").cast(I64).alias("held")),
        on="sublot_key",
        how="left",
        maintain_order="left",
    )
    # staged from the bins shortly before the first draw (or, when late, days before)
    staged = backdate(
        ctx,
        rng,
        events(
            bins.select(
                "sublot_key",
                "facility_id",
                kind=pl.lit("replenish_to_line"),
                t=pl.col("first_use") - pl.col("lead"),
                from_loc="loc",
                to_loc="staging",
                qty="held",
                **AVAILABLE,
            )
        ),
    )
    return used, staged


def _new_supplier_sublots(
    fresh: pl.DataFrame, used: pl.DataFrame, ctx: Ctx, ws: int, rng: np.random.Generator, ev: list
) -> tuple[pl.DataFrame, Latable]:
    """New supplier sublots for what the stock cannot cover: received, put away, released if
    held and replenished to the line in time (the receipt chain may come late)."""
    # new supplier sublots: received, put away, released if held, replenished in time
    new = used.filter(pl.col("tier") == 2).join(
        fresh.select("sublot_key", "cap"), on="sublot_key", how="left", maintain_order="left"
    )
    nn = new.height
    crit = (
        new.join(
            ctx.master["parts"].select(pl.col("id").alias("part_id"), "is_critical"),
            on="part_id",
            how="left",
            maintain_order="left",
        )["is_critical"]
        .fill_null(False)
        .to_numpy()
    )
    new = new.with_columns(
        r=pl.lit(ws) + ((pl.col("first_use") - ws) * pl.Series(rng.uniform(0, 0.5, nn))).cast(I64),
        hold=pl.Series(rng.random(nn) < np.where(crit, 0.8, 0.3)),
    ).with_columns(
        gap=pl.col("first_use") - pl.col("r"),
        status0=RECEIVED_STATUS,
    )
    new = pick_in_group(new, approved_suppliers(ctx), "part_id", "sup", "supplier_id", rng)
    new = pick_in_group(new, ctx.locs.dock("RCV"), "facility_id", "loc", "dock", rng)
    new = pick_in_group(new, old_bins(ctx), "facility_id", "loc", "bin", rng)
    r_late = jitter(rng, ctx.window.late_us, ws - US_PER_HOUR, nn)
    back = pl.Series(rng.uniform(0.3, 1.0, nn))
    # the receipt, putaway and release of a new sublot may come late (its replenishment not)
    chains = receipt_chains(
        ctx,
        new,
        {"r": r_late, "gap": ((pl.lit(ws) - r_late) * back).cast(I64)},
        qty="cap",
        putaway=0.02,
        release=0.1,
        released=pl.col("hold"),
    )
    ev.append(
        new.select(
            "sublot_key",
            "facility_id",
            kind=pl.lit("replenish_to_line"),
            t=replenish_before("first_use"),
            from_loc="bin",
            to_loc="staging",
            qty="cap",
            **AVAILABLE,
        )
    )
    return new, chains
