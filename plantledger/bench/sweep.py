"""Benchmark section ``sweep``: how the whole pipeline's cost grows with the data (issue #12).

At every benchmarked scale (``--scales``, e.g. ``0.1 1 3 10``), once per repeat and each step a
process of its own, measured like the other sections (wall time, peak resident set size):

1. ``generate``: a new raw folder (:func:`plantledger.bench.timing.run_generation`);
2. ``validate``: the Great Expectations gate on it (``plantledger validate``);
3. full ``dbt build`` into a new warehouse (the project parsed first, untimed);
4. ``inventory_as_of`` for the busiest facility and for the whole company (median of
   :data:`~plantledger.bench.point_in_time.FAST_RUNS` runs at each of the point_in_time
   section's instants), ``trace_forward`` from the busiest supplier lot and ``trace_backward``
   from the largest shipped sublot (the traceability section's measurement), on that warehouse,
   read-only. The answer is checked once, not per instant and scope as the point_in_time section
   does (20 naive journal scans, some 40 s at scale 10): at the middle instant the company
   answer must be exactly the naive scan's rows (one scan);
5. ``generate --append-days 1`` then a plain ``dbt build`` on the same warehouse: the daily
   incremental build.

The table gives the medians (peak memory: the largest run) against journal entries, and each
step's cost per million journal entries, so a reader sees where the cost is near-linear and
where it is not. Scales from 10 on run once unless ``--repeat`` says otherwise.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from plantledger.bench import point_in_time, traceability
from plantledger.bench.config import (
    BenchConfig,
    BenchError,
    BenchState,
    Section,
    markdown_table,
)
from plantledger.bench.incremental import (
    WAREHOUSE,
    Timed,
    journal_entries,
    prepare,
    run_append,
    run_dbt,
    run_timed,
)
from plantledger.bench.timing import run_generation

BUSIEST_FACILITY_SQL = """
    select facility_code from marts.fact_sublot_location_history
    group by facility_code order by count(*) desc, facility_code limit 1
"""
# Rows in one answer and not in the other (multisets): 0 when the two answers are the same.
DIFFERENCE_SQL = """
    with left_answer as ({left}), right_answer as ({right})
    select count(*) from (
        (select * from left_answer except all select * from right_answer)
        union all
        (select * from right_answer except all select * from left_answer)
    )
"""


@dataclass(frozen=True)
class SweepRun:
    """One repeat at one scale: every step's measurement."""

    rows: int
    entries: int
    generate: Timed
    validate: Timed
    full_build: Timed
    as_of_facility_ms: float
    as_of_company_ms: float
    trace_forward_ms: float
    trace_backward_ms: float
    incremental_build: Timed


def validate_command(raw: Path, docs: Path) -> list[str]:
    """``plantledger validate --raw RAW --docs DOCS``, with this interpreter."""
    return [
        sys.executable,
        "-m",
        "plantledger.cli",
        "validate",
        "--raw",
        str(raw),
        "--docs",
        str(docs),
    ]


def _timed_ms(connection, sql: str, params: list[object]) -> list[float]:
    """``point_in_time.FAST_RUNS`` timed runs of ``sql`` read into Arrow, after one warm-up."""
    connection.sql(sql, params=params).to_arrow_table()
    millis = []
    for _ in range(point_in_time.FAST_RUNS):
        started = time.perf_counter()
        connection.sql(sql, params=params).to_arrow_table()
        millis.append((time.perf_counter() - started) * 1000)
    return millis


def check_as_of(connection, at: object) -> None:
    """Raise :class:`BenchError` unless ``inventory_as_of(at)`` for the whole company is exactly
    the naive journal scan's rows (as multisets). The facility answer is that answer filtered on
    ``facility_code``, so this one check covers it."""
    naive = point_in_time.NAIVE_SQL.format(facility="")
    sql = DIFFERENCE_SQL.format(left=point_in_time.FAST_SQL, right=naive)
    differing = connection.execute(sql, [at, at]).fetchall()[0][0]
    if differing:
        raise BenchError(
            f"inventory_as_of disagrees with the naive journal scan as of {at}: {differing} rows "
            "differ (rebuild the warehouse; compare fact_sublot_location_history with the journal)"
        )


def measure_as_of(path: Path) -> tuple[float, float]:
    """Median ms of ``inventory_as_of`` for the busiest facility and for the whole company, over
    the point_in_time section's instants; the answer checked once (:func:`check_as_of`)."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        connection.execute("set enable_progress_bar = false")
        first, last = connection.execute(
            "select min(entry_at), max(entry_at) from marts.fact_inventory_journal"
        ).fetchall()[0]
        found = connection.execute(BUSIEST_FACILITY_SQL).fetchall()
        if first is None or not found:
            raise BenchError(f"the warehouse {path} has no journal or no location history")
        facility = found[0][0]
        instants = [first + (last - first) * f for f in point_in_time.INSTANT_FRACTIONS]
        facility_ms: list[float] = []
        company_ms: list[float] = []
        for at in instants:
            facility_sql = f"{point_in_time.FAST_SQL} where facility_code = ?"
            facility_ms += _timed_ms(connection, facility_sql, [at, facility])
            company_ms += _timed_ms(connection, point_in_time.FAST_SQL, [at])
        check_as_of(connection, instants[len(instants) // 2])
    return statistics.median(facility_ms), statistics.median(company_ms)


def run_once(config: BenchConfig, scale: float, work: Path) -> SweepRun:
    """One repeat of every step at ``scale`` in ``work`` (replaced)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    raw, built = work / "raw", work / "build"
    generated = run_generation(scale, config.seed, config.end_date, raw)
    generate = Timed(generated.seconds, float("nan"), generated.max_rss_bytes)  # no CPU figure
    config.log(f"sweep scale {scale:g}: generate {generate.seconds:.1f} s")
    validate = run_timed(
        validate_command(raw, work / "data_docs"),
        dict(os.environ),
        work,
        work / "validate.log",
        f"validate {raw}",
    )
    config.log(f"sweep scale {scale:g}: validate {validate.seconds:.1f} s")
    prepare("parse", raw, built)
    full_build = run_dbt("build", raw, built, "full-build")
    config.log(f"sweep scale {scale:g}: full dbt build {full_build.seconds:.1f} s")
    warehouse = built / WAREHOUSE
    entries = journal_entries(warehouse)
    facility_ms, company_ms = measure_as_of(warehouse)
    forward, backward = traceability.measure_warehouse(warehouse)
    run_append(raw, 1, work / "append.log")
    incremental_build = run_dbt("build", raw, built, "incremental-build")
    config.log(f"sweep scale {scale:g}: incremental dbt build {incremental_build.seconds:.1f} s")
    return SweepRun(
        rows=generated.rows,
        entries=entries,
        generate=generate,
        validate=validate,
        full_build=full_build,
        as_of_facility_ms=facility_ms,
        as_of_company_ms=company_ms,
        trace_forward_ms=forward.median_seconds * 1000,
        trace_backward_ms=backward.median_seconds * 1000,
        incremental_build=incremental_build,
    )


def _seconds(runs: Sequence[SweepRun], step: str) -> float:
    return statistics.median(getattr(run, step).seconds for run in runs)


def _peak_gib(runs: Sequence[SweepRun], step: str) -> float:
    return max(getattr(run, step).max_rss_bytes for run in runs) / 2**30


def _ms(runs: Sequence[SweepRun], field: str) -> float:
    return statistics.median(getattr(run, field) for run in runs)


def report_row(scale: float, runs: Sequence[SweepRun]) -> list[str]:
    entries = runs[0].entries
    millions = entries / 1e6

    def step(name: str) -> str:
        return f"{_seconds(runs, name):,.1f} s / {_peak_gib(runs, name):.2f} GiB"

    return [
        f"{scale:g}",
        str(len(runs)),
        f"{runs[0].rows:,}",
        f"{entries:,}",
        step("generate"),
        step("validate"),
        step("full_build"),
        f"{_seconds(runs, 'full_build') / millions:,.1f}",
        step("incremental_build"),
        f"{_ms(runs, 'as_of_facility_ms'):,.1f}",
        f"{_ms(runs, 'as_of_company_ms'):,.1f}",
        f"{_ms(runs, 'trace_forward_ms'):,.0f}",
        f"{_ms(runs, 'trace_backward_ms'):,.0f}",
    ]


HEADER = (
    "scale",
    "runs",
    "raw rows",
    "journal entries",
    "generate",
    "validate",
    "full `dbt build`",
    "full build s per M entries",
    "daily `dbt build`",
    "as_of facility ms",
    "as_of company ms",
    "trace forward ms",
    "trace backward ms",
)


def bench_sweep(config: BenchConfig, state: BenchState) -> str:
    rows_out = []
    for scale in config.scales:
        repeats = config.repeats_for(scale)
        runs = []
        for index in range(repeats):
            config.log(f"sweep scale {scale:g} run {index + 1}/{repeats}")
            runs.append(run_once(config, scale, config.workdir / f"scale-{scale:g}" / "sweep"))
        rows_out.append(report_row(scale, runs))
    return (
        "Every step of a day's work at each scale, each a process of its own: generation, the "
        "Great Expectations gate, a full `dbt build` into a new warehouse, `inventory_as_of` "
        "(the busiest facility, the whole company; checked once against the naive journal scan) "
        "and `trace_forward` (the busiest supplier lot) and `trace_backward` (the largest shipped "
        "sublot) on it, then `generate --append-days 1` and a plain `dbt build` (the daily "
        "incremental build). Steps: median wall time / largest peak RSS of the runs; queries: "
        "median ms. The per-million-entries column shows how the full build grows.\n\n"
        + markdown_table(HEADER, rows_out)
    )


SECTION = Section("sweep", "Scale sweep", bench_sweep)
