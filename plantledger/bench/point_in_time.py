"""Benchmark section ``point_in_time``: latency of ``inventory_as_of`` against a naive scan.

At every benchmarked scale, on the warehouse the ``dbt`` section built (``<scale>/dbt/
warehouse.duckdb`` next to the raw folder; built here first, untimed, when that section did not
run), it times the stock as of :data:`INSTANT_FRACTIONS` instants spread over the history, for
the facility with the most stock history and for the whole company, two ways:

- ``select * from inventory_as_of(?) [where facility_code = ?]``: the table macro over
  fact_sublot_location_weeks (the physical intervals by UTC week, current ones once, in week
  and facility order: one week's rows and the current ones are read);
- the naive answer from the journal: every physical entry up to the instant, summed per
  facility, location, material, sublot and status, non-zero sums kept.

Both read into Arrow on one read-only connection, after one warm-up per query; the two answers
are checked to be the same multiset of rows. Targets: one facility under 100 ms at scale 1 and
under 10 ms at scale 10; the whole company under 100 ms at scale 10 and at least 10 times
faster than the naive scan.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from plantledger.bench.config import BenchConfig, BenchError, BenchState, Section, markdown_table
from plantledger.bench.inputs import section_warehouse

INSTANT_FRACTIONS = (0.2, 0.4, 0.6, 0.8, 0.99)  # where in the history the as-of instants fall
FAST_RUNS = 5  # timed runs per instant of inventory_as_of (after one warm-up)
NAIVE_RUNS = {10.0: 1}  # timed runs per instant of the naive scan, by scale (default 3)
FACILITY_TARGET_MS = {1.0: 100.0, 10.0: 10.0}  # scale -> one-facility latency target
COMPANY_TARGET_MS = {10.0: 100.0}  # scale -> whole-company latency target
SPEEDUP_TARGET = {10.0: 10.0}  # scale -> minimum speed-up over the naive scan

COLUMNS = "facility_code, location_code, material_code, material_sublot_code, status"
FAST_SQL = "select * from inventory_as_of(?)"
NAIVE_SQL = f"""
    select {COLUMNS}, sum(quantity) as quantity
    from marts.fact_inventory_journal
    where is_physical and entry_at <= ?{{facility}}
    group by {COLUMNS}
    having sum(quantity) <> 0
"""


@dataclass(frozen=True)
class ScopeTiming:
    scope: str  # the facility code, or "company"
    rows: int  # median rows answered
    fast_ms: float
    naive_ms: float

    @property
    def speedup(self) -> float:
        return self.naive_ms / self.fast_ms if self.fast_ms > 0 else float("inf")


def warehouse_path(config: BenchConfig, state: BenchState, scale: float) -> Path:
    """The warehouse of ``scale``: the one the dbt section left, else one built now (untimed)."""
    return section_warehouse(config, state, scale, "point_in_time")


def _timed(connection, sql: str, params: list[object], runs: int) -> tuple[list[float], object]:
    table = connection.sql(sql, params=params).to_arrow_table()  # warm-up
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        table = connection.sql(sql, params=params).to_arrow_table()
        seconds.append(time.perf_counter() - started)
    return seconds, table


# Rows in one answer and not in the other (multisets): 0 when the two answers are the same.
DIFFERENCE_SQL = """
    select count(*) from (
        (select * from fast_answer except all select * from naive_answer)
        union all
        (select * from naive_answer except all select * from fast_answer)
    )
"""


def _same_answer(fast, naive, what: str) -> None:
    """Raise :class:`BenchError` unless the two Arrow answers hold the same rows (as multisets)."""
    import duckdb

    with duckdb.connect() as scratch:
        scratch.register("fast_answer", fast.select(naive.column_names))
        scratch.register("naive_answer", naive)
        (differing,) = scratch.execute(DIFFERENCE_SQL).fetchall()[0]
    if differing:
        raise BenchError(
            f"inventory_as_of and the naive scan disagree for {what}: {differing} rows differ "
            f"({fast.num_rows} rows vs {naive.num_rows})"
        )


def measure_warehouse(path: Path, naive_runs: int) -> tuple[int, int, list[ScopeTiming]]:
    """(journal entries, history intervals, [one facility, company]) for one warehouse."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        first, last, entries = connection.execute(
            "select min(entry_at), max(entry_at), count(*) from marts.fact_inventory_journal"
        ).fetchall()[0]
        intervals, facility = connection.execute(
            "select sum(n), arg_max(facility_code, n) from ("
            " select facility_code, count(*) as n from marts.fact_sublot_location_history"
            " group by facility_code)"
        ).fetchall()[0]
        span = last - first
        instants = [first + span * fraction for fraction in INSTANT_FRACTIONS]
        timings = []
        for scope in (facility, None):
            fast_seconds: list[float] = []
            naive_seconds: list[float] = []
            rows = []
            for at in instants:
                params: list[object] = [at] if scope is None else [at, scope]
                where = "" if scope is None else " where facility_code = ?"
                seconds, fast = _timed(connection, FAST_SQL + where, params, FAST_RUNS)
                fast_seconds += seconds
                facility_condition = "" if scope is None else " and facility_code = ?"
                naive_sql = NAIVE_SQL.format(facility=facility_condition)
                seconds, naive = _timed(connection, naive_sql, params, naive_runs)
                naive_seconds += seconds
                _same_answer(fast, naive, f"{scope or 'the company'} as of {at.isoformat()}")
                rows.append(fast.num_rows)
            timings.append(
                ScopeTiming(
                    scope or "company",
                    int(statistics.median(rows)),
                    statistics.median(fast_seconds) * 1000,
                    statistics.median(naive_seconds) * 1000,
                )
            )
    return int(entries), int(intervals), timings


def _target_text(scale: float, timing: ScopeTiming, is_facility: bool) -> str:
    checks = []
    limits = FACILITY_TARGET_MS if is_facility else COMPANY_TARGET_MS
    if scale in limits:
        limit = limits[scale]
        checks.append(f"< {limit:g} ms: {'met' if timing.fast_ms < limit else 'MISSED'}")
    if scale in SPEEDUP_TARGET:
        limit = SPEEDUP_TARGET[scale]
        checks.append(f">= {limit:g}x: {'met' if timing.speedup >= limit else 'MISSED'}")
    return "; ".join(checks) or "–"


def bench_point_in_time(config: BenchConfig, state: BenchState) -> str:
    rows_out = []
    for scale in config.scales:
        naive_runs = NAIVE_RUNS.get(scale, 3)
        entries, intervals, timings = measure_warehouse(
            warehouse_path(config, state, scale), naive_runs
        )
        for index, timing in enumerate(timings):
            config.log(
                f"point_in_time scale {scale:g} {timing.scope}: inventory_as_of "
                f"{timing.fast_ms:.1f} ms, naive {timing.naive_ms:.0f} ms "
                f"({timing.speedup:.0f}x), {timing.rows:,} rows"
            )
            rows_out.append(
                [
                    f"{scale:g}",
                    f"{entries:,}",
                    f"{intervals:,}",
                    timing.scope if index == 0 else "whole company",
                    f"{timing.rows:,}",
                    f"{timing.fast_ms:,.1f}",
                    f"{timing.naive_ms:,.0f}",
                    f"{timing.speedup:,.0f}x",
                    _target_text(scale, timing, index == 0),
                ]
            )
    table = markdown_table(
        [
            "scale",
            "journal entries",
            "history intervals",
            "scope",
            "rows",
            "inventory_as_of median ms",
            "naive scan median ms",
            "speed-up",
            "target",
        ],
        rows_out,
    )
    fractions = ", ".join(f"{fraction:.0%}" for fraction in INSTANT_FRACTIONS)
    return (
        "`select * from inventory_as_of(?)` (for one facility: `... where facility_code = ?`, "
        "the facility with the most stock history) against the naive answer from the journal "
        "(physical entries up to the instant, summed per location, sublot and status), both "
        f"read into Arrow on one read-only connection; instants at {fractions} of the history, "
        f"{FAST_RUNS} timed runs of inventory_as_of and {NAIVE_RUNS.get(10.0)} (scale 10) or 3 "
        "of the scan per instant after a warm-up; the answers are checked to be the same rows. "
        "Targets: one facility under 100 ms at scale 1 and under 10 ms at scale 10; the whole "
        "company under 100 ms and at least 10 times faster than the naive scan at scale 10."
        "\n\n" + table
    )


SECTION = Section("point_in_time", "Point-in-time inventory", bench_point_in_time)
