"""What every step of a daily load shares: the window it adds, its result, the context (parameters,
state, master data, counters, random streams) and small column helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    to_us,
)
from plantledger.generator.sharding import Counters
from plantledger.generator.state import RawState
from plantledger.generator.stock_rules import Locations
from plantledger.params import GenerationParams

LATE_DAYS = 3
"""By default late events are dated at most this many days before the window (the warehouse's
lookback); ``Window.late_days`` (``generate --late-days D``) sets another bound."""
MAX_LATE_DAYS = 366
"""The largest ``--late-days``."""
LATE_SHARE = 0.025
"""The share of a load's events that are late (at least one when a late event is possible)."""
EVENT_TIMES: dict[str, str] = {
    "supplier_receipts": "received_at",
    "sublot_movements": "moved_at",
    "material_transactions": "created_at",
    "shipment_sublots": "",  # the shipped_at of its shipment
    "plc_tag_events": "source_timestamp",
}
"""The event tables and the column of their event time."""
I64 = pl.Int64


@dataclass(frozen=True)
class Window:
    """The days an append adds, and its load id."""

    load_id: int
    first_day: dt.date
    last_day: dt.date
    late_days: int = LATE_DAYS
    """Late events are dated at most this many days before ``first_day``."""

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def start_us(self) -> int:
        return to_us(dt.datetime.combine(self.first_day, dt.time(), tzinfo=dt.UTC))

    @property
    def end_us(self) -> int:
        return to_us(
            dt.datetime.combine(self.last_day, dt.time(23, 59, 59, 999_999), tzinfo=dt.UTC)
        )

    @property
    def late_us(self) -> int:
        """The earliest instant a late event may have."""
        return self.start_us - self.late_days * US_PER_DAY


@dataclass(frozen=True)
class AppendResult:
    tables: dict[str, pl.DataFrame]
    """The load's rows of every table, cast to the contract (``load_id`` = the load)."""
    events: int
    late_events: int


@dataclass
class Ctx:
    params: GenerationParams
    window: Window
    state: RawState
    master: dict[str, pl.DataFrame]
    locs: Locations
    counters: Counters
    next_key: int

    @property
    def ws(self) -> int:
        return self.window.start_us

    @property
    def end(self) -> int:
        return self.window.end_us

    def rng(self, name: str) -> np.random.Generator:
        return self.params.rng(f"append/{self.window.load_id}/{name}")

    def keys(self, n: int) -> pl.Series:
        """``n`` fresh temporary sublot keys (above every existing sublot id)."""
        first = self.next_key
        self.next_key += n
        return pl.Series("sublot_key", np.arange(first, first + n, dtype=np.int64))


def changed_rows(now: pl.DataFrame, before: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """The rows of ``now`` that are new or differ from their current version in ``before``."""
    cols = now.columns
    old = before.select(cols).cast(dict(now.schema))
    return now.join(old, on=cols, how="anti", nulls_equal=True, maintain_order="left").sort(key)
