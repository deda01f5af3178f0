"""Small vectorised helpers shared by the operations simulation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import polars as pl

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR


def to_us(instant: dt.datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime."""
    return int(instant.timestamp()) * US_PER_SECOND + instant.microsecond


def us_to_ts(expr: pl.Expr) -> pl.Expr:
    """An Int64 microsecond expression as a UTC timestamp."""
    return pl.from_epoch(expr, time_unit="us").dt.replace_time_zone("UTC")


def us_to_date(expr: pl.Expr) -> pl.Expr:
    return us_to_ts(expr).dt.date()


def choice(
    rng: np.random.Generator, values: Sequence[object], weights: Sequence[float], n: int
) -> np.ndarray:
    """``n`` draws from ``values`` with the given (relative) weights."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(np.asarray(values, dtype=object), size=n, p=p / p.sum())


def pick_in_group(
    rows: pl.DataFrame,
    candidates: pl.DataFrame,
    key: str,
    value: str,
    out: str,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """For every row, a uniformly random ``value`` among the candidates sharing its ``key``.

    Raises when a row's key has no candidate: that is a bug in the master data, never a reason
    to drop the row.
    """
    cands = candidates.select(key, value).sort(key, value)
    offsets = (
        cands.with_row_index("_pos")
        .group_by(key)
        .agg(pl.col("_pos").min().alias("_off"), pl.len().alias("_cnt"))
    )
    joined = rows.join(offsets, on=key, how="left", maintain_order="left")
    if joined["_cnt"].null_count():
        missing = joined.filter(pl.col("_cnt").is_null())[key].unique().to_list()[:5]
        raise ValueError(f"no {value} candidates for {key} in {missing}")
    u = rng.random(joined.height)
    pos = (joined["_off"].to_numpy() + np.floor(u * joined["_cnt"].to_numpy())).astype(np.int64)
    picked = cands[value].to_numpy()[pos]
    return joined.drop("_off", "_cnt").with_columns(pl.Series(out, picked))


def uniform_us(rng: np.random.Generator, low: np.ndarray | int, high: np.ndarray | int, n: int):
    """Uniform integer microseconds in [low, high) (arrays broadcast)."""
    low_a = np.broadcast_to(np.asarray(low, dtype=np.int64), (n,))
    high_a = np.broadcast_to(np.asarray(high, dtype=np.int64), (n,))
    span = np.maximum(high_a - low_a, 1)
    return low_a + (rng.random(n) * span).astype(np.int64)


def jitter(
    rng: np.random.Generator, low: np.ndarray | int, high: np.ndarray | int, n: int
) -> pl.Series:
    """:func:`uniform_us` as a Series, to add to a column of instants."""
    return pl.Series(uniform_us(rng, low, high, n))


def epoch_us(column: str) -> pl.Expr:
    """The instants of ``column`` as microseconds since the epoch."""
    return pl.col(column).dt.epoch("us")


def format_codes(prefix: str, ids: pl.Expr, width: int) -> pl.Expr:
    """``prefix`` followed by the zero-padded id, e.g. SL-000000123."""
    return pl.lit(prefix) + ids.cast(pl.String).str.zfill(width)


def partners(
    routes: pl.DataFrame, key: str, value: str, keys: pl.Series, fallback: pl.Series
) -> pl.DataFrame:
    """Candidate ``value`` per ``key`` from transport routes, so flows follow real lanes; a key
    with no lane at all gets every ``fallback`` value instead."""
    lanes = (
        routes.select(pl.col(key), pl.col(value))
        .filter(pl.col(value).is_in(fallback.implode()))
        .unique()
        .sort(key, value)
    )
    lonely = keys.unique().filter(~keys.unique().is_in(lanes[key].implode())).sort()
    filler = pl.DataFrame({key: lonely}).join(
        pl.DataFrame({value: fallback.sort()}), how="cross", maintain_order="left_right"
    )
    return pl.concat([lanes, filler.cast(lanes.schema)])
