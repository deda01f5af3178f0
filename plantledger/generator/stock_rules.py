"""The stock building blocks the initial history and the daily loads share: the event frame and
its columns, statuses, storage locations by kind, inbound chains (receipt, putaway, release),
replenishment, over-issue, lot sizes and production receipts as pallets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_HOUR,
    US_PER_SECOND,
    jitter,
)

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
        spacing=jitter(rng, 20 * US_PER_SECOND, 90 * US_PER_SECOND, done.height),
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
