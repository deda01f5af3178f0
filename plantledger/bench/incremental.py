"""Benchmark section ``incremental``: a daily load, built incrementally, against a full build.

At scale 1 by default (an explicit ``--scales`` replaces that), from the raw folder the
generation section left in ``state.raw`` (or one generated here first, untimed), every repeat:

1. copies the base raw folder to a folder of its own (untimed), so the base stays as it was for
   the other sections and every repeat starts from the same data;
2. ``dbt build`` into a new DuckDB file: **full build**; the warehouse file is then copied
   aside (untimed);
3. ``dbt run`` into another new DuckDB file from the same raw folder, after an untimed ``dbt
   seed`` into it: **full run** (models only: the tests of ``dbt build`` run over whole tables
   whatever the load);
4. ``plantledger generate --append-days 1`` on the copied raw folder: **append 1 day**;
5. ``dbt build`` on the warehouse of step 2: **incremental build** (a plain ``dbt build``: the
   incremental models process only their lookback window);
6. puts back the copy of step 2 (untimed), then ``dbt run`` on it: **incremental run**;
7. puts back the copy of step 2 again (untimed), then ``dbt build --exclude-resource-type
   unit_test`` on it: **incremental build without unit tests**, the daily load as production
   runs it (dbt's advice: unit tests, whose inputs are fixed, in development and CI only);
8. appends ``WARMUP_DAYS`` more days and builds them (untimed), then appends one day more and
   runs ``dbt build``: **steady-state build**. The first daily build's lookback window still
   holds the generated history's last days, which are far denser than an appended day (at
   scale 1 the generation's last day holds about 80,000 journal entries, most of them issues to
   work orders, an appended day about 3,700); from the fifth day on, the window holds appended
   days only, as in a warehouse loaded every day. Both are reported.

Every timed step is a process of its own, measured as the ``dbt`` section measures its builds
(``bench.timing.measure``: wall time from start-up to exit). Every timed dbt command finds
the project parsed in its target/ folder (an untimed ``dbt parse``, or ``dbt seed``, first
for each new warehouse; the incremental build and run use the full build's target/), so all
four parse partially, as in a project built every day, and the ratios compare the work, not
the parsing. The report gives the medians, the ratios incremental / full for ``dbt build``
and for ``dbt run`` (the target, at most 10 %, applies to ``dbt build``), the nodes and thread
seconds of the incremental build per resource type (from its run_results.json), the journal entries
the day added, and how many of the project's incremental models the incremental build really
ran incrementally (their SQL under ``target/run/`` inserts or merges into the existing table
instead of creating it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from plantledger.bench.config import (
    DEFAULT_SCALES,
    BenchConfig,
    BenchError,
    BenchState,
    Section,
    markdown_table,
)
from plantledger.bench.dbt import PROJECT_DIR, dbt_command
from plantledger.bench.inputs import section_raw
from plantledger.bench.timing import measure
from plantledger.settings import dbt_environment

SECTION_SCALES: tuple[float, ...] = (1.0, 3.0)  # the scales when --scales is not given
APPEND_DAYS = 1
WARMUP_DAYS = 3  # = var incremental_lookback_days: then the steady day's window is appended days
TARGET_RATIO = 0.10  # incremental `dbt build` / full `dbt build`, wall time: at most this
GROWTH_TARGET = 1.3  # incremental `dbt build` at a larger scale / at the smallest: at most this
WAREHOUSE = "warehouse.duckdb"

# What an incremental model's SQL under target/run/ does when dbt takes the incremental path
# (insert or merge into the existing table, any strategy); a full build creates the table.
INCREMENTAL_DML = re.compile(r"\b(insert|merge)\s+into\b", re.IGNORECASE)
CREATES_TABLE = re.compile(r"\bcreate\s+(?:or\s+replace\s+)?table\b", re.IGNORECASE)


@dataclass(frozen=True)
class Timed:
    seconds: float
    cpu_seconds: float
    max_rss_bytes: int


@dataclass(frozen=True)
class IncrementalRun:
    """One repeat: the five timed steps and what the load did to the warehouse."""

    full_build: Timed
    full_run: Timed
    append: Timed
    incremental_build: Timed
    incremental_run: Timed
    incremental_build_data_only: Timed  # `dbt build --exclude-resource-type unit_test`
    journal_before: int  # rows of marts.fact_inventory_journal after the full build
    journal_after: int  # ... after the incremental build
    incremental_models: tuple[str, ...]  # the project's models materialized incremental
    ran_incrementally: tuple[str, ...]  # those the incremental build inserted or merged into
    # resource type -> (nodes, thread seconds) of the incremental build (its run_results.json)
    incremental_nodes: tuple[tuple[str, int, float], ...] = ()
    steady_build: Timed | None = None  # the day after WARMUP_DAYS more days were built
    steady_added: int = 0  # journal entries that day added

    @property
    def journal_added(self) -> int:
        return self.journal_after - self.journal_before


def section_scales(config: BenchConfig) -> tuple[float, ...]:
    """The scales of this section: scale 1 unless ``--scales`` asked for others."""
    return SECTION_SCALES if config.scales == DEFAULT_SCALES else config.scales


# --- commands ---------------------------------------------------------------------------------


def append_command(raw: Path, days: int, late_days: int | None = None) -> list[str]:
    """``plantledger generate --append-days DAYS [--late-days D] --out RAW``, with this
    interpreter."""
    late = [] if late_days is None else ["--late-days", str(late_days)]
    return [
        sys.executable,
        "-m",
        "plantledger.cli",
        "generate",
        "--append-days",
        str(days),
        *late,
        "--out",
        str(raw),
        "--quiet",
    ]


def dbt_env(raw: Path, warehouse: Path) -> dict[str, str]:
    return dbt_environment(
        raw,
        warehouse,
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )


def _tail(log: Path, lines: int = 5) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return " | ".join(text.strip().splitlines()[-lines:]) or "no output"


def run_timed(
    command: Sequence[str], env: dict[str, str], cwd: Path, log: Path, what: str
) -> Timed:
    """Run ``command`` once, measured; a non-zero exit is a :class:`BenchError`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    code, seconds, cpu, peak = measure(command, env, cwd, log)
    if code != 0:
        raise BenchError(f"{what} failed (exit {code}): {_tail(log)}")
    return Timed(seconds, cpu, peak)


def run_dbt(verb: str, raw: Path, workdir: Path, label: str, *extra: str) -> Timed:
    """``dbt <verb> [extra]`` from ``raw`` into ``workdir/warehouse.duckdb`` (new or existing)."""
    if not (PROJECT_DIR / "dbt_project.yml").exists():
        raise BenchError(f"no dbt project at {PROJECT_DIR} (install plantledger editable)")
    workdir.mkdir(parents=True, exist_ok=True)
    # target/run/ holds the SQL of the last run of each model: start without the previous one's
    shutil.rmtree(workdir / "target" / "run", ignore_errors=True)
    env = dbt_env(raw, workdir / WAREHOUSE)
    log = workdir / f"{label}.log"
    command = [*dbt_command(verb, workdir), *extra]
    timed = run_timed(command, env, workdir, log, f"{label} (dbt {verb})")
    results = workdir / "target" / "run_results.json"
    if results.exists():  # kept per step, for a look at where the time went
        shutil.copyfile(results, workdir / f"{label}.run_results.json")
    return timed


def prepare(verb: str, raw: Path, workdir: Path) -> None:
    """``dbt parse`` or ``dbt seed`` into ``workdir`` (not timed): the timed command after it
    then finds the project parsed in ``workdir/target``, as every later command there does
    (and, after ``dbt seed``, the seeds that ``dbt run`` does not load)."""
    run_dbt(verb, raw, workdir, verb)


def run_append(raw: Path, days: int, log: Path, late_days: int | None = None) -> Timed:
    """Append ``days`` days to the raw folder ``raw``, measured."""
    command = append_command(raw, days, late_days)
    return run_timed(command, dict(os.environ), raw.parent, log, f"append {days} day(s) to {raw}")


# --- the warehouse and dbt's artifacts ---------------------------------------------------------


def journal_entries(warehouse: Path) -> int:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.sql("select count(*) from marts.fact_inventory_journal").fetchall()
    return int(rows[0][0])


def incremental_models(target: Path) -> dict[str, Path]:
    """Name -> SQL file under ``target/run/`` of every model materialized incremental.

    Read from ``target/manifest.json`` of the project's last parse.
    """
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    return {
        node["name"]: target / "run" / node["package_name"] / node["original_file_path"]
        for node in manifest["nodes"].values()
        if node.get("resource_type") == "model"
        and node.get("config", {}).get("materialized") == "incremental"
    }


def ran_incrementally(models: dict[str, Path]) -> set[str]:
    """The models whose last run SQL inserts into or merges into the existing table. A
    contracted model's full build creates its table with the declared column types and then
    inserts: a run that creates its table took the full path, even though it inserts."""
    ran = set()
    for name, path in models.items():
        sql = path.read_text(encoding="utf-8") if path.is_file() else ""
        if INCREMENTAL_DML.search(sql) and not CREATES_TABLE.search(sql):
            ran.add(name)
    return ran


def node_times(run_results: Path) -> tuple[tuple[str, int, float], ...]:
    """(resource type, nodes, thread seconds) of a dbt run's ``run_results.json``: where the
    time of a build goes (dbt's fixed cost per node, or the queries). Empty when absent."""
    if not run_results.is_file():
        return ()
    results = json.loads(run_results.read_text(encoding="utf-8")).get("results", [])
    totals: dict[str, tuple[int, float]] = {}
    for result in results:
        kind = str(result.get("unique_id", "")).split(".")[0]
        if kind in ("", "exposure"):
            continue
        nodes, seconds = totals.get(kind, (0, 0.0))
        totals[kind] = (nodes + 1, seconds + float(result.get("execution_time") or 0.0))
    return tuple((kind, nodes, seconds) for kind, (nodes, seconds) in sorted(totals.items()))


def copy_database(source: Path, destination: Path) -> None:
    """Copy a DuckDB file (and its write-ahead log, if one was left) over ``destination``."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)
    wal = source.with_name(source.name + ".wal")
    destination_wal = destination.with_name(destination.name + ".wal")
    destination_wal.unlink(missing_ok=True)
    if wal.exists():
        shutil.copyfile(wal, destination_wal)


# --- one repeat -------------------------------------------------------------------------------


def run_once(
    base: Path,
    work: Path,
    log: Callable[[str], None] = lambda message: None,
    late_days: int | None = None,
) -> IncrementalRun:
    """One repeat of the five timed steps in ``work`` (replaced), from the raw folder ``base``;
    the append dates late events up to ``late_days`` back (None: the generator's default)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    raw = work / "raw"
    shutil.copytree(base, raw)
    built = work / "build"  # the warehouse built in full, then incrementally
    snapshot = work / "before-append.duckdb"

    prepare("parse", raw, built)
    full_build = run_dbt("build", raw, built, "full-build")
    log(f"full dbt build {full_build.seconds:.1f} s")
    journal_before = journal_entries(built / WAREHOUSE)
    copy_database(built / WAREHOUSE, snapshot)

    prepare("seed", raw, work / "run")  # a new warehouse: `dbt run` needs the seeds
    full_run = run_dbt("run", raw, work / "run", "full-run")
    log(f"full dbt run {full_run.seconds:.1f} s")
    kept = work / "run" / "full-run.run_results.json"
    if kept.exists():
        shutil.copyfile(kept, work / kept.name)
    shutil.rmtree(work / "run")  # a second warehouse of full size: not needed any more

    append = run_append(raw, APPEND_DAYS, work / "append.log", late_days)
    log(f"append {APPEND_DAYS} day {append.seconds:.1f} s")

    incremental_build = run_dbt("build", raw, built, "incremental-build")
    journal_after = journal_entries(built / WAREHOUSE)
    models = incremental_models(built / "target")
    incremental = ran_incrementally(models)
    log(
        f"incremental dbt build {incremental_build.seconds:.1f} s, "
        f"{journal_after - journal_before:,} journal entries added, "
        f"{len(incremental)}/{len(models)} incremental models ran incrementally"
    )

    copy_database(snapshot, built / WAREHOUSE)
    incremental_run = run_dbt("run", raw, built, "incremental-run")
    log(f"incremental dbt run {incremental_run.seconds:.1f} s")

    copy_database(snapshot, built / WAREHOUSE)
    data_only = run_dbt(
        "build", raw, built, "incremental-build-data-only", "--exclude-resource-type", "unit_test"
    )
    log(f"incremental dbt build without unit tests {data_only.seconds:.1f} s")
    snapshot.unlink()

    run_append(raw, WARMUP_DAYS, work / "warmup-append.log", late_days)
    run_dbt("build", raw, built, "warmup-build")
    steady_before = journal_entries(built / WAREHOUSE)
    run_append(raw, APPEND_DAYS, work / "steady-append.log", late_days)
    steady_build = run_dbt("build", raw, built, "steady-build")
    steady_added = journal_entries(built / WAREHOUSE) - steady_before
    log(
        f"steady-state dbt build (after {WARMUP_DAYS} more days) {steady_build.seconds:.1f} s, "
        f"{steady_added:,} journal entries added"
    )
    return IncrementalRun(
        full_build=full_build,
        full_run=full_run,
        append=append,
        incremental_build=incremental_build,
        incremental_run=incremental_run,
        incremental_build_data_only=data_only,
        journal_before=journal_before,
        journal_after=journal_after,
        incremental_models=tuple(sorted(models)),
        ran_incrementally=tuple(sorted(incremental)),
        incremental_nodes=node_times(built / "incremental-build.run_results.json"),
        steady_build=steady_build,
        steady_added=steady_added,
    )


# --- the section --------------------------------------------------------------------------------


def base_raw(config: BenchConfig, state: BenchState, scale: float) -> Path:
    """The generation section's raw folder of ``scale``, else one generated now (untimed)."""
    return section_raw(config, state, scale, "incremental")


def _median(runs: Sequence[IncrementalRun], step: str) -> float:
    return statistics.median(getattr(run, step).seconds for run in runs)


def _has_steady(runs: Sequence[IncrementalRun]) -> bool:
    return all(run.steady_build is not None for run in runs)


def _ratio_text(ratio: float) -> str:
    return f"{ratio:.1%}".replace("%", " %")


def _target_text(ratio: float) -> str:
    met = "met" if ratio <= TARGET_RATIO else "MISSED"
    return f"<= {TARGET_RATIO:.0%}".replace("%", " %") + f": {met}"


def report_rows(scale: float, runs: Sequence[IncrementalRun]) -> list[list[str]]:
    """The table rows of one scale: ``dbt build`` (with the target), without unit tests, ``dbt
    run``, and the steady-state ``dbt build`` (with the target) when the runs measured it."""
    append = _median(runs, "append")
    added = statistics.median(run.journal_added for run in runs)
    last = runs[-1]
    models = f"{len(last.ran_incrementally)}/{len(last.incremental_models)}"
    commands = [
        ("`dbt build`", "full_build", "incremental_build", added),
        (
            "`dbt build --exclude-resource-type unit_test`",
            "full_build",
            "incremental_build_data_only",
            added,
        ),
        ("`dbt run`", "full_run", "incremental_run", added),
    ]
    if _has_steady(runs):
        steady_added = statistics.median(run.steady_added for run in runs)
        commands.append(
            (f"`dbt build`, steady state (day {WARMUP_DAYS + 2})", "full_build", "steady_build",
             steady_added)
        )  # fmt: skip
    rows = []
    for command, full_step, incremental_step, day_added in commands:
        full = _median(runs, full_step)
        incremental = _median(runs, incremental_step)
        ratio = incremental / full if full > 0 else float("inf")
        targeted = incremental_step in ("incremental_build", "steady_build")
        rows.append(
            [
                f"{scale:g}",
                str(len(runs)),
                f"{append:.1f}",
                f"{last.journal_before:,}",
                f"{day_added:,.0f}",
                models,
                command,
                f"{full:.1f}",
                f"{incremental:.1f}",
                _ratio_text(ratio),
                _target_text(ratio) if targeted else "–",
            ]
        )
    return rows


HEADER = [
    "scale",
    "runs",
    "append 1 day s",
    "journal entries",
    "entries added",
    "incremental models",
    "command",
    "full median s",
    "incremental median s",
    "incremental / full",
    "target",
]


GROWTH_HEADER = [
    "scale",
    "journal entries",
    "full `dbt build` median s",
    "full: x smallest scale",
    "incremental `dbt build` median s",
    "incremental: x smallest scale",
    "target",
]


def growth_rows(
    by_scale: dict[float, Sequence[IncrementalRun]], step: str = "incremental_build"
) -> list[list[str]]:
    """How the full and the incremental ``dbt build`` (``step``: the first day's, or the steady
    state's) grow with the scale: each scale against the smallest one measured (the daily load
    should not grow with history; the full build does)."""
    scales = sorted(by_scale)
    base_full = _median(by_scale[scales[0]], "full_build")
    base_incremental = _median(by_scale[scales[0]], step)
    rows = []
    for scale in scales:
        runs = by_scale[scale]
        full = _median(runs, "full_build")
        incremental = _median(runs, step)
        growth = incremental / base_incremental if base_incremental > 0 else float("inf")
        met = "met" if growth <= GROWTH_TARGET else "MISSED"
        rows.append(
            [
                f"{scale:g}",
                f"{runs[-1].journal_before:,}",
                f"{full:.1f}",
                f"{full / base_full:.2f}" if base_full > 0 else "–",
                f"{incremental:.1f}",
                f"{growth:.2f}",
                "–" if scale == scales[0] else f"<= {GROWTH_TARGET:g}: {met}",
            ]
        )
    return rows


def nodes_text(scale: float, run: IncrementalRun) -> str:
    """Where the incremental build's time went, per resource type (the last repeat)."""
    parts = [f"{nodes} {kind}s {seconds:.1f} s" for kind, nodes, seconds in run.incremental_nodes]
    return f"scale {scale:g}: " + (", ".join(parts) if parts else "no run_results.json")


def bench_incremental(config: BenchConfig, state: BenchState) -> str:
    rows_out = []
    nodes_lines = []
    by_scale: dict[float, list[IncrementalRun]] = {}
    for scale in section_scales(config):
        base = base_raw(config, state, scale)
        repeats = config.repeats_for(scale)
        runs = []
        for index in range(repeats):
            prefix = f"incremental scale {scale:g} run {index + 1}/{repeats}"
            work = config.workdir / f"scale-{scale:g}" / "incremental"
            runs.append(
                run_once(
                    base,
                    work,
                    lambda message, p=prefix: config.log(f"{p}: {message}"),
                    config.late_days,
                )
            )
        rows_out += report_rows(scale, runs)
        nodes_lines.append(nodes_text(scale, runs[-1]))
        by_scale[scale] = runs
    table = markdown_table(HEADER, rows_out)
    growth = (
        "\n\nHow the daily load grows with history (each scale against the smallest measured; "
        f"target: the incremental `dbt build` at most {GROWTH_TARGET:g} times its time at the "
        "smallest scale, while the full build grows with the data):\n\n"
        + markdown_table(GROWTH_HEADER, growth_rows(by_scale))
        if len(by_scale) > 1
        else ""
    )
    if len(by_scale) > 1 and all(_has_steady(runs) for runs in by_scale.values()):
        growth += (
            f"\n\nThe same for the steady-state build (day {WARMUP_DAYS + 2}: its lookback window "
            "holds appended days only):\n\n"
            + markdown_table(GROWTH_HEADER, growth_rows(by_scale, "steady_build"))
        )
    late = "" if config.late_days is None else f" --late-days {config.late_days}"
    late_note = (
        ""
        if config.late_days is None
        else f" Late events up to {config.late_days} days old: the incremental build restates "
        "everything from the oldest one (int_load_window)."
    )
    return (
        f"A daily load: `plantledger generate --append-days {APPEND_DAYS}{late}` on a copy of the "
        "generated folder, then a plain `dbt build` on the warehouse built before the append "
        "(incremental: the event models process their lookback window only), against a full "
        "`dbt build` into a new DuckDB file; the same without the unit tests (`--exclude-"
        "resource-type unit_test`: the daily load as production runs it, unit tests in CI) and "
        "for `dbt run` (models only). Each step is its own process, timed "
        "from start-up to exit; every dbt command finds the project already parsed (an "
        "untimed `dbt parse`, or `dbt seed`, precedes each full one). Journal entries: after "
        "the full build; entries added: by the day's load; incremental models: those the "
        "incremental build inserted or merged into, of the project's incremental models. "
        "Target: the incremental `dbt build` at most 10 % of the full one's wall time. "
        f"Steady state: {WARMUP_DAYS} more days appended and built (untimed), then one more "
        "day's `dbt build`: its lookback window holds appended days only, where the first "
        "day's still holds the generated history's last, denser days."
        + late_note
        + "\n\n"
        + table
        + "\n\nThe incremental `dbt build`'s nodes and their thread seconds (dbt's "
        "execution_time, summed over its threads), per resource type: "
        + "; ".join(nodes_lines)
        + "."
        + growth
    )


SECTION = Section("incremental", "Daily incremental load", bench_incremental)
