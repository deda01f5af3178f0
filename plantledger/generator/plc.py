"""PLC tag events of conveyor stays: a position's ``<location>.SublotID`` tag set to the sublot that
arrives and cleared when it leaves unreplaced, and the instant the OPC UA server recorded each
change (one tag's changes in the order the PLC made them).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_SECOND,
    jitter,
    us_to_ts,
)
from plantledger.generator.sharding import Counters
from plantledger.generator.stock_rules import Locations


def plc_changes(stays: pl.DataFrame, end: int) -> pl.DataFrame:
    """The PLC tag changes of conveyor stays (pos_loc, sublot_key, t, clear): an arrival sets
    the position's tag to the sublot (unless it arrived before, ``pre``), a departure nobody
    replaces at the same instant clears it (a replacement shows as one change from one id to
    the other); nothing after ``end``."""
    s = stays.sort("pos_loc", "enter_us").with_columns(
        next_enter=pl.col("enter_us").shift(-1).over("pos_loc")
    )
    arrivals = s.filter(~pl.col("pre")).select(
        "pos_loc", "sublot_key", t="enter_us", clear=pl.lit(False)
    )
    leaves = s.filter(
        pl.col("next_enter").is_null() | (pl.col("next_enter") != pl.col("leave_us"))
    ).select("pos_loc", "sublot_key", t="leave_us", clear=pl.lit(True))
    return pl.concat([arrivals, leaves], how="vertical_relaxed").filter(pl.col("t") <= end)


def tag_changes(
    stays: pl.DataFrame, codes: pl.DataFrame, locs: Locations, end: int
) -> pl.DataFrame:
    """:func:`plc_changes` with the position's tag_name and the value set (the sublot's code;
    null when cleared); ``codes``: sublot_key, sublot_code."""
    tags = locs.frame.select(
        pl.col("id").alias("pos_loc"), tag_name=pl.col("location_code") + ".SublotID"
    )
    return (
        plc_changes(stays, end)
        .join(codes, on="sublot_key", how="left", maintain_order="left")
        .join(tags, on="pos_loc", how="left", maintain_order="left")
        .with_columns(
            value=pl.when(pl.col("clear")).then(pl.lit(None, pl.String)).otherwise("sublot_code")
        )
    )


def with_server_instants(changes: pl.DataFrame, latency_us: pl.Series, end: int) -> pl.DataFrame:
    """``changes`` (in any row order) with ``server``, when the OPC UA server recorded each tag
    change: ``latency_us`` after the PLC made it (``t``), yet strictly after the server recorded
    the tag's previous change (one tag's changes reach the server in the order the PLC makes
    them; an event seen after the tag's next one is the ``plc_out_of_order`` fault), and never
    after ``end``. Per tag, ``s_k = max(seen_k, s_(k-1) + 1)``, which is ``k + cummax(seen - k)``.
    """
    position = pl.int_range(pl.len(), dtype=pl.Int64).over("pos_loc")
    monotone = (pl.col("_seen") - pl.col("_k")).cum_max().over("pos_loc") + pl.col("_k")
    return (
        changes.with_columns(_seen=pl.col("t") + latency_us)
        .sort("pos_loc", "t", "clear", maintain_order=True)
        .with_columns(_k=position)
        .with_columns(server=pl.min_horizontal(monotone, pl.lit(end)))
        .drop("_seen", "_k")
    )


def plc_tag_rows(changes: pl.DataFrame, counters: Counters) -> pl.DataFrame:
    """plc_tag_events rows of :func:`tag_changes` with a ``server`` instant, ids in the order
    given."""
    e = counters.with_ids("plc_tag_events", changes)
    return e.select(
        "id",
        "tag_name",
        storage_location_id="pos_loc",
        value="value",
        source_timestamp=us_to_ts(pl.col("t")),
        server_timestamp=us_to_ts(pl.col("server")),
        quality=pl.lit("good"),
    )


def plc_events(
    stays: pl.DataFrame,
    codes: pl.DataFrame,
    locs: Locations,
    rng: np.random.Generator,
    end_us: int,
    counters: Counters,
) -> pl.DataFrame:
    """One tag change per arrival; a change to nil when a sublot leaves and nobody replaces
    it in the same instant."""
    e = tag_changes(stays, codes, locs, end_us)
    latency = jitter(rng, 5_000, 2 * US_PER_SECOND, e.height)
    e = with_server_instants(e, latency, end_us)
    return plc_tag_rows(e.sort("server", "tag_name", "t"), counters)
