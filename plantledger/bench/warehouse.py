"""Benchmark section ``dbt``: the wall time and peak memory of a full ``dbt build``.

At every benchmarked scale, ``dbt build`` of the whole project runs from the raw folder the
generation section left in ``state.raw`` (or, when the section runs alone, from one generated
here first, untimed) into a new DuckDB file, once per repeat; the report gives the median wall
time and the largest peak resident set size.

dbt runs as a process of its own (:func:`plantledger.bench.dbt.run_dbt_build`), measured by
:func:`plantledger.bench.timing.measure`: its peak memory is that of the one build, DuckDB
included, and no other run's. Wall time covers the whole command: start-up, parsing, every model
and test.
"""

from __future__ import annotations

import statistics

from plantledger.bench.config import BenchConfig, BenchState, Section, markdown_table
from plantledger.bench.dbt import run_dbt_build
from plantledger.bench.timing import run_generation

TARGET_SECONDS = {1.0: 90.0}  # scale -> full build wall-time target
TARGET_PEAK_BYTES = {10.0: 24 * 2**30}  # scale -> peak-memory target


def _target_text(scale: float, median: float, peak: int) -> str:
    checks = []
    if scale in TARGET_SECONDS:
        limit = TARGET_SECONDS[scale]
        checks.append(f"< {limit:g} s: {'met' if median < limit else 'MISSED'}")
    if scale in TARGET_PEAK_BYTES:
        limit = TARGET_PEAK_BYTES[scale]
        checks.append(f"<= {limit / 2**30:g} GiB: {'met' if peak <= limit else 'MISSED'}")
    return "; ".join(checks) or "–"


def bench_dbt(config: BenchConfig, state: BenchState) -> str:
    rows_out = []
    for scale in config.scales:
        raw = state.raw.get(scale)
        if raw is None:  # the section runs without the generation section
            raw = config.raw_dir(scale)
            raw.parent.mkdir(parents=True, exist_ok=True)
            config.log(f"dbt scale {scale:g}: generating the raw data first (not timed)")
            state.rows[scale] = run_generation(scale, config.seed, config.end_date, raw).rows
            state.raw[scale] = raw
        repeats = config.repeats_for(scale)
        runs = []
        for index in range(repeats):
            workdir = raw.parent / "dbt"
            result = run_dbt_build(raw, workdir)
            config.log(
                f"dbt build scale {scale:g} run {index + 1}/{repeats}: {result.seconds:.1f} s "
                f"(CPU {result.cpu_seconds:.1f} s), "
                f"peak RSS {result.max_rss_bytes / 2**20:,.0f} MiB, "
                f"{result.journal_entries:,} journal entries"
            )
            runs.append(result)
        median = statistics.median(run.seconds for run in runs)
        median_cpu = statistics.median(run.cpu_seconds for run in runs)
        peak = max(run.max_rss_bytes for run in runs)
        last = runs[-1]
        rows_out.append(
            [
                f"{scale:g}",
                f"{state.rows[scale]:,}" if scale in state.rows else "–",
                str(len(runs)),
                f"{median:.1f}",
                f"{median_cpu:.1f}",
                f"{peak / 2**20:,.0f}",
                f"{last.journal_entries:,}",
                f"{last.warehouse_bytes / 2**20:,.0f}",
                _target_text(scale, median, peak),
            ]
        )
    table = markdown_table(
        [
            "scale",
            "raw rows",
            "runs",
            "median wall s",
            "median CPU s",
            "peak RSS MiB",
            "journal entries",
            "warehouse MiB",
            "target",
        ],
        rows_out,
    )
    return (
        "Full `dbt build` (every model and test, into a new DuckDB file) in its own process: "
        "wall time from start-up to exit, CPU time (user + system, all threads) and peak RSS of "
        "that process (DuckDB runs inside it). "
        "Targets: under 90 s at scale 1; within 24 GiB at scale 10.\n\n" + table
    )


SECTION = Section("dbt", "dbt build", bench_dbt)
