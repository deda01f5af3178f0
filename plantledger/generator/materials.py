"""Material flows of production: issues, returns, scrap and receipts of work orders, and the
supplier lots and sublots that feed them.

Part sublots are planned from demand: per (factory, part) the draws (issues and scrap) are laid
end to end in time order and cut into sublots of a lot size, so a sublot is received before its
first draw and no draw ever takes more than the sublot still holds. A draw that straddles two
sublots becomes two transactions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    US_PER_SECOND,
    choice,
    partners,
    pick_in_group,
    to_us,
    uniform_us,
)
from plantledger.generator.production import STARTED, Production
from plantledger.generator.sharding import Shard
from plantledger.params import GenerationParams

VIA_WAREHOUSE_SHARE = 0.4
"""Share of supplier lots for a factory that arrive through a warehouse (replenishment)."""
REP_KEY_OFFSET = 20_000_000_000
"""Replenishment shipment keys live apart from finished-goods shipment keys."""
SCRAP_REASONS = ("quality_defect", "machine_error", "operator_error", "material_defect")
SCRAP_REASON_WEIGHTS = (0.40, 0.25, 0.20, 0.15)
EVENT_COLUMNS = {
    "sublot_key": pl.Int64,
    "kind": pl.String,
    "t": pl.Int64,
    "facility_id": pl.Int64,
    "from_loc": pl.Int64,
    "to_loc": pl.Int64,
    "from_status": pl.String,
    "to_status": pl.String,
    "qty": pl.Int64,
    "work_order_id": pl.Int64,
    "reason_code": pl.String,
    "supplier_id": pl.Int64,
    "ship_key": pl.Int64,
}
"""Every stock event the simulation makes, in one shape (unused columns null)."""
AVAILABLE = {"from_status": pl.lit("available"), "to_status": pl.lit("available")}
"""The statuses of an event that moves available stock."""
QUALITY_RELEASE = {
    "kind": pl.lit("status_change"),
    "from_status": pl.lit("quality_hold"),
    "to_status": pl.lit("available"),
    "reason_code": pl.lit("inspection_passed"),
}
"""A quality release: a held sublot that passed inspection becomes available."""
RECEIVED_STATUS = (
    pl.when(pl.col("hold")).then(pl.lit("quality_hold")).otherwise(pl.lit("available"))
)
"""The status a purchased sublot is received in: on quality hold (``hold``) or available."""


@dataclass(frozen=True)
class Locations:
    """Storage locations by role, for picking where things happen."""

    frame: pl.DataFrame

    def of_type(self, location_type: str, facility_types: tuple[str, ...] | None = None):
        f = self.frame.filter(pl.col("location_type") == location_type)
        if facility_types is not None:
            f = f.filter(pl.col("facility_type").is_in(facility_types))
        return f.select("facility_id", pl.col("id").alias("loc"), "location_code")

    def dock(self, area: str) -> pl.DataFrame:
        return self.of_type("dock").filter(pl.col("location_code").str.contains(f"/{area}/"))

    def virtual(self, location_type: str) -> dict[int, int]:
        f = self.of_type(location_type)
        return dict(zip(f["facility_id"].to_list(), f["loc"].to_list(), strict=True))


def locations(master: dict[str, pl.DataFrame]) -> Locations:
    fac = master["facilities"].select(pl.col("id").alias("facility_id"), "facility_type")
    return Locations(master["storage_locations"].join(fac, on="facility_id", maintain_order="left"))


def events(frame: pl.DataFrame) -> pl.DataFrame:
    """Conform a partial event frame to EVENT_COLUMNS (missing columns are null)."""
    return frame.select(
        (pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c))
        for c, t in EVENT_COLUMNS.items()
    )


def at_fraction(frac: float) -> pl.Expr:
    """An instant ``frac`` of the way through a sublot's window (columns ``r`` and ``gap``)."""
    return pl.col("r") + (pl.col("gap") * frac).cast(pl.Int64)


def inbound_events(
    s: pl.DataFrame,
    *,
    qty: str,
    facility: str,
    dock: str,
    bin_: str,
    putaway: float,
    release: float,
    released: pl.Expr,
    vendor: dict[int, int],
) -> pl.DataFrame:
    """A supplier receipt at a dock in status ``status0``, the putaway to a bin, and for the
    ``released`` rows the quality release in that bin: the start of every purchased sublot."""
    base = {"sublot_key": pl.col("sublot_key"), "qty": pl.col(qty), "facility_id": pl.col(facility)}
    received = {"from_status": pl.col("status0"), "to_status": pl.col("status0")}
    chain = [
        s.select(
            **base,
            kind=pl.lit("supplier_receipt"),
            t=pl.col("r"),
            from_loc=pl.col(facility).replace_strict(vendor, return_dtype=pl.Int64),
            to_loc=dock,
            supplier_id="supplier_id",
            **received,
        ),
        s.select(
            **base,
            kind=pl.lit("putaway"),
            t=at_fraction(putaway),
            from_loc=dock,
            to_loc=bin_,
            **received,
        ),
        s.filter(released).select(
            **base, t=at_fraction(release), from_loc=bin_, to_loc=bin_, **QUALITY_RELEASE
        ),
    ]
    return pl.concat([events(e) for e in chain])


def replenish_before(need: str) -> pl.Expr:
    """When a purchased sublot is replenished to the line before it is needed (``need``): by a
    twentieth of its time from receipt to need (``gap``), at most four hours."""
    return pl.col(need) - pl.min_horizontal(
        (pl.col("gap") * 0.05).cast(pl.Int64), pl.lit(4 * US_PER_HOUR)
    )


def over_issue(rng: np.random.Generator, bill: np.ndarray, completed: np.ndarray) -> np.ndarray:
    """Units issued beyond the bill (returned to stock when the work order completes): 1-5% of
    it for a tenth of the issues of work orders that complete, none for the others."""
    over = (rng.random(bill.size) < 0.10) & completed
    extra = np.where(over, np.maximum(1, np.round(bill * rng.uniform(0.01, 0.05, bill.size))), 0)
    return extra.astype(np.int64)


def round_lot_size(raw_size: np.ndarray) -> np.ndarray:
    """Lot sizes rounded up to a step of 1, 10 or 100 units."""
    step = np.where(raw_size > 500, 100, np.where(raw_size > 50, 10, 1))
    return (np.ceil(raw_size / step) * step).astype(np.int64)


def receive_pallets(
    done: pl.DataFrame, t0: pl.Expr, rng: np.random.Generator, keep: Sequence[str]
) -> pl.DataFrame:
    """Each finished work order's good units (``quantity_completed`` > 0), received as up to
    twelve pallets (sublots) a product-specific pallet size apart in time from ``t0``: the
    ``keep`` columns, piece, qty and t per pallet."""
    pallet = 10 + (done["product_id"].to_numpy() * 37) % 90
    q = done["quantity_completed"].to_numpy()
    n_pal = np.minimum(np.ceil(q / pallet), 12).astype(np.int64)
    done = done.with_columns(
        n_pal=pl.Series(n_pal),
        base=pl.Series(q // n_pal),
        rest=pl.Series(q % n_pal),
        t0=t0,
        spacing=pl.Series(uniform_us(rng, 20 * US_PER_SECOND, 90 * US_PER_SECOND, done.height)),
    )
    return (
        done.with_columns(piece=pl.int_ranges(0, pl.col("n_pal")))
        .explode("piece")
        .select(
            *keep,
            "piece",
            qty=pl.col("base") + (pl.col("piece") < pl.col("rest")).cast(pl.Int64),
            t=pl.col("t0") + pl.col("piece") * pl.col("spacing"),
        )
        .sort("t", "work_order_id", "piece")
    )


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

    part_events, rep = _part_sublot_events(params, master, locs, sublots, rng, start_us, end_us)
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
            t=pl.col("start_us")
            - pl.Series(uniform_us(rng, 5 * US_PER_MINUTE, 120 * US_PER_MINUTE, n)),
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


def _part_sublot_events(
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
    lots = _lot_plans(sublots, master, rng, start_us, locs)

    s = _sublot_places(sublots, lots, locs, rng)

    ev = _sublot_event_chain(locs, s)
    rep = lots.filter(pl.col("via")).select(
        (pl.col("lot_key").cast(pl.Int64) + REP_KEY_OFFSET).alias("ship_key"),
        pl.lit("replenishment").alias("shipment_type"),
        pl.col("warehouse_id").alias("origin_facility_id"),
        pl.col("facility_id").alias("destination_facility_id"),
        shipped_us=pl.col("r") + (pl.col("gap") * 0.35).cast(pl.Int64),
        delivered_us=pl.col("r") + (pl.col("gap") * 0.55).cast(pl.Int64),
    )
    return pl.concat([events(e) for e in ev]), rep


def _lot_plans(
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


def _sublot_places(
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


def _sublot_event_chain(locs: Locations, s: pl.DataFrame) -> list[pl.DataFrame]:
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
