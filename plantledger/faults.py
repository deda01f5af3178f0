"""Fault injection: corrupt a known fraction of the generated rows on purpose, and record which.

``plantledger generate --faults SPEC`` wraps the generator's stream of ``(table, frame)`` pieces
in a :class:`FaultInjector` before they are written; the simulation itself stays clean. SPEC is

- a rate, ``0.01``: every fault kind, each on that fraction of its eligible rows;
- ``all``: every fault kind at the default rate (``DEFAULT_RATE``);
- a comma-separated list of kinds, each optionally with its own rate:
  ``duplicate_events,plc_out_of_order`` or ``bad_quantity=0.05,future_timestamp``.

A kind applies its rate to the eligible rows of each table it touches, per generated piece
(stochastic rounding, so the expected count is exactly rate x eligible) and touches at least
one row per table that has eligible rows. The choice is deterministic: every (kind, table)
draws from its own random stream, ``params.rng("faults/<kind>/<table>")``, so the same seed and
SPEC give byte-identical files and manifest, and adding a kind does not move the others.

Faulty rows are NEW rows wherever the fault is about a wrong value: a copy of a real row, given
a fresh id (above the table's largest) and a fresh document number, then corrupted in exactly
one way. The real rows stay as they were, so the clean data stays consistent and the warehouse
can prove its balances on the rows it accepts. Only the kinds that are about ordering or missing
events change real rows: ``plc_out_of_order`` (file position and ``server_timestamp`` of the
chosen events; ``source_timestamp`` stays the truth) and ``plc_missing_nil`` (drops events).
Exact duplicates repeat a real row, id included, right after the original.

What was done goes into the manifest's ``faults`` section (see :meth:`FaultInjector.record`):
per kind its rate and, per table, the eligible rows, the count and the ids (for added rows also
the id of the real row each was copied from). ``docs/faults.md`` says what the warehouse must do
with each kind.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from plantledger.params import GenerationParams, ParameterError
from plantledger.schema import RAW_SCHEMAS, TABLES, cast_to_contract

DEFAULT_RATE = 0.01

MOVEMENTS = "sublot_movements"
TRANSACTIONS = "material_transactions"
RECEIPTS = "supplier_receipts"
PLC = "plc_tag_events"

# how the rows named by ``ids`` in the manifest were affected
ADDED = "added"  # new rows with fresh ids; ``copied_from`` names the real row each copies
DUPLICATED = "duplicated"  # one extra exact copy (same id) of each listed row
REMOVED = "removed"  # the listed rows were dropped
REORDERED = "reordered"  # the listed rows moved later in the file, server_timestamp later


@dataclass(frozen=True)
class FaultKind:
    name: str
    tables: tuple[str, ...]
    rows: str
    summary: str


KINDS: dict[str, FaultKind] = {
    kind.name: kind
    for kind in (
        FaultKind(
            "duplicate_events",
            (MOVEMENTS, TRANSACTIONS, PLC, RECEIPTS),
            DUPLICATED,
            "an exact copy of an event row, id included, right after the original",
        ),
        FaultKind(
            "plc_out_of_order",
            (PLC,),
            REORDERED,
            "a PLC event moved 1-1000 rows later in the file, its server_timestamp after the "
            "next event's on the same tag (source_timestamp unchanged)",
        ),
        FaultKind(
            "plc_repeated_values",
            (PLC,),
            ADDED,
            "an extra PLC event repeating the tag's current value, between that event and the "
            "tag's next one",
        ),
        FaultKind(
            "plc_missing_nil",
            (PLC,),
            REMOVED,
            "a 'value -> null' PLC event dropped where the sublot appears at another position "
            "at the same instant (it still moves)",
        ),
        FaultKind(
            "unknown_sublot",
            (MOVEMENTS,),
            ADDED,
            "a movement naming a material_sublot_id that does not exist",
        ),
        FaultKind(
            "unknown_location",
            (MOVEMENTS,),
            ADDED,
            "a movement whose from_location_id or to_location_id does not exist",
        ),
        FaultKind(
            "bad_quantity",
            (MOVEMENTS, TRANSACTIONS),
            ADDED,
            "a movement or material transaction with quantity 0 or negative",
        ),
        FaultKind(
            "future_timestamp",
            (MOVEMENTS, TRANSACTIONS, PLC, RECEIPTS),
            ADDED,
            "an event dated 1 s to 30 days after the end of the history",
        ),
        FaultKind(
            "missing_work_order",
            (TRANSACTIONS,),
            ADDED,
            "a material transaction pointing at a work_order_id that does not exist",
        ),
        FaultKind(
            "over_quantity",
            (MOVEMENTS,),
            ADDED,
            "a whole-sublot movement 1 us before a real one, moving more than the sublot holds",
        ),
    )
}

# the event time of each table (PLC events also get a server_timestamp)
EVENT_TIME = {MOVEMENTS: "moved_at", TRANSACTIONS: "created_at", RECEIPTS: "received_at"}
EVENT_TIME[PLC] = "source_timestamp"
# movements that carry the sublot's whole quantity from a physical location
WHOLE_MOVES = ("putaway", "bin_transfer", "replenish_to_line", "pick")
# parents whose largest id bounds the "unknown" ids
PARENTS = ("material_sublots", "storage_locations", "work_orders")

_US = 1_000_000
_FUTURE_MAX_US = 30 * 86_400 * _US
_OOO_MAX_ROWS = 1000
_OOO_DELAY_US = (1_000, 500_000)  # server_timestamp this much after the next event's


# --- the specification -------------------------------------------------------------------------


@dataclass(frozen=True)
class FaultSpec:
    """Which fault kinds to inject at which rate, as given on the command line."""

    text: str
    rates: dict[str, float]


def _usage() -> str:
    return (
        f"give a rate such as 0.01, 'all', or fault kinds such as "
        f"duplicate_events,bad_quantity=0.05 (kinds: {', '.join(KINDS)})"
    )


def _parse_rate(text: str, what: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        raise ParameterError(
            f"--faults: the rate of {what} must be a number such as 0.01, got {text!r}"
        ) from None
    if not math.isfinite(rate) or not 0 < rate <= 1:
        raise ParameterError(
            f"--faults: the rate of {what} must be greater than 0 and at most 1, got {text}"
        )
    return rate


def parse_faults(text: str) -> FaultSpec:
    """Parse ``--faults``; raises ParameterError (one line) on anything unclear."""
    spec = text.strip()
    if not spec:
        raise ParameterError(f"--faults is empty; {_usage()}")
    if spec == "all":
        return FaultSpec(spec, dict.fromkeys(KINDS, DEFAULT_RATE))
    if spec[0].isdigit() or spec[0] in ".-+":
        rate = _parse_rate(spec, "every fault kind")
        return FaultSpec(spec, dict.fromkeys(KINDS, rate))
    rates: dict[str, float] = {}
    for item in spec.split(","):
        name, sep, rate_text = (part.strip() for part in item.partition("="))
        if name not in KINDS:
            shown = name if name else "(empty)"
            raise ParameterError(f"--faults: unknown fault kind {shown!r}; {_usage()}")
        if name in rates:
            raise ParameterError(f"--faults names {name} twice; give each kind once")
        rates[name] = _parse_rate(rate_text, name) if sep else DEFAULT_RATE
    return FaultSpec(spec, {kind: rates[kind] for kind in KINDS if kind in rates})


# --- the injector ------------------------------------------------------------------------------


@dataclass
class _Entry:
    eligible: int = 0
    sources: list[int] = field(default_factory=list)  # affected ids / ids copied from
    ids: list[int] = field(default_factory=list)  # fresh ids of added rows


class FaultInjector:
    """Wraps a stream of pieces, injecting faults; :meth:`record` says what it did.

    Real pieces pass through (changed where a kind changes real rows); the added rows of each
    table follow as one extra piece per table at the end of the stream, once the largest ids of
    every table are known.
    """

    def __init__(self, spec: FaultSpec, params: GenerationParams) -> None:
        self.spec = spec
        self.params = params
        self.end = params.end_instant()
        self._rngs: dict[tuple[str, str], np.random.Generator] = {}
        self._entries: dict[tuple[str, str], _Entry] = {
            (kind, table): _Entry() for kind in spec.rates for table in KINDS[kind].tables
        }
        self._pending: dict[tuple[str, str], list[pl.DataFrame]] = {}
        self._max_id: dict[str, int] = {}
        self._done = False

    # -- stream ---------------------------------------------------------------------------------

    def wrap(
        self, pieces: Iterable[tuple[str, pl.DataFrame]]
    ) -> Iterator[tuple[str, pl.DataFrame]]:
        for table, frame in pieces:
            if "id" in frame.columns and frame.height:
                top = frame["id"].max()
                if top is not None:
                    self._max_id[table] = max(self._max_id.get(table, 0), int(top))
            kinds = [k for k in self.spec.rates if table in KINDS[k].tables]
            if kinds and frame.height:
                frame = cast_to_contract(table, self._inject(table, frame, kinds))
            yield table, frame
        yield from self._added_pieces()
        self._done = True

    def record(self) -> dict[str, Any]:
        """The manifest's ``faults`` section; call it after the stream was consumed."""
        if not self._done:
            raise RuntimeError("FaultInjector.record() called before every piece was consumed")
        kinds: dict[str, Any] = {}
        for kind, rate in self.spec.rates.items():
            tables: dict[str, Any] = {}
            for table in KINDS[kind].tables:
                entry = self._entries[(kind, table)]
                item: dict[str, Any] = {"eligible": entry.eligible, "count": len(entry.sources)}
                if KINDS[kind].rows == ADDED:
                    item["ids"] = entry.ids
                    item["copied_from"] = entry.sources
                else:
                    item["ids"] = entry.sources
                tables[table] = item
            kinds[kind] = {
                "rate": rate,
                "rows": KINDS[kind].rows,
                "count": sum(t["count"] for t in tables.values()),
                "tables": tables,
            }
        return {"spec": self.spec.text, "kinds": kinds}

    # -- helpers --------------------------------------------------------------------------------

    def _rng(self, kind: str, table: str) -> np.random.Generator:
        key = (kind, table)
        if key not in self._rngs:
            self._rngs[key] = self.params.rng(f"faults/{kind}/{table}")
        return self._rngs[key]

    def _choose(self, kind: str, table: str, candidates: np.ndarray) -> np.ndarray:
        """Positions chosen among ``candidates``: rate x eligible, at least one per table."""
        entry = self._entries[(kind, table)]
        eligible = len(candidates)
        entry.eligible += eligible
        if eligible == 0:
            return np.empty(0, dtype=np.int64)
        rng = self._rng(kind, table)
        expected = self.spec.rates[kind] * eligible
        count = int(expected)
        if rng.random() < expected - count:
            count += 1
        if count == 0 and not entry.sources:
            count = 1
        chosen = rng.choice(np.asarray(candidates, dtype=np.int64), min(count, eligible), False)
        return np.sort(chosen)

    def _add_pending(self, kind: str, table: str, rows: pl.DataFrame) -> None:
        """Queue copies (with a ``_from`` column naming the real row) to corrupt at the end."""
        if rows.height:
            self._entries[(kind, table)].sources.extend(rows["_from"].to_list())
            self._pending.setdefault((kind, table), []).append(rows)

    # -- per piece ------------------------------------------------------------------------------

    def _inject(self, table: str, frame: pl.DataFrame, kinds: list[str]) -> pl.DataFrame:
        base = frame.with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))
        reorder: dict[int, float] = {}  # file position -> sort key of the moved row
        if table == PLC:
            base, reorder = self._inject_plc(base, kinds)
        for kind in kinds:
            if KINDS[kind].rows != ADDED or kind == "plc_repeated_values":
                continue
            candidates = np.arange(base.height)
            if kind == "over_quantity":
                mask = base["movement_type"].is_in(WHOLE_MOVES).to_numpy()
                candidates = candidates[mask]
            chosen = self._choose(kind, table, candidates)
            rows = base[chosen].with_columns(_from=pl.col("id"))
            self._add_pending(kind, table, rows.drop("_i"))
        keys = np.arange(base.height, dtype=np.float64)
        for position, key in reorder.items():
            keys[position] = key
        parts = [base.drop("_i").with_columns(_key=pl.Series(keys))]
        if "duplicate_events" in kinds:
            chosen = self._choose("duplicate_events", table, np.arange(base.height))
            self._entries[("duplicate_events", table)].sources.extend(
                base["id"].gather(chosen).to_list()
            )
            parts.append(base[chosen].drop("_i").with_columns(_key=pl.Series(chosen + 0.25)))
        return pl.concat(parts).sort("_key", maintain_order=True).drop("_key")

    def _inject_plc(
        self, base: pl.DataFrame, kinds: list[str]
    ) -> tuple[pl.DataFrame, dict[int, float]]:
        """Missing nils, repeated values and out-of-order events on one piece of PLC events."""
        loc = pl.col("storage_location_id")
        seq = base.sort("storage_location_id", "source_timestamp", "id").with_columns(
            _prev=pl.col("value").shift(1).over(loc),
            _next_ts=pl.col("source_timestamp").shift(-1).over(loc),
        )
        dropped = np.empty(0, dtype=np.int64)
        if "plc_missing_nil" in kinds:
            arrivals = seq.filter(pl.col("value").is_not_null()).select(
                _prev="value", source_timestamp="source_timestamp", _to="storage_location_id"
            )
            candidates = (
                seq.filter(pl.col("value").is_null() & pl.col("_prev").is_not_null())
                .join(arrivals, on=["_prev", "source_timestamp"], how="inner")
                .filter(pl.col("_to") != loc)
                .select("_i")
                .unique()
                .sort("_i")["_i"]
                .to_numpy()
            )
            dropped = self._choose("plc_missing_nil", PLC, candidates)
            self._entries[("plc_missing_nil", PLC)].sources.extend(
                base["id"].gather(dropped).to_list()
            )
        if "plc_repeated_values" in kinds:
            # bounded by the tag's next event in the clean data, so a repeat never lands after
            # a dropped nil (where it would look like the sublot coming back)
            gap = (pl.col("_next_ts") - pl.col("source_timestamp")).dt.total_microseconds()
            eligible = seq.filter(
                pl.col("_next_ts").is_not_null() & (gap >= 2) & ~pl.col("_i").is_in(dropped)
            ).sort("_i")
            chosen = self._choose("plc_repeated_values", PLC, eligible["_i"].to_numpy())
            rows = eligible.filter(pl.col("_i").is_in(chosen)).sort("_i")
            rng = self._rng("plc_repeated_values", PLC)
            spans = (rows["_next_ts"] - rows["source_timestamp"]).dt.total_microseconds()
            spans_np = spans.to_numpy()
            offsets = np.maximum(1, np.floor(rng.uniform(0.1, 0.9, rows.height) * spans_np))
            source = rows["source_timestamp"] + pl.Series(offsets.astype(np.int64)).cast(
                pl.Duration("us")
            )
            latency = rows["server_timestamp"] - rows["source_timestamp"]
            server = (source + latency).clip(upper_bound=self.end)
            repeats = rows.select(list(RAW_SCHEMAS[PLC])).with_columns(
                source_timestamp=source, server_timestamp=server, _from=rows["id"]
            )
            self._add_pending("plc_repeated_values", PLC, repeats)
        if dropped.size:
            base = base.filter(~pl.col("_i").is_in(dropped))
        base = base.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("_i"))
        reorder: dict[int, float] = {}
        if "plc_out_of_order" in kinds:
            seq = base.sort("storage_location_id", "source_timestamp", "id").with_columns(
                _next_server=pl.col("server_timestamp").shift(-1).over(loc),
                _next_i=pl.col("_i").shift(-1).over(loc),
            )
            latest = self.end - dt.timedelta(seconds=1)
            eligible = seq.filter(
                pl.col("_next_server").is_not_null()
                & (pl.col("_next_server") <= latest)
                & (pl.col("_i") < base.height - 1)
            ).sort("_i")
            chosen = self._choose("plc_out_of_order", PLC, eligible["_i"].to_numpy())
            rows = eligible.filter(pl.col("_i").is_in(chosen))
            # an event whose successor is chosen too would be overtaken again: keep the later
            rows = rows.filter(~pl.col("_next_i").is_in(chosen)).sort("_i")
            rng = self._rng("plc_out_of_order", PLC)
            delays = rng.integers(*_OOO_DELAY_US, rows.height)
            offsets = rng.integers(1, _OOO_MAX_ROWS + 1, rows.height)
            # land `offset` rows later, counting only rows that stay, so each moved event ends up
            # after an event with a larger id; an event with no staying row after it stays put
            positions = rows["_i"].to_numpy()
            moved = np.zeros(base.height, dtype=bool)
            moved[positions] = True
            anchors = np.flatnonzero(~moved)
            first = np.searchsorted(anchors, positions, side="right")
            keep = first < len(anchors)
            landing = anchors[np.minimum(first + offsets - 1, len(anchors) - 1)[keep]] + 0.5
            rows = rows.filter(pl.Series(keep))
            server = rows["_next_server"] + pl.Series(delays[keep]).cast(pl.Duration("us"))
            later = rows.select("_i", _server=server)
            base = (
                base.join(later, on="_i", how="left", maintain_order="left")
                .with_columns(server_timestamp=pl.coalesce("_server", "server_timestamp"))
                .drop("_server")
            )
            reorder = dict(zip(rows["_i"].to_list(), landing.tolist(), strict=True))
            self._entries[("plc_out_of_order", PLC)].sources.extend(rows["id"].to_list())
        return base, reorder

    # -- end of stream --------------------------------------------------------------------------

    def _added_pieces(self) -> Iterator[tuple[str, pl.DataFrame]]:
        unknown = {parent: self._max_id.get(parent, 0) + 1 for parent in PARENTS}
        for table in TABLES:
            next_id = self._max_id.get(table, 0) + 1
            parts: list[pl.DataFrame] = []
            for kind in self.spec.rates:
                frames = self._pending.get((kind, table))
                if not frames:
                    continue
                rows = self._corrupt(kind, table, pl.concat(frames), unknown)
                ids = np.arange(next_id, next_id + rows.height, dtype=np.int64)
                next_id += rows.height
                self._entries[(kind, table)].ids = ids.tolist()
                rows = _renumber(table, rows.with_columns(id=pl.Series(ids))).drop("_from")
                parts.append(cast_to_contract(table, rows))
            if parts:
                yield table, pl.concat(parts)

    def _corrupt(
        self, kind: str, table: str, rows: pl.DataFrame, unknown: dict[str, int]
    ) -> pl.DataFrame:
        """Apply the one defect of ``kind`` to the queued copies."""
        rng = self._rng(kind, table)
        n = rows.height

        def fresh(parent: str) -> pl.Series:
            start = unknown[parent]
            unknown[parent] = start + n
            return pl.Series(np.arange(start, start + n, dtype=np.int64))

        if kind == "unknown_sublot":
            return rows.with_columns(material_sublot_id=fresh("material_sublots"))
        if kind == "unknown_location":
            bad = fresh("storage_locations")
            on_from = pl.Series(rng.random(n) < 0.5)
            return rows.with_columns(
                from_location_id=pl.when(on_from).then(bad).otherwise("from_location_id"),
                to_location_id=pl.when(on_from).then("to_location_id").otherwise(bad),
            )
        if kind == "bad_quantity":
            zero = pl.Series(rng.random(n) < 0.5)
            return rows.with_columns(quantity=pl.when(zero).then(0).otherwise(-pl.col("quantity")))
        if kind == "future_timestamp":
            offsets = pl.Series(rng.integers(_US, _FUTURE_MAX_US, n)).cast(pl.Duration("us"))
            moment = pl.lit(self.end) + offsets
            if table == PLC:
                latency = pl.col("server_timestamp") - pl.col("source_timestamp")
                return rows.with_columns(source_timestamp=moment, server_timestamp=moment + latency)
            return rows.with_columns(moment.alias(EVENT_TIME[table]))
        if kind == "missing_work_order":
            rows = rows.with_columns(work_order_id=fresh("work_orders"))
            return rows.with_columns(
                reference_number=pl.format(
                    "WO-{}-{}",
                    pl.col("created_at").dt.year(),
                    pl.col("work_order_id").cast(pl.String).str.zfill(5),
                )
            )
        if kind == "over_quantity":
            quantity = rows["quantity"].to_numpy().astype(np.int64)
            extra = rng.integers(1, np.maximum(quantity, 1) + 1)
            return rows.with_columns(
                quantity=pl.Series(quantity + extra),
                moved_at=pl.col("moved_at") - pl.duration(microseconds=1),
            )
        return rows  # plc_repeated_values: built complete when chosen


def _renumber(table: str, rows: pl.DataFrame) -> pl.DataFrame:
    """Fresh document numbers for added rows, in the contract's format, from their fresh ids."""
    id_text = pl.col("id").cast(pl.String)
    if table == MOVEMENTS:
        return rows.with_columns(movement_number=pl.format("MV-{}", id_text.str.zfill(9)))
    if table == TRANSACTIONS:
        return rows.with_columns(
            transaction_number=pl.format(
                "MTX-{}-{}", pl.col("created_at").dt.year(), id_text.str.zfill(5)
            )
        )
    if table == RECEIPTS:
        return rows.with_columns(receipt_number=pl.format("GR-{}", id_text.str.zfill(8)))
    return rows


def inject_faults(
    pieces: Iterable[tuple[str, pl.DataFrame]], spec: FaultSpec, params: GenerationParams
) -> tuple[Iterator[tuple[str, pl.DataFrame]], FaultInjector]:
    """The faulty stream of pieces and the injector holding its record."""
    injector = FaultInjector(spec, params)
    return injector.wrap(pieces), injector
