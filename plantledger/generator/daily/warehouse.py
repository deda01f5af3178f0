"""Warehouse stock of a daily load: the load's new bin, relocations into it and between bins, count
adjustments, quality releases and receipts of warehouse stock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_HOUR,
    jitter,
    pick_in_group,
)
from plantledger.generator.daily.context import (
    I64,
    Ctx,
)
from plantledger.generator.daily.stock import (
    Latable,
    approved_suppliers,
    backdate,
    old_bins,
    receipt_chains,
    release_holds,
)
from plantledger.generator.ledger import (
    own_lot,
    purchased_sublots,
)
from plantledger.generator.state import Rates
from plantledger.generator.stock_rules import (
    RECEIVED_STATUS,
    Locations,
    events,
)
from plantledger.schema import cast_to_contract


@dataclass(frozen=True)
class WarehouseRoles:
    relocations: pl.DataFrame
    adjustments: pl.DataFrame
    releases: pl.DataFrame


def warehouse_roles(ctx: Ctx, stock: pl.DataFrame) -> WarehouseRoles:
    """Warehouse and distribution-centre part stock in bins: which sublots are relocated,
    counted or released in this load (each at most one of these)."""
    rng = ctx.rng("warehouse_roles")
    days = ctx.window.days
    rates = ctx.state.rates
    cands = stock.filter(pl.col("is_part") & ~pl.col("at_factory") & (pl.col("place") == "bin"))
    order = rng.permutation(cands.height)
    cands = cands[order] if cands.height else cands
    # at least two: one into the new bin, one that may come late
    n_rel = min(cands.height, max(2, int(rng.poisson(rates.bin_transfers * days))))
    n_adj = min(cands.height - n_rel, int(rng.poisson(rates.count_adjustments * days)))
    relocations = cands.head(n_rel)
    adjustments = cands.slice(n_rel, n_adj)
    rest = cands.slice(n_rel + n_adj)
    held = rest.filter(pl.col("status") == "quality_hold")
    # what is still held in a warehouse was mostly never released in the initial history
    releases = held.filter(pl.Series(rng.random(held.height) < 1 - 0.99**days))
    return WarehouseRoles(relocations, adjustments, releases)


def make_new_bin(ctx: Ctx, relocations: pl.DataFrame) -> pl.DataFrame:
    """The load's dimension change: a new bin in warehouse area 1 of one facility (where the
    first relocation happens, so at least one appended move uses it)."""
    rng = ctx.rng("new_bin")
    locs = ctx.state.master["storage_locations"]
    areas = locs.filter(
        (pl.col("location_type") == "area") & pl.col("location_code").str.ends_with("/WH1")
    ).sort("facility_id")
    if relocations.height:
        facility = relocations["facility_id"][0]
    else:
        facility = areas["facility_id"][int(rng.integers(0, areas.height))]
    area = areas.filter(pl.col("facility_id") == facility).row(0, named=True)
    slot = f"X{ctx.window.load_id:03d}-01"
    site = area["location_code"].split("/")[0]
    return cast_to_contract(
        "storage_locations",
        pl.DataFrame(
            {
                "id": [ctx.counters.next_id("storage_locations")],
                "location_code": [f"{area['location_code']}/{slot}"],
                "name": [f"{site} WH1 Bin {slot}"],
                "facility_id": [facility],
                "parent_location_id": [area["id"]],
                "location_type": ["bin"],
                "is_physical": [True],
                "position_sequence": [None],
                "created_at": [dt.datetime.combine(ctx.window.first_day, dt.time(), tzinfo=dt.UTC)],
            },
            schema_overrides={"position_sequence": pl.Int32},
        ),
        load_id=ctx.window.load_id,
    ).drop("load_id")


@dataclass(frozen=True)
class WarehouseLoad:
    latable: list[Latable]
    """Relocations (the first into the new bin), count adjustments, quality releases and the
    receipt chains of new warehouse stock: all of them may come late."""
    new_sublots: pl.DataFrame


def _other_bin(s: pl.DataFrame, bins: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """``to_bin``: a random bin of the sublot's facility other than the one it is in."""
    ranked = bins.sort("facility_id", "loc").with_columns(
        rank=pl.int_range(pl.len()).over("facility_id")
    )
    counts = ranked.group_by("facility_id").agg(pl.len().alias("n"))
    rank_of = ranked.select(pl.col("loc").alias("storage_location_id"), "rank")
    s = (
        s.join(counts, on="facility_id", how="left", maintain_order="left")
        .join(rank_of, on="storage_location_id", how="left", maintain_order="left")
        .with_columns(u=pl.Series(rng.random(s.height)))
        .with_columns(
            target=(
                pl.col("rank").fill_null(0)
                + 1
                + (pl.col("u") * (pl.col("n") - 1)).floor().cast(pl.UInt32)
            )
            % pl.col("n")
        )
    )
    return s.join(
        ranked.select("facility_id", pl.col("rank").alias("target"), pl.col("loc").alias("to_bin")),
        on=["facility_id", "target"],
        how="left",
        maintain_order="left",
    ).drop("n", "rank", "target", "u")


def simulate_warehouse(
    ctx: Ctx, stock: pl.DataFrame, roles: WarehouseRoles, new_bin: pl.DataFrame
) -> WarehouseLoad:
    rng = ctx.rng("warehouse")
    ws, end, late = ctx.ws, ctx.end, ctx.window.late_us
    locs = ctx.locs
    rates = ctx.state.rates
    new_bin_id = int(new_bin["id"][0])

    # --- relocations: the first one into the new bin ------------------------------------------
    rel = _other_bin(roles.relocations, locs.of_type("bin"), rng)
    rel = rel.with_columns(
        to_bin=pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit(new_bin_id, I64))
        .otherwise(pl.col("to_bin"))
    ).filter(pl.col("to_bin") != pl.col("storage_location_id"))
    relocations = events(
        rel.select(
            sublot_key="id",
            facility_id="facility_id",
            kind=pl.lit("bin_transfer"),
            t=pl.lit(ws) + jitter(rng, 0, end - ws, rel.height),
            from_loc="storage_location_id",
            to_loc="to_bin",
            qty=pl.col("quantity").cast(I64),
            from_status="status",
            to_status="status",
        )
    )

    # --- count adjustments and releases ----------------------------------------------------------
    adj = roles.adjustments
    na = adj.height
    qty = adj["quantity"].to_numpy().astype(np.int64)
    delta = np.maximum(1, np.round(qty * rng.uniform(0.01, 0.05, na))).astype(np.int64)
    gain = (rng.random(na) < 0.3) | (delta >= qty)
    adjustment = locs.virtual("adjustment")
    adj_loc = pl.col("facility_id").replace_strict(adjustment, return_dtype=I64)
    adj = adj.with_columns(delta=pl.Series(delta), gain=pl.Series(gain))
    adjustments = events(
        adj.select(
            sublot_key="id",
            facility_id="facility_id",
            kind=pl.lit("count_adjustment"),
            t=pl.lit(ws) + jitter(rng, 0, end - ws, na),
            qty="delta",
            from_loc=pl.when(pl.col("gain")).then(adj_loc).otherwise(pl.col("storage_location_id")),
            to_loc=pl.when(pl.col("gain")).then(pl.col("storage_location_id")).otherwise(adj_loc),
            from_status="status",
            to_status="status",
            reason_code=pl.lit("cycle_count"),
        )
    )

    s = _stock_receipts(locs, rng, rates, ctx, ws, late, end)

    return WarehouseLoad(
        latable=[
            backdate(ctx, rng, relocations),
            backdate(ctx, rng, adjustments),
            backdate(ctx, rng, release_holds(roles.releases, rng, ws, end)),
            receipt_chains(
                ctx,
                s,
                {"r": pl.col("r_late"), "gap": pl.col("gap_late")},
                qty="qty",
                putaway=0.05,
                release=0.2,
                released=pl.col("released"),
            ),
        ],
        new_sublots=purchased_sublots(s, "qty", own_lot("S")),
    )


def _stock_receipts(
    locs: Locations, rng: np.random.Generator, rates: Rates, ctx: Ctx, ws: int, late: int, end: int
) -> pl.DataFrame:
    """New warehouse stock, planned: which sublots warehouses receive (part, quantity, hold and
    release, receipt instant, in the window or late), from which approved supplier, at which
    dock and into which bin (one that existed before the load)."""
    # --- new warehouse stock: receipt, putaway, release -----------------------------------------
    sites = (
        locs.of_type("site", ("warehouse", "distribution_center"))
        .select("facility_id")
        .sort("facility_id")
    )
    n = int(rng.poisson(rates.stock_receipts * ctx.window.days)) if sites.height else 0
    parts = ctx.master["parts"].sort("id")["id"].to_numpy()
    s = pl.DataFrame(
        {
            "facility_id": sites["facility_id"].to_numpy()[rng.integers(0, max(sites.height, 1), n)]
            if n
            else np.zeros(0, np.int64),
            "part_id": parts[rng.integers(0, parts.size, n)] if n else np.zeros(0, np.int64),
        },
        schema={"facility_id": I64, "part_id": I64},
    ).with_columns(sublot_key=ctx.keys(n))
    hold = rng.random(n) < 0.2
    s = s.with_columns(
        qty=pl.Series((10 * np.ceil(rng.lognormal(np.log(20), 0.8, n))).astype(np.int64)),
        hold=pl.Series(hold),
        released=pl.Series(hold & (rng.random(n) < 0.9)),
        r=jitter(rng, ws, end - 2 * US_PER_HOUR, n),
        frac=pl.Series(rng.uniform(0.3, 1.0, n)),
        r_late=jitter(rng, late, ws - US_PER_HOUR, n),
    ).with_columns(
        gap=((pl.lit(end) - pl.col("r")) * pl.col("frac")).cast(I64),
        gap_late=((pl.lit(ws) - pl.col("r_late")) * pl.col("frac")).cast(I64),
        status0=RECEIVED_STATUS,
    )
    s = pick_in_group(s, approved_suppliers(ctx), "part_id", "sup", "supplier_id", rng)
    s = pick_in_group(s, locs.dock("RCV"), "facility_id", "loc", "dock", rng)
    s = pick_in_group(s, old_bins(ctx), "facility_id", "loc", "bin", rng)
    return s
