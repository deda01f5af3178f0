"""The recall view of a forward trace: per customer (or facility a transfer went to), the
quantity shipped from the traced material, the shipments and the first and last ship date; and
the trace rows as a table for csv / json / parquet.

A shipment's quantity is the sum of its ``ShippedIn`` edges (one per traced sublot shipped in
it); a customer's is the sum over the shipments that went to it (``ShipsTo`` edges).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from plantledger.report.output import Column, Result

if TYPE_CHECKING:
    from plantledger.report.trace import TraceRow

TRACE_TABLE_COLUMNS = (
    Column("depth", "depth", "int"),
    Column("node_type", "node"),
    Column("node_key", "key"),
    Column("node_label", "label"),
    Column("parent_node_type", "parent node"),
    Column("parent_node_key", "parent key"),
    Column("relationship", "relationship"),
    Column("quantity", "quantity", "float"),
    Column("occurred_at", "at (UTC)", "instant"),
    Column("node_id", "node id", "int"),
    Column("parent_node_id", "parent id", "int"),
)

RECALL_COLUMNS = (
    Column("destination_type", "to"),
    Column("destination_key", "code"),
    Column("destination_name", "name"),
    Column("quantity", "quantity", "float"),
    Column("shipments", "shipments", "int", total="sum"),
    Column("first_shipped_at", "first shipped (UTC)", "instant"),
    Column("last_shipped_at", "last shipped (UTC)", "instant"),
)


def trace_frame(rows: Sequence[TraceRow]) -> pl.DataFrame:
    names = [column.name for column in TRACE_TABLE_COLUMNS]
    return pl.DataFrame(
        [[getattr(row, name) for name in names] for row in rows],
        schema={
            "depth": pl.Int32,
            "node_type": pl.String,
            "node_key": pl.String,
            "node_label": pl.String,
            "parent_node_type": pl.String,
            "parent_node_key": pl.String,
            "relationship": pl.String,
            "quantity": pl.Float64,
            "occurred_at": pl.Datetime("us", "UTC"),
            "node_id": pl.Int64,
            "parent_node_id": pl.Int64,
        },
        orient="row",
    )


def shipment_quantities(frame: pl.DataFrame) -> dict[int, float]:
    """Shipment node id -> quantity of the traced material shipped in it."""
    shipped = (
        frame.filter(pl.col("relationship") == "ShippedIn")
        .unique(["parent_node_id", "node_id"])
        .group_by("node_id")
        .agg(pl.col("quantity").sum())
    )
    return dict(zip(shipped["node_id"].to_list(), shipped["quantity"].to_list(), strict=True))


def recall_summary(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per customer or facility the traced material was shipped to."""
    shipped = (
        frame.filter(pl.col("relationship") == "ShippedIn")
        .unique(["parent_node_id", "node_id"])
        .group_by(pl.col("node_id").alias("shipment_id"))
        .agg(pl.col("quantity").sum(), pl.col("occurred_at").min().alias("shipped_at"))
    )
    destinations = (
        frame.filter(pl.col("relationship") == "ShipsTo")
        .unique(["parent_node_id", "node_type", "node_id"])
        .select(
            pl.col("node_type").str.to_lowercase().alias("destination_type"),
            pl.col("node_key").alias("destination_key"),
            pl.col("node_label").alias("destination_name"),
            pl.col("parent_node_id").alias("shipment_id"),
        )
    )
    return (
        destinations.join(shipped, on="shipment_id", how="left")
        .group_by("destination_type", "destination_key", "destination_name")
        .agg(
            pl.col("quantity").sum(),
            pl.col("shipment_id").n_unique().cast(pl.Int64).alias("shipments"),
            pl.col("shipped_at").min().alias("first_shipped_at"),
            pl.col("shipped_at").max().alias("last_shipped_at"),
        )
        .sort(["quantity", "destination_key"], descending=[True, False])
    )


def recall_result(frame: pl.DataFrame) -> Result:
    table: pa.Table = recall_summary(frame).to_arrow()
    return Result(
        "recall_by_customer",
        "Recall: where the traced material was shipped",
        table,
        RECALL_COLUMNS,
    )


def trace_result(frame: pl.DataFrame, direction: str, code: str, title: str) -> Result:
    summaries = [recall_result(frame)] if direction == "forward" else []
    return Result(
        "trace",
        title,
        frame.to_arrow(),
        TRACE_TABLE_COLUMNS,
        [title],
        {"direction": direction, "code": code},
        summaries,
    )
