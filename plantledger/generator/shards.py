"""One part of a sharded generation: ``plantledger generate --shard I/N``.

The operations are simulated in plan shards (:func:`plantledger.generator.operations.
operation_plan`), each independent of the others. Shard I of N simulates the plan shards at
positions k with k mod N == I, so N machines share the work; the plan depends only on the
parameters, never on N. A shard folder is a raw folder whose manifest has a ``shard`` section:

- every master table, the same in every shard (each shard needs them to simulate; the combine
  step keeps shard 0's and refuses shards whose master tables differ);
- one part file per plan shard it holds, in plan order, for every table of
  :data:`~plantledger.generator.operations.SHARDED_TABLES`, byte for byte the part file a single
  run writes for that plan shard;
- ``inventory``: not the summary but this shard's stock per (facility, part) (``quantity_on_hand``
  only, the other columns null): the summary numbers rows over all plan shards, so the combine
  step (:mod:`plantledger.combine`) builds it.

A shard folder is not a data set: ``validate``, ``build`` and appends refuse it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from plantledger.generator.master import build_master
from plantledger.generator.operations import operation_plan, simulate_shards
from plantledger.params import GenerationParams, ParameterError
from plantledger.schema import RAW_SCHEMAS, cast_to_contract

MAX_SHARDS = 9999
_SHARD_TEXT = re.compile(r"^(\d{1,4})/(\d{1,4})$")
STOCK_COLUMNS = ("facility_id", "part_id", "quantity_on_hand")
"""The inventory columns a shard folder fills (its stock); the others are null."""


@dataclass(frozen=True)
class ShardPart:
    """Shard ``index`` (0-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def positions(self, plan_count: int) -> list[int]:
        """The plan shards this part holds: positions k with k mod count == index."""
        return [k for k in range(plan_count) if k % self.count == self.index]


def parse_shard(text: str) -> ShardPart:
    """``I/N`` with 0 <= I < N: shard I of N."""
    match = _SHARD_TEXT.match(text.strip())
    if match is None:
        raise ParameterError(
            f"--shard {text!r} is not I/N; give the shard's index (from 0) and the number of "
            f"shards, e.g. --shard 0/3"
        )
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or index >= count:
        raise ParameterError(
            f"--shard {text}: the index must be 0 to N-1 and N at least 1 (e.g. --shard 0/2)"
        )
    return ShardPart(index, count)


def stock_rows(stock: list[pl.DataFrame]) -> pl.DataFrame:
    """A shard folder's ``inventory`` rows: its stock per (facility, part), nothing else."""
    summed = (
        pl.concat(stock)
        .group_by("facility_id", "part_id")
        .agg(pl.col("quantity_on_hand").sum())
        .sort("facility_id", "part_id")
    )
    empty = [
        pl.lit(None, dtype).alias(column)
        for column, dtype in RAW_SCHEMAS["inventory"].items()
        if column not in STOCK_COLUMNS and column != "load_id"
    ]
    return cast_to_contract("inventory", summed.with_columns(empty), load_id=0)


def shard_generation(
    params: GenerationParams, part: ShardPart
) -> tuple[Iterator[tuple[str, pl.DataFrame]], dict[str, Any]]:
    """The pieces of shard ``part`` and its manifest section; ParameterError when the plan has
    fewer plan shards than ``part.count`` (a shard would be empty)."""
    master = build_master(params)
    plan = operation_plan(params, master)
    if part.count > len(plan):
        raise ParameterError(
            f"--shard {part}: at scale {params.scale:g} the generation has {len(plan)} plan "
            f"shard(s), so it splits into at most {len(plan)}; use N <= {len(plan)} (or no "
            f"--shard)"
        )
    positions = part.positions(len(plan))
    record = {
        "index": part.index,
        "count": part.count,
        "plan_shards": positions,
        "plan_shard_count": len(plan),
    }

    def pieces() -> Iterator[tuple[str, pl.DataFrame]]:
        for table, frame in master.items():
            yield table, cast_to_contract(table, frame, load_id=0)
        stock: list[pl.DataFrame] = []
        for table, frame in simulate_shards(params, master, plan, positions, stock):
            yield table, cast_to_contract(table, frame, load_id=0)
        yield "inventory", stock_rows(stock)

    return pieces(), record
