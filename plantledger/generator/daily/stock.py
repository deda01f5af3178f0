"""The existing stock a daily load continues: every sublot holding stock and where it is, the bins
it may use, quality holds to release, supplier receipt chains of new sublots, and late dating."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_HOUR,
    US_PER_MINUTE,
    US_PER_SECOND,
    epoch_us,
    jitter,
)
from plantledger.generator.daily.context import (
    I64,
    Ctx,
)
from plantledger.generator.stock_rules import (
    QUALITY_RELEASE,
    events,
    inbound_events,
)


def classify_stock(ctx: Ctx) -> pl.DataFrame:
    """Every sublot holding stock now: where (location type, role of the dock), what it is."""
    loc = ctx.locs.frame.select(
        pl.col("id").alias("storage_location_id"),
        "location_type",
        "location_code",
        "facility_type",
        pl.col("parent_location_id").alias("parent_loc"),
        pl.col("position_sequence").alias("pos_seq"),
    )
    wo_of_lot = ctx.state.lots.select(pl.col("id").alias("material_lot_id"), "work_order_id")
    s = (
        ctx.state.sublots.filter(pl.col("quantity") > 0)
        .join(loc, on="storage_location_id", how="left", maintain_order="left")
        .join(wo_of_lot, on="material_lot_id", how="left", maintain_order="left")
        .with_columns(
            upd_us=epoch_us("updated_at"),
            place=pl.when(pl.col("location_type") == "dock")
            .then(
                pl.when(pl.col("location_code").str.contains("/RCV/"))
                .then(pl.lit("rcv_dock"))
                .otherwise(pl.lit("shp_dock"))
            )
            .otherwise(pl.col("location_type")),
            is_part=pl.col("part_id").is_not_null(),
            at_factory=pl.col("facility_type") == "factory",
        )
        .sort("id")
    )
    return s


@dataclass(frozen=True)
class Latable:
    """Events that may be dated before the window instead: ``now`` in the window, ``late`` the
    same events of the same sublots back-dated (a sublot's ``late`` events are all before the
    window, after its latest existing event, and before its next event of this load)."""

    now: pl.DataFrame
    late: pl.DataFrame


def backdate(ctx: Ctx, rng: np.random.Generator, now: pl.DataFrame) -> Latable:
    """For existing sublots with one event each in ``now``: the event moved to a random instant
    between the later of the late bound and a minute after the sublot's latest event, and the
    window's start (never into a location set up in this load)."""
    upd = ctx.state.sublots.select(
        pl.col("id").alias("sublot_key"), pl.col("updated_at").dt.epoch("us").alias("upd")
    )
    new_code = f"/X{ctx.window.load_id:03d}-01"
    fresh = ctx.locs.frame.filter(pl.col("location_code").str.ends_with(new_code))["id"]
    ok = now.filter(~pl.col("to_loc").is_in(fresh.implode())).join(
        upd, on="sublot_key", maintain_order="left"
    )
    low = pl.max_horizontal(pl.lit(ctx.window.late_us), pl.col("upd") + US_PER_MINUTE)
    late = ok.with_columns(
        t=low
        + ((pl.lit(ctx.ws - US_PER_SECOND) - low) * pl.Series(rng.random(ok.height))).cast(I64)
    ).drop("upd")
    return Latable(now=now, late=late)


def receipt_chains(
    ctx: Ctx,
    new: pl.DataFrame,
    late: dict[str, pl.Expr | pl.Series],
    *,
    qty: str,
    putaway: float,
    release: float,
    released: pl.Expr,
) -> Latable:
    """The receipt chains (:func:`plantledger.generator.materials.inbound_events`) of new
    supplier sublots at their ``dock`` and ``bin``: in the window (columns ``r`` and ``gap``),
    or late (``late``: back-dated ``r`` and ``gap``)."""

    def chain(frame: pl.DataFrame) -> pl.DataFrame:
        return inbound_events(
            frame,
            qty=qty,
            facility="facility_id",
            dock="dock",
            bin_="bin",
            putaway=putaway,
            release=release,
            released=released,
            vendor=ctx.locs.virtual("vendor"),
        )

    return Latable(now=chain(new), late=chain(new.with_columns(**late)))


def approved_suppliers(ctx: Ctx) -> pl.DataFrame:
    """part_id → supplier candidates: the approved ones, else the primary supplier."""
    approved = (
        ctx.master["part_suppliers"]
        .filter(pl.col("is_approved"))
        .select("part_id", pl.col("supplier_id").alias("sup"))
    )
    primary = ctx.master["parts"].select(
        pl.col("id").alias("part_id"), pl.col("primary_supplier_id").alias("sup")
    )
    lonely = primary.filter(~pl.col("part_id").is_in(approved["part_id"].implode()))
    return pl.concat([approved, lonely], how="vertical_relaxed").unique().sort("part_id", "sup")


def old_bins(ctx: Ctx) -> pl.DataFrame:
    """Bins that existed before this load (new supplier sublots never go to the new bin, so a
    back-dated receipt cannot use a location set up later)."""
    new_code = f"/X{ctx.window.load_id:03d}-01"
    return ctx.locs.of_type("bin").filter(~pl.col("location_code").str.ends_with(new_code))


def release_holds(s: pl.DataFrame, rng: np.random.Generator, ws: int, end: int) -> pl.DataFrame:
    """Quality release (hold → available) of sublots in their bin, early in the window."""
    return events(
        s.select(
            sublot_key="id",
            facility_id="facility_id",
            t=pl.min_horizontal(
                pl.lit(ws) + jitter(rng, 10 * US_PER_MINUTE, 6 * US_PER_HOUR, s.height), pl.lit(end)
            ),
            from_loc="storage_location_id",
            to_loc="storage_location_id",
            qty=pl.col("quantity").cast(I64),
            **QUALITY_RELEASE,
        )
    )
