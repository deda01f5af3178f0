"""Benchmark section ``dbt``: the wall time and peak memory of a full ``dbt build``.

At every benchmarked scale, ``dbt build`` of the whole project runs from the raw folder the
generation section left in ``state.raw`` (or, when the section runs alone, from one generated
here first, untimed) into a new DuckDB file, once per repeat; the report gives the median wall
time and the largest peak resident set size.

dbt runs as a process of its own, started by a small launcher that reaps it with ``os.wait4``,
which returns the resource usage of exactly that process (and of the processes it waited for):
its ``ru_maxrss`` is the peak memory of that one build, DuckDB included (dbt-duckdb runs DuckDB
in-process), and no other run's. Wall time covers the whole command: start-up, parsing, every
model and test.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]  # dbt_project.yml and profiles.yml
TARGET_SECONDS = {1.0: 90.0}  # scale -> full build wall-time target
TARGET_PEAK_BYTES = {10.0: 24 * 2**30}  # scale -> peak-memory target


@dataclass(frozen=True)
class DbtRunResult:
    seconds: float
    cpu_seconds: float  # user + system time of the build process and its children
    max_rss_bytes: int
    nodes: int  # models, seeds, tests and hooks dbt ran
    journal_entries: int  # rows of marts.fact_inventory_journal
    warehouse_bytes: int  # size of the DuckDB file


def dbt_executable() -> str:
    local = Path(sys.executable).with_name("dbt")
    if local.exists():
        return str(local)
    found = shutil.which("dbt")
    if found is None:
        raise BenchError("dbt is not installed in this environment (run `make venv`)")
    return found


def dbt_command(verb: str, workdir: Path) -> list[str]:
    """``dbt <verb>`` of the project, writing target/ and logs/ under ``workdir``."""
    return [
        dbt_executable(),
        verb,
        "--project-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(workdir / "target"),
        "--log-path",
        str(workdir / "logs"),
        "--quiet",
        "--no-use-colors",
    ]


def dbt_build_command(workdir: Path) -> list[str]:
    return dbt_command("build", workdir)


def _rss_bytes(ru_maxrss: int) -> int:
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024  # Linux reports KiB


# Starts the command, reaps it with os.wait4 and writes its exit code, wall time, CPU time and
# ru_maxrss to the file named by argv[1]. A process's ru_maxrss includes the memory of the
# process it was forked from, up to its exec; starting the command from this small launcher
# (a bare interpreter) rather than from the benchmark process keeps that share negligible.
_LAUNCHER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - started
proc.returncode = code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as out:
    cpu = usage.ru_utime + usage.ru_stime
    json.dump({"code": code, "seconds": seconds, "cpu": cpu, "maxrss": usage.ru_maxrss}, out)
"""


def measure(
    command: Sequence[str], env: dict[str, str], cwd: Path, log: Path
) -> tuple[int, float, float, int]:
    """Run ``command`` once; return (exit code, wall seconds, CPU seconds, peak RSS in bytes).

    Output goes to ``log``. CPU time and peak RSS are those ``os.wait4`` gives for that very
    process (and the processes it waited for), started from a small launcher process.
    """
    result = log.with_name(log.name + ".rusage.json")
    result.unlink(missing_ok=True)
    launcher = [sys.executable, "-I", "-c", _LAUNCHER, str(result), *command]
    with log.open("wb") as out:
        subprocess.run(launcher, cwd=cwd, env=env, stdout=out, stderr=out, check=False)
    try:
        measured = json.loads(result.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        tail = " | ".join(lines[-3:]) or "no output"
        raise BenchError(f"could not run {command[0]}: {tail}") from None
    rss = _rss_bytes(measured["maxrss"])
    return measured["code"], measured["seconds"], measured["cpu"], rss


def _warehouse_facts(duckdb_path: Path, target: Path) -> tuple[int, int]:
    import duckdb

    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        entries = connection.sql("select count(*) from marts.fact_inventory_journal").fetchall()
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    built = [r for r in results if not r["unique_id"].startswith("exposure.")]  # exposures: no-op
    return int(entries[0][0]), len(built)


def run_dbt_build(raw: Path, workdir: Path) -> DbtRunResult:
    """``dbt build`` from ``raw`` into a new ``workdir/warehouse.duckdb``, measured."""
    if not (PROJECT_DIR / "dbt_project.yml").exists():
        raise BenchError(f"no dbt project at {PROJECT_DIR} (install plantledger editable)")
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    duckdb_path = workdir / "warehouse.duckdb"
    env = dict(
        os.environ,
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        PLANTLEDGER_RAW=str(raw.resolve()),
        PLANTLEDGER_DUCKDB=str(duckdb_path.resolve()),
    )
    log = workdir / "dbt-build.log"
    code, seconds, cpu, peak = measure(dbt_build_command(workdir), env, workdir, log)
    if code != 0:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        tail = " | ".join(lines[-5:]) or "no output"
        raise BenchError(f"dbt build from {raw} failed (exit {code}): {tail}")
    entries, nodes = _warehouse_facts(duckdb_path, workdir / "target")
    return DbtRunResult(seconds, cpu, peak, nodes, entries, duckdb_path.stat().st_size)


# Imported here, below run_dbt_build: importing plantledger.bench imports the sections of other
# modules, and those import run_dbt_build from this module, possibly while it is still loading
# (when it is imported before plantledger.bench).
from plantledger.bench import (  # noqa: E402
    BenchConfig,
    BenchError,
    BenchState,
    markdown_table,
    run_generation,
    section,
    section_raw,
)


def section_warehouse(
    config: BenchConfig, state: BenchState, scale: float, section_name: str
) -> Path:
    """The warehouse of ``scale``: the one the dbt section left, else one built now (untimed)."""
    raw = section_raw(config, state, scale, section_name)
    workdir = raw.parent / "dbt"  # where the dbt section builds
    warehouse = workdir / "warehouse.duckdb"
    if not warehouse.exists():
        config.log(f"{section_name} scale {scale:g}: building the warehouse first (not timed)")
        run_dbt_build(raw, workdir)
    return warehouse


def _target_text(scale: float, median: float, peak: int) -> str:
    checks = []
    if scale in TARGET_SECONDS:
        limit = TARGET_SECONDS[scale]
        checks.append(f"< {limit:g} s: {'met' if median < limit else 'MISSED'}")
    if scale in TARGET_PEAK_BYTES:
        limit = TARGET_PEAK_BYTES[scale]
        checks.append(f"<= {limit / 2**30:g} GiB: {'met' if peak <= limit else 'MISSED'}")
    return "; ".join(checks) or "–"


@section("dbt", "dbt build")
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
