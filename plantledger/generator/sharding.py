"""Generation in shards of factories, so memory stays flat as the scale grows.

Every factory's orders, work orders, material flows and finished goods live in one shard. Each
shard numbers its rows in a lane of its own (:class:`Counters`): with S shards in the plan, the
shard at position k gives ids k + 1, k + 1 + S, k + 1 + 2S, ... and likewise the numbers of the
year-based codes (WO-2024-00001...); a feed's ids (FEED_TABLES) come in blocks instead. So a
shard's ids do not depend on the other shards and the shards can be generated apart
(``plantledger generate --shard I/N``, :mod:`plantledger.generator.shards`). With one shard
(scale <= SHARD_SCALE) the lanes are the plain 1, 2, 3..."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import polars as pl

from plantledger.params import GenerationParams

SHARD_SCALE = 1.0
"""At most this much of the plan's volume per shard."""
FEED_BLOCK = 10**12
"""Ids per shard of the tables in FEED_TABLES: more rows than a shard can hold (all PLC events
at the largest scale, 1000, are about 2 * 10^9)."""
FEED_TABLES = frozenset({"plc_tag_events"})
"""Tables whose files are a feed in ascending id order (validate's ``file_order`` check): their
ids come in blocks, shard k numbering k * FEED_BLOCK + 1, + 2, ..., so the part files, written
in plan order, stay in ascending id order; the other tables' ids interleave."""


@dataclass(frozen=True)
class Shard:
    index: int
    factory_ids: tuple[int, ...]
    weight: float
    """This shard's share of the production volume (its factories' share of products)."""
    has_named: bool

    def stream(self, name: str) -> str:
        return f"{name}/{self.index}"

    def volume(self, params: GenerationParams, base: float, minimum: int = 1) -> int:
        return max(minimum, int(round(base * params.scale * self.weight)))


class Counters:
    """Running ids per table and running sequence numbers per (prefix, year), in one lane.

    The n-th row (n = 1, 2, ...) of a table in lane ``lane`` of ``lanes`` gets the id
    ``(n - 1) * lanes + lane + 1`` (``lane * FEED_BLOCK + n`` in FEED_TABLES); the n-th
    generated code of a year the number ``reserved + (n - 1) * lanes + lane + 1``. One lane
    (the default) numbers 1, 2, 3...
    """

    def __init__(
        self,
        reserved: dict[tuple[str, int], int] | None = None,
        next_ids: dict[str, int] | None = None,
        lane: int = 0,
        lanes: int = 1,
    ) -> None:
        """``reserved``: numbers already used per (prefix, year); ``next_ids``: the first id
        to give per table (an append continues past the ids of earlier loads; one lane only);
        ``lane``, ``lanes``: this shard's position in the plan and the plan's shard count."""
        if not 0 <= lane < lanes or (next_ids and lanes != 1):
            raise ValueError(f"lane {lane} of {lanes} (next_ids need a single lane)")
        self._lane, self._lanes = lane, lanes
        self._next: defaultdict[str, int] = defaultdict(lambda: 1, next_ids or {})
        self._reserved: dict[tuple[str, int], int] = dict(reserved or {})
        self._seq: defaultdict[tuple[str, int], int] = defaultdict(int)

    def _in_lane(self, local: pl.Expr, table: str | None = None) -> pl.Expr:
        """The number of a lane's ``local``-th row (1-based) of ``table`` (None: a code)."""
        if self._lanes == 1:
            return local
        if table in FEED_TABLES:
            return local + self._lane * FEED_BLOCK
        return (local - 1) * self._lanes + (self._lane + 1)

    def next_id(self, table: str) -> int:
        """The id the next row of ``table`` gets."""
        return pl.select(self._in_lane(pl.lit(self._next[table], pl.Int64), table)).item()

    def with_ids(self, table: str, frame: pl.DataFrame, name: str = "id") -> pl.DataFrame:
        """Number ``frame``'s rows in their current order, continuing this lane's ids."""
        first = self._next[table]
        self._next[table] = first + frame.height
        if self._lanes > 1 and table in FEED_TABLES and self._next[table] > FEED_BLOCK:
            raise AssertionError(f"{table}: a shard holds more than {FEED_BLOCK} rows")
        local = pl.col(name).cast(pl.Int64) + first
        return frame.with_row_index(name).with_columns(self._in_lane(local, table).alias(name))

    def sequence(self, prefix: str, frame: pl.DataFrame, year: str, keep: pl.Expr) -> pl.Series:
        """Per-year running numbers for the rows where ``keep`` holds (null elsewhere)."""
        kept = frame.select(pl.col(year), keep.alias("_keep")).with_row_index("_pos")
        numbered = kept.filter(pl.col("_keep")).with_columns(
            _seq=pl.int_range(1, pl.len() + 1).over(year)
        )
        years = numbered[year].unique().to_list()
        offsets = {y: self._seq[(prefix, y)] for y in years}
        reserved = {y: self._reserved.get((prefix, y), 0) for y in years}
        local = pl.col("_seq") + pl.col(year).replace_strict(offsets, return_dtype=pl.Int64)
        numbered = numbered.with_columns(
            _seq=self._in_lane(local) + pl.col(year).replace_strict(reserved, return_dtype=pl.Int64)
        )
        for y, n in numbered.group_by(year).agg(pl.len()).iter_rows():
            self._seq[(prefix, y)] += n
        return kept.join(
            numbered.select("_pos", "_seq"), on="_pos", how="left", maintain_order="left"
        )["_seq"]


def plan_shards(
    params: GenerationParams, homes: pl.DataFrame, named_homes: set[int]
) -> list[Shard]:
    """Split factories (with their products) into shards of about SHARD_SCALE volume each."""
    per_factory = homes.group_by("facility_id").agg(pl.len().alias("n")).sort("facility_id")
    total = per_factory["n"].sum()
    n_shards = max(1, min(per_factory.height, math.ceil(params.scale / SHARD_SCALE)))
    named_first = per_factory.sort(~pl.col("facility_id").is_in(list(named_homes)), "facility_id")
    groups: list[list[tuple[int, int]]] = [[] for _ in range(n_shards)]
    for i, (fac, n) in enumerate(named_first.iter_rows()):
        groups[0 if fac in named_homes else i % n_shards].append((fac, n))
    return [
        Shard(
            index=i,
            factory_ids=tuple(f for f, _ in g),
            weight=sum(n for _, n in g) / total,
            has_named=i == 0,
        )
        for i, g in enumerate(groups)
        if g
    ]
