"""Benchmark section ``generate``: wall time, rows per second and peak memory of generating
and writing the raw data set, at every scale, each run a process of its own
(:func:`plantledger.bench.timing.run_generation`). It leaves the raw folder of every scale in
``state.raw`` for the later sections."""

from __future__ import annotations

import statistics

from plantledger.bench.config import BenchConfig, BenchError, BenchState, Section, markdown_table
from plantledger.bench.timing import run_generation


def bench_generate(config: BenchConfig, state: BenchState) -> str:
    rows_out = []
    for scale in config.scales:
        out = config.raw_dir(scale)
        out.parent.mkdir(parents=True, exist_ok=True)
        runs = []
        repeats = config.repeats_for(scale)
        for index in range(repeats):
            result = run_generation(scale, config.seed, config.end_date, out)
            config.log(
                f"generate scale {scale:g} run {index + 1}/{repeats}: {result.rows:,} rows "
                f"in {result.seconds:.2f} s, peak RSS {result.max_rss_bytes / 2**20:,.0f} MiB"
            )
            runs.append(result)
        rows = runs[-1].rows
        if any(run.rows != rows for run in runs):
            raise BenchError(f"scale {scale:g}: row counts differ between identical runs")
        median = statistics.median(run.seconds for run in runs)
        peak = max(run.max_rss_bytes for run in runs)
        state.raw[scale] = out
        state.rows[scale] = rows
        rows_out.append(
            [
                f"{scale:g}",
                f"{rows:,}",
                str(len(runs)),
                f"{median:.2f}",
                f"{rows / median:,.0f}" if median > 0 else "-",
                f"{peak / 2**20:,.0f}",
            ]
        )
    table = markdown_table(
        ["scale", "rows", "runs", "median wall s", "rows/s", "peak RSS MiB"], rows_out
    )
    return (
        "Each run is its own process: wall time covers generating and writing the parquet files "
        "(not interpreter start-up); peak RSS is that process's maximum resident set size.\n\n"
        + table
    )


SECTION = Section("generate", "Generation", bench_generate)
