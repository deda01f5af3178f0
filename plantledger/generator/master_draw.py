"""Small drawing helpers of the master-data builders: ids, dates and instants, picks from
pools and groups, counts split by shares, city lookups and company names."""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl
from faker import Faker

from plantledger.generator.catalogue import (
    CITIES,
    OTHER_COUNTRY_WEIGHT,
)
from plantledger.params import GenerationParams

Members = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
DAY_S = 86_400
US = 1_000_000
NAT = np.datetime64("NaT", "D")


def serial_ids(n: int) -> np.ndarray:
    return np.arange(1, n + 1, dtype=np.int64)


def dates_after(base: dt.date, offsets: np.ndarray, null: np.ndarray | None = None) -> np.ndarray:
    """Dates ``base + offsets`` (days) as datetime64[D]; ``null`` rows become NaT (null)."""
    out = np.datetime64(base, "D") + np.asarray(offsets, dtype=np.int64)
    if null is not None:
        out = np.where(null, NAT, out)
    return out


def instant_us(instant: dt.datetime) -> int:
    return (instant - EPOCH) // dt.timedelta(microseconds=1)


def instants(us: np.ndarray) -> pl.Series:
    """UTC timestamps from microseconds since the epoch."""
    return pl.Series(np.asarray(us, dtype=np.int64).astype("datetime64[us]")).dt.replace_time_zone(
        "UTC"
    )


def created_before(
    rng: np.random.Generator, params: GenerationParams, n: int, min_days: int, max_days: int
) -> pl.Series:
    """Whole-second UTC instants between ``max_days`` and ``min_days`` before history start."""
    seconds = rng.integers(min_days * DAY_S, max_days * DAY_S, n)
    return instants(instant_us(params.start_instant()) - seconds * US)


def pick(
    rng: np.random.Generator, values: Sequence[object], n: int, p: Sequence[float] | None = None
) -> np.ndarray:
    weights = None if p is None else np.asarray(p, dtype=float) / np.sum(p)
    return np.asarray(values)[rng.choice(len(values), n, p=weights)]


def group_members(keys: np.ndarray, ids: np.ndarray) -> Members:
    """Group ``ids`` by ``keys`` for :func:`pick_member`."""
    order = np.argsort(keys, kind="stable")
    uniq, starts, counts = np.unique(keys[order], return_index=True, return_counts=True)
    return uniq, starts, counts, ids[order]


def pick_member(rng: np.random.Generator, row_keys: np.ndarray, members: Members) -> np.ndarray:
    """A uniformly random member of each row's group; -1 where the group is empty."""
    uniq, starts, counts, sorted_ids = members
    pos = np.clip(np.searchsorted(uniq, row_keys), 0, len(uniq) - 1)
    found = uniq[pos] == row_keys
    offset = (rng.random(len(row_keys)) * counts[pos]).astype(np.int64)
    return np.where(found, sorted_ids[starts[pos] + offset], -1)


def expand(owner: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Repeat each owner ``counts`` times; returns (owner per row, 0-based index in owner)."""
    counts = np.asarray(counts, dtype=np.int64)
    rep = np.repeat(owner, counts)
    starts = np.cumsum(counts) - counts
    index = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(starts, counts)
    return rep, index


def split_counts(total: int, shares: Sequence[float], minimums: Sequence[int]) -> list[int]:
    """Integer counts near ``shares`` of ``total`` with per-class minimums (the largest class
    absorbs the rounding)."""
    counts = [max(m, int(round(total * s))) for s, m in zip(shares, minimums, strict=True)]
    largest = int(np.argmax(counts))
    counts[largest] += total - sum(counts)
    if counts[largest] < minimums[largest]:
        raise ValueError(f"cannot split {total} rows into {shares} with minimums {minimums}")
    return counts


def city_frame() -> pl.DataFrame:
    cols = list(zip(*CITIES, strict=True))
    names = ("city_code", "city", "state", "country", "timezone", "latitude", "longitude", "region")
    return pl.DataFrame(
        {name: list(col) for name, col in zip(names, cols, strict=True)},
        schema={
            "city_code": pl.String,
            "city": pl.String,
            "state": pl.String,
            "country": pl.String,
            "timezone": pl.String,
            "latitude": pl.Float64,
            "longitude": pl.Float64,
            "region": pl.String,
        },
    )


def city_index(cities: pl.DataFrame, names: Sequence[str]) -> np.ndarray:
    lookup = {c: i for i, c in enumerate(cities["city"].to_list())}
    return np.array([lookup[n] for n in names], dtype=np.int64)


def city_weights(cities: pl.DataFrame, country_weights: Mapping[str, float]) -> np.ndarray:
    weights = (
        cities.select(
            pl.col("country").replace_strict(
                country_weights, default=OTHER_COUNTRY_WEIGHT, return_dtype=pl.Float64
            )
            / pl.len().over("country")
        )
        .to_series()
        .to_numpy()
    )
    return weights / weights.sum()


def surname_pool(fake: Faker, n: int) -> np.ndarray:
    """About ``n`` distinct surnames (a constant-size pool, not one call per row)."""
    return np.array(list(dict.fromkeys(fake.last_name() for _ in range(n))))


def company_names(
    rng: np.random.Generator, pool: np.ndarray, suffixes: Sequence[str], n: int
) -> pl.Series:
    size = len(pool)
    ia = rng.integers(0, size, n)
    ib = (ia + rng.integers(1, size // 2, n)) % size
    ic = (ib + rng.integers(1, size // 2, n)) % size
    frame = pl.DataFrame(
        {
            "a": pool[ia],
            "b": pool[ib],
            "c": pool[ic],
            "s": pick(rng, suffixes, n),
            "p": rng.choice(4, n, p=[0.5, 0.25, 0.15, 0.1]),
        }
    )
    a, b, c, s, p = (pl.col(x) for x in "abcsp")
    return frame.select(
        pl.when(p == 0)
        .then(pl.format("{} {}", a, s))
        .when(p == 1)
        .then(pl.format("{}-{} {}", a, b, s))
        .when(p == 2)
        .then(pl.format("{} & {}", a, b))
        .otherwise(pl.format("{}, {} and {}", a, b, c))
        .alias("name")
    ).to_series()


def all_codes(letters: int) -> np.ndarray:
    alphabet = np.array(list(string.ascii_uppercase))
    n = 26**letters
    index = np.arange(n)
    out = alphabet[index % 26]
    for k in range(1, letters):
        out = np.char.add(alphabet[(index // 26**k) % 26], out)
    return out


def history_days(params: GenerationParams) -> int:
    return (params.end_date - params.history_start).days + 1


def z2(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).str.zfill(2)
