"""Which load a report's data reflects, and ``--known-at``: answering as the warehouse knew it
after an earlier load (docs block ``known_at`` in models/docs.md).

Loads are listed in ``marts.dim_loads`` (load 0 the initial generation, load k the k-th
``generate --append-days``). ``--known-at`` takes a load id or a date / instant: a day means
after that day (the newest load whose last day is that day or earlier), an instant the newest
load published (at the end of its last day, UTC) by then. Without it, reports answer as known
now, and say which load that is.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass

from plantledger.params import ParameterError
from plantledger.report.timeframe import format_instant, reader_today
from plantledger.report.warehouse import HistoryWindow, Warehouse
from plantledger.timephrase import PhraseError, parse_moment, zone


@dataclass(frozen=True)
class Load:
    load_id: int
    last_day: dt.date
    published_at: dt.datetime


@dataclass(frozen=True)
class DataLoad:
    """The load a report answers from: the newest one, or the one given to --known-at."""

    load: Load
    newest: Load
    built_at: dt.datetime  # when the warehouse file was last written
    known_at_text: str | None  # what --known-at said; None when answering as known now

    @property
    def known_at(self) -> int | None:
        """The load id to pass to the table macros; None when answering as known now."""
        return None if self.known_at_text is None else self.load.load_id

    def lines(self) -> list[str]:
        newest = f"load {self.newest.load_id} (data through {self.newest.last_day})"
        built = format_instant(self.built_at)
        if self.known_at is None:
            return [f"data: as known now, {newest}; warehouse built {built}"]
        return [
            f"known at {self.known_at_text!r}: as the warehouse knew it after load "
            f"{self.load.load_id} (data through {self.load.last_day}); newest is {newest}, "
            f"warehouse built {built}"
        ]

    def as_json(self) -> dict[str, object]:
        return {
            "known_at": self.known_at_text,
            "load_id": self.load.load_id,
            "load_last_day": self.load.last_day.isoformat(),
            "newest_load_id": self.newest.load_id,
            "newest_load_last_day": self.newest.last_day.isoformat(),
            "warehouse_built_at": self.built_at.isoformat(),
        }


def add_known_at_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--known-at",
        default=None,
        metavar="LOAD|WHEN",
        help="answer as the warehouse knew it after a load: a load id (0 is the initial "
        "generation), or a day ('2026-11-24': after that day) or an instant (the newest load "
        "published by then); default: as known now",
    )


def _loads(warehouse: Warehouse) -> list[Load]:
    rows = warehouse.rows(
        "select load_id, last_day, published_at from marts.dim_loads order by load_id"
    )
    if not rows:
        raise ParameterError(f"the warehouse {warehouse.path} lists no loads in marts.dim_loads")
    return [Load(int(i), day, at.astimezone(dt.UTC)) for i, day, at in rows]


def _by_instant(loads: list[Load], text: str, args: argparse.Namespace) -> Load:
    try:
        moment = parse_moment(text, reader_today(args))
    except PhraseError as exc:
        raise ParameterError(f"--known-at: {exc}; or give a load id") from None
    try:
        tz = zone(getattr(args, "tz", None) or "UTC")
    except PhraseError as exc:
        raise ParameterError(f"--tz: {exc}") from None
    instant = moment.period_end(tz) if moment.is_whole_day else moment.at_end(tz)
    published = [load for load in loads if load.published_at <= instant]
    if not published:
        raise ParameterError(
            f"--known-at {text!r}: no load was published by {format_instant(instant)} "
            f"(load {loads[0].load_id} was at {format_instant(loads[0].published_at)})"
        )
    return published[-1]


def data_load(warehouse: Warehouse, args: argparse.Namespace) -> DataLoad:
    """The load the report answers from (--known-at, else the newest), checked to exist."""
    loads = _loads(warehouse)
    built_at = dt.datetime.fromtimestamp(int(warehouse.path.stat().st_mtime), tz=dt.UTC)
    text = getattr(args, "known_at", None)
    if text is None:
        return DataLoad(loads[-1], loads[-1], built_at, None)
    text = text.strip()
    if text.isdigit():
        found = [load for load in loads if load.load_id == int(text)]
        if not found:
            raise ParameterError(
                f"--known-at {text}: no such load; the warehouse has loads "
                f"{loads[0].load_id} to {loads[-1].load_id} (marts.dim_loads)"
            )
        load = found[0]
    else:
        load = _by_instant(loads, text, args)
    return DataLoad(load, loads[-1], built_at, text)


def known_window(warehouse: Warehouse, data: DataLoad) -> HistoryWindow:
    """The span of the data as known at the load: what warehouse.window() says of now."""
    if data.known_at is None:
        return warehouse.window()
    first, last = warehouse.rows(
        "select min(entry_at), max(entry_at) from marts.fact_inventory_journal "
        "where recorded_load_id <= ?",
        [data.known_at],
    )[0]
    if first is None:
        raise ParameterError(f"the warehouse knew no journal entries after load {data.known_at}")
    last_day = last.astimezone(dt.UTC).date()
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return HistoryWindow(first.astimezone(dt.UTC), end)
