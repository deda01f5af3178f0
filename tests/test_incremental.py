"""Daily incremental loads end to end: an incremental `dbt build` after
`plantledger generate --append-days N` gives the same warehouse as a full refresh.

One scenario per module, in stages (module fixtures, each capturing what it built at once,
since the next stage changes the same files):

1. ``first_day``: a copy of the session's small raw folder (``raw_small``); ``dbt build`` into
   warehouse A; ``--append-days 1``; ``dbt build`` on A (incremental); ``dbt build
   --full-refresh`` into a new warehouse B from the same raw folder;
2. ``rebuilt``: ``dbt build`` on A again, with no new data;
3. ``two_more_days``: ``--append-days 2``; ``dbt build`` on A (incremental); ``dbt build
   --full-refresh`` on B;
4. ``master_change``: ``--append-days 1`` and, in that load, a new version of some suppliers
   (renamed: generated appends bring no master data); the same two builds.

Every relation of the staging, intermediate, marts and reference schemas is compared by content
hash (tests/warehouse_compare.py): the same rows, whatever their order.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import polars as pl
import pytest

from plantledger.bench.incremental import incremental_models, ran_incrementally
from plantledger.rawfolder import (
    MANIFEST_NAME,
    PART_TEMPLATE,
    Manifest,
    TableEntry,
    hash_files,
    part_files,
)
from tests.dbt_runner import DbtRun, dbt_build, node_results
from tests.warehouse_compare import content_hashes, describe_differences, differences

Hashes = dict[str, tuple[int, str]]

JOURNAL = "fact_inventory_journal"

# journal source table -> its event time column (the raw contract, plantledger/schema.py)
EVENT_TIME = {
    "supplier_receipts": "received_at",
    "sublot_movements": "moved_at",
    "material_transactions": "created_at",
    "plc_tag_events": "source_timestamp",
}
# the sources with exactly two journal entries per raw row (tests/test_warehouse.py)
TWO_ENTRIES_PER_ROW = ("supplier_receipts", "sublot_movements", "material_transactions")


@dataclass
class Build:
    """One `dbt build`, and what it left, captured right after it."""

    run: DbtRun
    hashes: Hashes
    incremental_models: set[str] = field(default_factory=set)
    ran_incrementally: set[str] = field(default_factory=set)  # inserted or merged into
    journal_entries: int = 0

    failed: dict[str, str] = field(default_factory=dict)  # node -> status, read at once

    def failures(self) -> dict[str, str]:
        """Node -> status of every model, seed, test or hook that did not succeed or pass
        (nodes skipped because of an earlier failure included), as this build left them: a
        later build in the same folder overwrites run_results.json."""
        return self.failed

    @property
    def ok(self) -> bool:
        return self.run.returncode == 0 and not self.failures()

    def explain(self) -> str:
        """The failing nodes by name (skipped ones only counted) and the end of dbt's output."""
        failures = self.failures()
        failed = {node: status for node, status in failures.items() if status != "skipped"}
        skipped = len(failures) - len(failed)
        return (
            f"dbt build exited {self.run.returncode}; not passed: {failed}; "
            f"{skipped} node(s) skipped after them\n{self.run.tail()}"
        )


def failed_nodes(run: DbtRun) -> dict[str, str]:
    """Node -> status of every node of ``run`` that did not succeed or pass (exposures, listed
    as no-op, aside); a missing run_results.json is one entry."""
    if not (run.target / "run_results.json").exists():
        return {"<no run_results.json>": f"exit {run.returncode}"}
    return {
        result["unique_id"]: result["status"]
        for result in node_results(run.target)
        if result["status"] not in {"success", "pass"}
        and not result["unique_id"].startswith("exposure.")  # listed as no-op: nothing built
    }


def build(raw: Path, workdir: Path, *extra: str) -> Build:
    """``dbt build`` from ``raw`` into ``workdir/warehouse.duckdb``, captured at once."""
    shutil.rmtree(workdir / "target" / "run", ignore_errors=True)  # only this run's SQL
    run = dbt_build(raw, workdir, *extra)
    if not run.duckdb.exists():
        return Build(run, {}, failed=failed_nodes(run))
    models = incremental_models(run.target) if (run.target / "manifest.json").exists() else {}
    with duckdb.connect(str(run.duckdb), read_only=True) as con:
        try:
            entries = con.sql(f"select count(*) from marts.{JOURNAL}").fetchall()[0][0]
        except duckdb.CatalogException:  # the build stopped before the journal
            entries = -1
    return Build(
        run,
        content_hashes(run.duckdb),
        set(models),
        ran_incrementally(models),
        int(entries),
        failed_nodes(run),
    )


def append_days(raw: Path, days: int) -> None:
    """``plantledger generate --append-days DAYS --out RAW``; fails the fixture on error."""
    command = [sys.executable, "-m", "plantledger.cli", "generate", "--append-days", str(days)]
    proc = subprocess.run(
        [*command, "--out", str(raw), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(f"generate --append-days {days} exited {proc.returncode}: {proc.stderr}")


def load_window_start(raw: Path, load_id: int) -> dt.datetime:
    """The first instant of the window that load ``load_id`` appended (``_manifest.json``)."""
    manifest = json.loads((raw / "_manifest.json").read_text(encoding="utf-8"))
    (load,) = [entry for entry in manifest["loads"] if entry["load_id"] == load_id]
    start = dt.date.fromisoformat(load["first_day"])
    return dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)


def compare(left: Build, right: Build) -> str:
    """'' when both warehouses hold the same rows, else which relations differ and how."""
    diff = differences(left.hashes, right.hashes)
    if not diff:
        return ""
    return describe_differences(diff, left.run.duckdb, right.run.duckdb)


@dataclass
class LateEvents:
    """The appended events of one load that happened before its window (arrived late)."""

    window_start: dt.datetime
    rows: dict[str, int]  # source table -> late raw rows
    missing: dict[str, list[int]]  # source table -> ids without their two entries in A
    entries: dict[str, tuple[int, int]]  # source table -> (entries in A, entries in B)


def late_events(raw: Path, load_id: int, incremental: Path, full: Path) -> LateEvents:
    start = load_window_start(raw, load_id)
    rows: dict[str, int] = {}
    missing: dict[str, list[int]] = {}
    entries: dict[str, tuple[int, int]] = {}
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{incremental}' as a (read_only)")
        con.execute(f"attach '{full}' as b (read_only)")
        for table, column in EVENT_TIME.items():
            con.execute(
                f"""
                create or replace temp table late as
                select id from read_parquet('{raw / table}/*.parquet')
                where load_id = ? and {column} < ?
                """,
                [load_id, start],
            )
            rows[table] = con.sql("select count(*) from late").fetchall()[0][0]
            counts = []
            for db in ("a", "b"):
                counts.append(
                    con.sql(
                        f"""
                        select count(*) from {db}.marts.{JOURNAL} as j
                        semi join late on j.source_id = late.id
                        where j.source_table = '{table}'
                        """
                    ).fetchall()[0][0]
                )
            entries[table] = (counts[0], counts[1])
            if table in TWO_ENTRIES_PER_ROW:
                missing[table] = [
                    row[0]
                    for row in con.sql(
                        f"""
                        select late.id from late
                        left join a.marts.{JOURNAL} as j
                            on j.source_table = '{table}' and j.source_id = late.id
                        group by late.id
                        having count(j.source_id) <> 2
                        order by late.id
                        limit 10
                        """
                    ).fetchall()
                ]
    return LateEvents(start, rows, missing, entries)


# --- the stages -------------------------------------------------------------------------------


@dataclass
class FirstDay:
    raw: Path
    initial: Build  # A, built from the generated folder
    incremental: Build  # A, after --append-days 1
    full: Build  # B, a new file, from the same raw folder as `incremental`
    comparison: str  # '' when `incremental` and `full` hold the same rows
    late: LateEvents


@pytest.fixture(scope="module")
def first_day(raw_small, tmp_path_factory) -> FirstDay:
    root = tmp_path_factory.mktemp("incremental")
    raw = root / "raw"
    shutil.copytree(raw_small.path, raw)
    initial = build(raw, root / "a")
    if initial.run.returncode != 0:
        pytest.fail(f"the initial dbt build failed: {initial.explain()}")
    append_days(raw, 1)
    incremental = build(raw, root / "a")
    full = build(raw, root / "b", "--full-refresh")
    late = late_events(raw, 1, incremental.run.duckdb, full.run.duckdb)
    return FirstDay(raw, initial, incremental, full, compare(incremental, full), late)


@dataclass
class Rebuilt:
    again: Build
    comparison: str  # '' when `again` holds the rows A held before it


@pytest.fixture(scope="module")
def rebuilt(first_day: FirstDay) -> Rebuilt:
    again = build(first_day.raw, first_day.incremental.run.duckdb.parent)
    return Rebuilt(again, compare(first_day.incremental, again))


@dataclass
class TwoMoreDays:
    incremental: Build
    full: Build
    comparison: str
    late: LateEvents


@pytest.fixture(scope="module")
def two_more_days(first_day: FirstDay, rebuilt: Rebuilt) -> TwoMoreDays:
    raw = first_day.raw
    append_days(raw, 2)
    incremental = build(raw, first_day.incremental.run.duckdb.parent)
    full = build(raw, first_day.full.run.duckdb.parent, "--full-refresh")
    late = late_events(raw, 2, incremental.run.duckdb, full.run.duckdb)
    return TwoMoreDays(incremental, full, compare(incremental, full), late)


@dataclass
class MasterChange:
    load_id: int
    renamed: int  # suppliers with a new version in the load
    incremental: Build
    full: Build
    comparison: str


def rename_suppliers(raw: Path, count: int) -> tuple[int, int]:
    """Add to the folder's newest load a new version of the ``count`` first suppliers with
    another name, as an append writes a changed row (same id, the load's load_id, in a part file
    after the table's others), and record it in the manifest. (load_id, rows added)."""
    manifest = Manifest.load(raw)
    load = manifest.loads[-1]
    folder = raw / "suppliers"
    files = part_files(folder)
    latest = (
        pl.read_parquet(files)
        .sort("id", "load_id")
        .unique("id", keep="last", maintain_order=True)
        .head(count)
    )
    renamed = latest.with_columns(
        pl.col("name") + " (renamed)", pl.lit(load["load_id"], dtype=pl.Int32).alias("load_id")
    )
    added = folder / PART_TEMPLATE.format(len(files))
    renamed.write_parquet(added)
    entry = manifest.tables["suppliers"]
    tables = dict(manifest.tables)
    tables["suppliers"] = TableEntry(
        entry.rows + renamed.height, entry.files + 1, hash_files([*files, added]), entry.columns
    )
    rows = {**load["rows"], "suppliers": load["rows"]["suppliers"] + renamed.height}
    loads = [*manifest.loads[:-1], {**load, "rows": rows}]
    changed = replace(manifest, tables=tables, loads=loads)
    (raw / MANIFEST_NAME).write_text(changed.to_json(), encoding="utf-8")
    return load["load_id"], renamed.height


@pytest.fixture(scope="module")
def master_change(first_day: FirstDay, two_more_days: TwoMoreDays) -> MasterChange:
    raw = first_day.raw
    append_days(raw, 1)
    load_id, renamed = rename_suppliers(raw, 3)
    incremental = build(raw, first_day.incremental.run.duckdb.parent)
    full = build(raw, first_day.full.run.duckdb.parent, "--full-refresh")
    return MasterChange(load_id, renamed, incremental, full, compare(incremental, full))


# --- first append: one day --------------------------------------------------------------------


def test_the_initial_build_creates_the_incremental_models(first_day):
    initial = first_day.initial
    assert initial.ok, initial.explain()
    assert JOURNAL in initial.incremental_models
    assert initial.ran_incrementally == set()  # a first build creates its tables


def test_the_append_is_a_new_load(first_day):
    manifest = json.loads((first_day.raw / "_manifest.json").read_text(encoding="utf-8"))
    assert [load["load_id"] for load in manifest["loads"]] == [0, 1]
    assert manifest["loads"][1]["late_events"] > 0, "the appended day has no late events"
    # the late events, as found here from the raw rows, are those the generator reports
    assert sum(first_day.late.rows.values()) == manifest["loads"][1]["late_events"]


def test_incremental_build_passes_every_test(first_day):
    incremental = first_day.incremental
    assert incremental.ok, incremental.explain()
    passed = incremental.run.with_status("pass")
    assert passed == incremental.run.test_names()  # every data test ran, and passed
    assert sum(name.startswith("column_rules_") for name in passed) > 80  # rules of every layer


def test_incremental_build_took_the_incremental_path(first_day):
    incremental = first_day.incremental
    assert JOURNAL in incremental.ran_incrementally
    assert incremental.ran_incrementally == incremental.incremental_models


def test_full_refresh_passes_every_test_and_rebuilds_from_scratch(first_day):
    full = first_day.full
    assert full.ok, full.explain()
    assert full.ran_incrementally == set()
    assert full.incremental_models == first_day.incremental.incremental_models


def test_incremental_build_equals_the_full_refresh(first_day):
    assert not first_day.comparison, first_day.comparison
    assert first_day.incremental.hashes == first_day.full.hashes
    assert f"marts.{JOURNAL}" in first_day.full.hashes


def test_the_day_added_journal_entries(first_day):
    assert first_day.incremental.journal_entries > first_day.initial.journal_entries
    assert first_day.incremental.hashes != first_day.initial.hashes


def test_late_events_are_in_the_journal_after_the_incremental_build(first_day):
    late = first_day.late
    assert late.missing == {table: [] for table in TWO_ENTRIES_PER_ROW}, late
    for table, (in_incremental, in_full) in late.entries.items():
        assert in_incremental == in_full, (table, late)
    assert sum(late.entries[table][0] for table in TWO_ENTRIES_PER_ROW) == 2 * sum(
        late.rows[table] for table in TWO_ENTRIES_PER_ROW
    )


# --- no new data: nothing changes ---------------------------------------------------------------


def test_a_build_without_new_data_changes_nothing(rebuilt, first_day):
    again = rebuilt.again
    assert again.ok, again.explain()
    assert not rebuilt.comparison, rebuilt.comparison
    assert again.hashes == first_day.incremental.hashes
    assert again.ran_incrementally == again.incremental_models


# --- second append: two days --------------------------------------------------------------------


def test_two_more_days_build_incrementally_to_the_full_refresh(two_more_days, first_day):
    incremental, full = two_more_days.incremental, two_more_days.full
    assert incremental.ok, incremental.explain()
    assert full.ok, full.explain()
    assert incremental.ran_incrementally == incremental.incremental_models
    assert full.ran_incrementally == set()
    assert not two_more_days.comparison, two_more_days.comparison
    assert incremental.hashes == full.hashes
    assert incremental.journal_entries > first_day.incremental.journal_entries


def test_late_events_of_the_second_append_are_in_the_journal(two_more_days):
    late = two_more_days.late
    assert late.missing == {table: [] for table in TWO_ENTRIES_PER_ROW}, late
    for table, (in_incremental, in_full) in late.entries.items():
        assert in_incremental == in_full, (table, late)


# --- a regenerated folder -------------------------------------------------------------------------


def test_a_regenerated_folder_is_refused_without_full_refresh(two_more_days, raw_small, tmp_path):
    """An incremental build continues appends only: from a folder regenerated with another
    seed, warehouse A's next plain build stops before any node runs (the on-run-start check of
    macros/raw/warehouse_generation.sql) with one line asking for --full-refresh, which then
    rebuilds it."""
    params = raw_small.params
    raw = tmp_path / "raw"
    command = [sys.executable, "-m", "plantledger.cli", "generate", "--scale", f"{params.scale:g}"]
    command += ["--seed", str(params.seed + 1), "--end-date", params.end_date.isoformat()]
    subprocess.run([*command, "--out", str(raw), "--quiet"], check=True)
    work = tmp_path / "a"
    work.mkdir()
    shutil.copy(two_more_days.incremental.run.duckdb, work / "warehouse.duckdb")

    refused = dbt_build(raw, work, "--select", "int_load_window")
    assert refused.returncode != 0
    assert "built from another generation" in refused.output, refused.tail()
    assert "'dbt build --full-refresh'" in refused.output
    assert refused.statuses() == {}  # refused before any node ran

    rebuilt = dbt_build(raw, work, "--select", "int_load_window", "--full-refresh")
    assert rebuilt.returncode == 0, rebuilt.tail()


# --- a master-data change ---------------------------------------------------------------------


def test_a_master_data_change_builds_incrementally_to_the_full_refresh(master_change):
    """A load with a new version of some suppliers: every model whose rows name master data
    (graph edges and nodes, lots, sublots: int_master_data_loads) rebuilds what the change can
    reach, and the incremental build equals the full refresh."""
    incremental, full = master_change.incremental, master_change.full
    assert master_change.renamed == 3
    assert incremental.ok, incremental.explain()
    assert full.ok, full.explain()
    assert not master_change.comparison, master_change.comparison
    with duckdb.connect(str(incremental.run.duckdb), read_only=True) as con:
        renamed, newest = con.sql(
            """
            select
                count(*) filter (where supplier_name like '% (renamed)'),
                (select suppliers_load_id from intermediate.int_master_data_loads)
            from marts.dim_suppliers
            """
        ).fetchall()[0]
    assert (renamed, newest) == (3, master_change.load_id)
