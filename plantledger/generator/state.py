"""The state an existing raw folder leaves, read for an append (``generate --append-days``).

Everything comes from the raw parquet with lazy scans and column projection: the master data
(small, read whole), the current version of every sublot, open work orders with their steps,
open orders and shipments, inventory, where conveyor sublots have been, the largest ids and
document sequence numbers, and the daily rates of the initial load. Current state = per key the
row of the highest ``load_id`` (:func:`plantledger.schema.latest_versions`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from plantledger.rawfolder import RawFolder
from plantledger.schema import EVENT_TABLES, TABLES, latest_versions

MASTER_TABLES = (
    "suppliers",
    "parts",
    "part_suppliers",
    "products",
    "product_components",
    "facilities",
    "transport_routes",
    "customers",
    "work_centers",
    "production_routings",
    "storage_locations",
)
"""The master tables the append reads whole (current versions, ``load_id`` dropped)."""

SEQUENCES = {
    "WO": ("work_orders", "wo_number"),
    "ORD": ("orders", "order_number"),
    "MTX": ("material_transactions", "transaction_number"),
}
"""Year-based document numbers ``PREFIX-YYYY-N``: the table and column holding them."""


def scan(raw: Path, table: str) -> pl.LazyFrame:
    """Every row of ``table`` in every load, in file order."""
    return pl.scan_parquet(raw / table / "*.parquet")


def current(raw: Path, table: str) -> pl.LazyFrame:
    """The current rows of ``table`` (the latest version of each key; event tables as they are)."""
    frame = scan(raw, table)
    return frame if table in EVENT_TABLES else latest_versions(frame, table)


@dataclass(frozen=True)
class Rates:
    """Events per day of the initial load (load 0), for the scale the folder was generated at."""

    work_orders: float
    make_to_order_share: float
    stock_receipts: float
    """Supplier receipts at warehouses and distribution centres."""
    bin_transfers: float
    count_adjustments: float
    transfers: float
    """Transfer shipments of finished goods (the rate stock orders ship from warehouses at)."""


@dataclass(frozen=True)
class RawState:
    master: dict[str, pl.DataFrame]
    sublots: pl.DataFrame
    """Current version of every sublot (all columns but ``load_id``)."""
    lots: pl.DataFrame
    """material_lots: id, work_order_id (to find the work order of a product sublot)."""
    work_orders: pl.DataFrame
    """Current version of every work order."""
    open_steps: pl.DataFrame
    """Current steps of the released and in-progress work orders."""
    orders: pl.DataFrame
    """Current version of every order."""
    transit_shipments: pl.DataFrame
    """Current order-fulfilment shipments still in transit."""
    inventory: pl.DataFrame
    conveyor_visits: pl.DataFrame
    """For sublots now on a conveyor line: sublot_id, last_seq (the last position they were at)."""
    max_ids: dict[str, int]
    sequences: dict[tuple[str, int], int]
    """Largest number used per (prefix, year), for the years the append may number in."""
    rates: Rates
    backlog: pl.DataFrame
    """The work orders open at the end of load 0 (id, status: released or in_progress): the
    initial history leaves far more of them than a day's production (its status mix), so an
    append works them off at the daily rate instead of all at once."""
    initial_end: dt.date
    """The last day of load 0."""


def _max_ids(raw: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    for table in TABLES:
        if table == "order_items":
            continue
        top = scan(raw, table).select(pl.col("id").max()).collect().item()
        out[table] = int(top) if top is not None else 0
    return out


def _sequences(raw: Path, years: list[int]) -> dict[tuple[str, int], int]:
    out: dict[tuple[str, int], int] = {}
    for prefix, (table, column) in SEQUENCES.items():
        numbers = (
            scan(raw, table)
            .select(pl.col(column).str.extract_groups(rf"^{prefix}-(\d{{4}})-(\d+)$"))
            .unnest(column)
            .select(
                year=pl.col("1").cast(pl.Int32, strict=False),
                seq=pl.col("2").cast(pl.Int64, strict=False),
            )
            .filter(pl.col("year").is_in(years))
            .group_by("year")
            .agg(pl.col("seq").max())
            .collect()
        )
        found = dict(zip(numbers["year"].to_list(), numbers["seq"].to_list(), strict=True))
        for year in years:
            out[(prefix, year)] = int(found.get(year) or 0)
    return out


def _initial_counts(raw: Path, table: str, column: str) -> dict[str, int]:
    """The number of rows of load 0 of ``table`` per value of ``column``."""
    counts = (
        scan(raw, table)
        .filter(pl.col("load_id") == 0)
        .group_by(column)
        .agg(pl.len().alias("n"))
        .collect()
    )
    return dict(zip(counts[column].to_list(), counts["n"].to_list(), strict=True))


def _rates(raw: Path, master: dict[str, pl.DataFrame], initial_days: int) -> Rates:
    days = max(initial_days, 1)
    first = pl.col("load_id") == 0
    counts = _initial_counts(raw, "work_orders", "order_type")
    total_wo = sum(counts.values())
    stock_sites = master["facilities"].filter(pl.col("facility_type") != "factory")["id"]
    stock_receipts = (
        scan(raw, "supplier_receipts")
        .filter(first & pl.col("facility_id").is_in(stock_sites.implode()))
        .select(pl.len())
        .collect()
        .item()
    )
    move_counts = _initial_counts(raw, "sublot_movements", "movement_type")
    transfers = (
        scan(raw, "shipments")
        .filter(first & (pl.col("shipment_type") == "transfer"))
        .select(pl.col("id").n_unique())
        .collect()
        .item()
    )
    return Rates(
        work_orders=total_wo / days,
        make_to_order_share=counts.get("make_to_order", 0) / total_wo if total_wo else 0.8,
        stock_receipts=stock_receipts / days,
        bin_transfers=move_counts.get("bin_transfer", 0) / days,
        count_adjustments=move_counts.get("count_adjustment", 0) / days,
        transfers=transfers / days,
    )


def read_state(folder: RawFolder, window_end: dt.date) -> RawState:
    """Read what an append needs from the raw folder (opened and checked by
    :meth:`~plantledger.rawfolder.RawFolder.open`) whose history ends on its manifest's
    ``end_date``; the append runs to ``window_end``. The manifest's entry of load 0 gives the
    daily rates (its days) and the backlog (its open work orders)."""
    raw = folder.path
    initial = folder.manifest.loads[0]
    end_date = dt.date.fromisoformat(folder.manifest.parameters["end_date"])
    master = {table: current(raw, table).drop("load_id").collect() for table in MASTER_TABLES}
    sublots = current(raw, "material_sublots").drop("load_id").collect().sort("id")
    work_orders = current(raw, "work_orders").drop("load_id").collect().sort("id")
    open_ids = work_orders.filter(pl.col("status").is_in(["released", "in_progress"]))["id"]
    open_steps = (
        latest_versions(
            scan(raw, "work_order_steps").filter(pl.col("work_order_id").is_in(open_ids.implode())),
            "work_order_steps",
        )
        .drop("load_id")
        .collect()
        .sort("work_order_id", "step_sequence")
    )
    orders = current(raw, "orders").drop("load_id").collect().sort("id")
    transit = (
        current(raw, "shipments")
        .filter(
            (pl.col("status") == "in_transit") & (pl.col("shipment_type") == "order_fulfillment")
        )
        .drop("load_id")
        .collect()
        .sort("id")
    )
    inventory = current(raw, "inventory").drop("load_id").collect().sort("id")
    lots = current(raw, "material_lots").select("id", "work_order_id").collect()

    # where the sublots now on a conveyor line (not at a position) have been
    locs = master["storage_locations"]
    lines = locs.filter(pl.col("location_type") == "conveyor_line")["id"]
    on_line = sublots.filter(pl.col("storage_location_id").is_in(lines.implode()))
    positions = locs.filter(pl.col("location_type") == "conveyor_position").select(
        pl.col("id").alias("storage_location_id"), pl.col("position_sequence").alias("seq")
    )
    since = on_line["created_at"].min()
    visits = (
        scan(raw, "plc_tag_events")
        .filter(
            pl.col("value").is_in(on_line["sublot_code"].implode())
            & (pl.col("source_timestamp") >= since if since is not None else pl.lit(False))
        )
        .select("value", "storage_location_id")
        .collect()
        .join(positions, on="storage_location_id", how="inner")
        .group_by("value")
        .agg(pl.col("seq").max().alias("last_seq"))
        .join(
            on_line.select(pl.col("id").alias("sublot_id"), pl.col("sublot_code").alias("value")),
            on="value",
        )
        .select("sublot_id", pl.col("last_seq").cast(pl.Int64))
        .sort("sublot_id")
    )
    years = list(range(end_date.year - 1, window_end.year + 1))
    backlog = (
        scan(raw, "work_orders")
        .filter((pl.col("load_id") == 0) & pl.col("status").is_in(["released", "in_progress"]))
        .select("id", "status")
        .collect()
        .sort("id")
    )
    return RawState(
        master=master,
        sublots=sublots,
        lots=lots,
        work_orders=work_orders,
        open_steps=open_steps,
        orders=orders,
        transit_shipments=transit,
        inventory=inventory,
        conveyor_visits=visits,
        max_ids=_max_ids(raw),
        sequences=_sequences(raw, years),
        rates=_rates(raw, master, int(initial["days"])),
        backlog=backlog,
        initial_end=dt.date.fromisoformat(initial["last_day"]),
    )
