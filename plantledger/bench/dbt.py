"""dbt from the benchmarks: the commands, and one measured ``dbt build`` into a new warehouse.

dbt runs as a process of its own from :func:`plantledger.bench.timing.measure`: its peak RSS is
that of the one build, DuckDB included (dbt-duckdb runs DuckDB in-process), and no other run's.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from plantledger.bench.config import BenchError
from plantledger.bench.timing import measure
from plantledger.settings import dbt_environment

PROJECT_DIR = Path(__file__).resolve().parents[2]  # dbt_project.yml and profiles.yml


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
    env = dbt_environment(raw, duckdb_path, DBT_PROFILES_DIR=str(PROJECT_DIR))
    log = workdir / "dbt-build.log"
    code, seconds, cpu, peak = measure(dbt_build_command(workdir), env, workdir, log)
    if code != 0:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        tail = " | ".join(lines[-5:]) or "no output"
        raise BenchError(f"dbt build from {raw} failed (exit {code}): {tail}")
    entries, nodes = _warehouse_facts(duckdb_path, workdir / "target")
    return DbtRunResult(seconds, cpu, peak, nodes, entries, duckdb_path.stat().st_size)
