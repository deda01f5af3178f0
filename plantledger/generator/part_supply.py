"""Part sublots of the initial history from supplier to line: each lot's supplier, receipt and
route (directly or via a warehouse), and every sublot's receipt, putaway, release, bin transfer
and replenishment to the line.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    partners,
    pick_in_group,
    uniform_us,
)
from plantledger.generator.stock_rules import (
    AVAILABLE,
    RECEIVED_STATUS,
    REP_KEY_OFFSET,
    VIA_WAREHOUSE_SHARE,
    Locations,
    at_fraction,
    events,
    inbound_events,
    replenish_before,
)
from plantledger.params import GenerationParams


def part_sublot_events(
    params: GenerationParams,
    master: dict[str, pl.DataFrame],
    locs: Locations,
    sublots: pl.DataFrame,
    rng: np.random.Generator,
    start_us: int,
    end_us: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Receipt → putaway → (release) → (bin transfer) → replenish to line, or the same via a
    warehouse and a replenishment shipment, for every planned part sublot."""
    lots = lot_plans(sublots, master, rng, start_us, locs)

    s = sublot_places(sublots, lots, locs, rng)

    ev = sublot_event_chain(locs, s)
    rep = lots.filter(pl.col("via")).select(
        (pl.col("lot_key").cast(pl.Int64) + REP_KEY_OFFSET).alias("ship_key"),
        pl.lit("replenishment").alias("shipment_type"),
        pl.col("warehouse_id").alias("origin_facility_id"),
        pl.col("facility_id").alias("destination_facility_id"),
        shipped_us=pl.col("r") + (pl.col("gap") * 0.35).cast(pl.Int64),
        delivered_us=pl.col("r") + (pl.col("gap") * 0.55).cast(pl.Int64),
    )
    return pl.concat([events(e) for e in ev]), rep


def lot_plans(
    sublots: pl.DataFrame,
    master: dict[str, pl.DataFrame],
    rng: np.random.Generator,
    start_us: int,
    locs: Locations,
) -> pl.DataFrame:
    """Every lot's supplier, receipt instant, quality hold and route (directly or via a
    warehouse) with its docks."""
    lots = (
        sublots.group_by("facility_id", "part_id", "lot_k")
        .agg(
            pl.col("need_us").min().alias("lot_need_us"),
        )
        .sort("facility_id", "part_id", "lot_k")
        .with_row_index("lot_key")
    )
    nl = lots.height
    parts = master["parts"].select(
        pl.col("id").alias("part_id"), "is_critical", "primary_supplier_id"
    )
    approved = (
        master["part_suppliers"].filter(pl.col("is_approved")).select("part_id", "supplier_id")
    )
    lots = lots.join(parts, on="part_id", how="left", maintain_order="left")
    lead = uniform_us(rng, 2 * US_PER_DAY, 20 * US_PER_DAY, nl)
    need = lots["lot_need_us"].to_numpy()
    receipt_us = np.maximum(need - lead, start_us + (need - start_us) // 10)
    hold_p = np.where(lots["is_critical"].to_numpy(), 0.8, 0.3)
    warehouses = locs.of_type("site", ("warehouse",)).select("facility_id")
    via = (rng.random(nl) < VIA_WAREHOUSE_SHARE) & (warehouses.height > 0)
    lots = lots.with_columns(
        r=pl.Series(receipt_us),
        gap=pl.Series(need - receipt_us),
        hold=pl.Series(rng.random(nl) < hold_p),
        via=pl.Series(via),
        key=pl.lit(0),
    )
    lots = (
        pick_in_group(
            lots, approved.rename({"supplier_id": "sup"}), "part_id", "sup", "supplier_id", rng
        )
        if approved.height
        else lots
    )
    lots = (
        pick_in_group(
            lots,
            partners(
                master["transport_routes"].rename(
                    {"destination_facility_id": "facility_id", "origin_facility_id": "wh"}
                ),
                "facility_id",
                "wh",
                lots["facility_id"],
                warehouses["facility_id"],
            ),
            "facility_id",
            "wh",
            "warehouse_id",
            rng,
        )
        if via.any()
        else lots.with_columns(warehouse_id=pl.lit(None, pl.Int64))
    )
    lots = lots.with_columns(
        receive_fac=pl.when(pl.col("via"))
        .then(pl.col("warehouse_id"))
        .otherwise(pl.col("facility_id"))
    )
    lots = pick_in_group(
        lots,
        locs.dock("RCV").rename({"facility_id": "receive_fac"}),
        "receive_fac",
        "loc",
        "rcv_dock",
        rng,
    )
    lots = pick_in_group(
        lots,
        locs.dock("SHP").rename({"facility_id": "receive_fac"}),
        "receive_fac",
        "loc",
        "wh_ship_dock",
        rng,
    )
    lots = pick_in_group(lots, locs.dock("RCV"), "facility_id", "loc", "fac_rcv_dock", rng)
    return lots


def sublot_places(
    sublots: pl.DataFrame, lots: pl.DataFrame, locs: Locations, rng: np.random.Generator
) -> pl.DataFrame:
    """Each sublot's lot plan joined with its places: the receiving dock, bins of its factory
    (another for a bin transfer) and the staging location of its line."""
    s = sublots.join(
        lots.select(
            "facility_id",
            "part_id",
            "lot_k",
            "lot_key",
            "r",
            "gap",
            "hold",
            "via",
            "receive_fac",
            "rcv_dock",
            "wh_ship_dock",
            "fac_rcv_dock",
            "supplier_id",
            "warehouse_id",
        ),
        on=["facility_id", "part_id", "lot_k"],
        maintain_order="left",
    )
    bins = locs.of_type("bin")
    s = pick_in_group(
        s.rename({"receive_fac": "rf"}),
        bins.rename({"facility_id": "rf"}),
        "rf",
        "loc",
        "first_bin",
        rng,
    ).rename({"rf": "receive_fac"})
    s = pick_in_group(s, bins, "facility_id", "loc", "fac_bin", rng)
    s = pick_in_group(s, bins, "facility_id", "loc", "other_bin", rng)
    s = pick_in_group(s, locs.of_type("staging"), "facility_id", "loc", "staging", rng)
    ns = s.height
    s = s.with_columns(
        moved=pl.Series(rng.random(ns) < 0.2)
        & ~pl.col("via")
        & (pl.col("other_bin") != pl.col("first_bin")),
        status0=RECEIVED_STATUS,
    )
    return s


def sublot_event_chain(locs: Locations, s: pl.DataFrame) -> list[pl.DataFrame]:
    """The events of every part sublot: receipt, putaway, release, bin transfer and
    replenishment to the line, directly or via a warehouse and a replenishment shipment."""
    at = at_fraction
    vendor, transit = locs.virtual("vendor"), locs.virtual("in_transit")
    base = {"sublot_key": pl.col("sublot_key"), "qty": pl.col("initial_quantity")}
    ev = [
        inbound_events(
            s,
            qty="initial_quantity",
            facility="receive_fac",
            dock="rcv_dock",
            bin_="first_bin",
            putaway=0.02,
            release=0.1,
            released=pl.col("hold"),
            vendor=vendor,
        ),
        s.filter(pl.col("moved")).select(
            **base,
            kind=pl.lit("bin_transfer"),
            t=at(0.5),
            facility_id="facility_id",
            from_loc="first_bin",
            to_loc="other_bin",
            from_status=pl.lit("available"),
            to_status=pl.lit("available"),
        ),
    ]
    v = s.filter(pl.col("via"))
    ev += [
        v.select(
            **base,
            kind=pl.lit("pick"),
            t=at(0.3),
            facility_id="receive_fac",
            from_loc="first_bin",
            to_loc="wh_ship_dock",
            **AVAILABLE,
        ),
        v.select(
            **base,
            kind=pl.lit("ship_out"),
            t=at(0.35),
            facility_id="receive_fac",
            from_loc="wh_ship_dock",
            to_loc=pl.col("receive_fac").replace_strict(transit, return_dtype=pl.Int64),
            ship_key=pl.col("lot_key") + REP_KEY_OFFSET,
            **AVAILABLE,
        ),
        v.select(
            **base,
            kind=pl.lit("ship_in"),
            t=at(0.55),
            facility_id="facility_id",
            from_loc=pl.col("receive_fac").replace_strict(transit, return_dtype=pl.Int64),
            to_loc="fac_rcv_dock",
            ship_key=pl.col("lot_key") + REP_KEY_OFFSET,
            **AVAILABLE,
        ),
        v.select(
            **base,
            kind=pl.lit("putaway"),
            t=at(0.6),
            facility_id="facility_id",
            from_loc="fac_rcv_dock",
            to_loc="fac_bin",
            **AVAILABLE,
        ),
    ]
    last_bin = (
        pl.when(pl.col("via"))
        .then(pl.col("fac_bin"))
        .when(pl.col("moved"))
        .then(pl.col("other_bin"))
        .otherwise(pl.col("first_bin"))
    )
    ev.append(
        s.filter(pl.col("needed")).select(
            **base,
            kind=pl.lit("replenish_to_line"),
            t=replenish_before("need_us"),
            facility_id="facility_id",
            from_loc=last_bin,
            to_loc="staging",
            **AVAILABLE,
        )
    )
    return ev
