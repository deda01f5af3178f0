"""The daily incremental load benchmark section: registration, commands, dbt's artifacts, one
repeat and the report, with a fake dbt and a fake append (no generator, no real dbt run: the
incremental warehouse itself is tests/test_incremental.py)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from plantledger import cli
from plantledger.bench import dbt as bench_dbt
from plantledger.bench import incremental as bench_incremental
from plantledger.bench import inputs as bench_inputs
from plantledger.bench.config import DEFAULT_SEED, BenchConfig, BenchError, BenchState
from plantledger.bench.incremental import IncrementalRun, Timed
from plantledger.bench.sections import SECTIONS
from plantledger.bench.timing import RunResult

# A stand-in for dbt: `python -c FAKE_DBT <verb> --project-dir P --target-path T ...`. The
# warehouse's journal gets one row per line of <raw>/events.txt; like dbt, it writes
# target/manifest.json (one incremental model) and the model's SQL under target/run/, an insert
# when the table existed before, a create otherwise. Each call appends what it saw to
# <raw>/../dbt-calls.jsonl.
FAKE_DBT = r"""
import json, os, sys
from pathlib import Path
import duckdb

verb = sys.argv[1]
target = Path(sys.argv[sys.argv.index("--target-path") + 1])
raw = Path(os.environ["PLANTLEDGER_RAW"])
warehouse = Path(os.environ["PLANTLEDGER_DUCKDB"])
left = sorted(p.name for p in target.rglob("*.sql"))
calls = raw.parent / "dbt-calls.jsonl"
if verb in ("parse", "seed"):  # parses (seeds: not modelled)
    target.mkdir(parents=True, exist_ok=True)
    (target / "partial_parse.msgpack").write_text("parsed")
    with calls.open("a") as out:
        out.write(json.dumps({"verb": verb, "warehouse": warehouse.parent.name}) + "\n")
    sys.exit(0)
parsed = (target / "partial_parse.msgpack").exists()
events = len((raw / "events.txt").read_text().splitlines())
journal = "marts.fact_inventory_journal"
with duckdb.connect(str(warehouse)) as con:
    con.execute("create schema if not exists marts")
    tables = con.execute("select table_name from information_schema.tables").fetchall()
    existed = ("fact_inventory_journal",) in tables
    before = con.execute(f"select count(*) from {journal}").fetchone()[0] if existed else None
    con.execute(f"create or replace table {journal} as select range as i from range({events})")
path = "models/marts/inventory/fact_inventory_journal.sql"
nodes = {
    "a": {"name": "fact_inventory_journal", "resource_type": "model",
          "package_name": "plantledger", "original_file_path": path,
          "config": {"materialized": "incremental"}},
    "b": {"name": "dim_parts", "resource_type": "model", "package_name": "plantledger",
          "original_file_path": "models/marts/core/dim_parts.sql",
          "config": {"materialized": "table"}},
}
target.mkdir(parents=True, exist_ok=True)
(target / "manifest.json").write_text(json.dumps({"nodes": nodes}))
run = target / "run" / "plantledger" / path
run.parent.mkdir(parents=True, exist_ok=True)
run.write_text("insert into x select 1" if existed else "create table x as select 1")
results = [{"unique_id": "model.plantledger.fact_inventory_journal", "execution_time": 1.5},
           {"unique_id": "test.plantledger.t", "execution_time": 0.25},
           {"unique_id": "test.plantledger.u", "execution_time": 0.5},
           {"unique_id": "exposure.plantledger.e", "execution_time": 0.0}]
(target / "run_results.json").write_text(json.dumps({"results": results, "verb": verb}))
call = {"verb": verb, "warehouse": warehouse.parent.name, "before": before, "events": events,
        "run_sql_left": left, "parsed": parsed, "argv": sys.argv[1:]}
with calls.open("a") as out:
    out.write(json.dumps(call) + "\n")
"""

# A stand-in for `plantledger generate --append-days N --out RAW`: N lines more in events.txt.
FAKE_APPEND = r"""
import sys
from pathlib import Path
days = int(sys.argv[sys.argv.index("--append-days") + 1])
raw = Path(sys.argv[sys.argv.index("--out") + 1])
with (raw / "events.txt").open("a") as out:
    out.write("late\n" * days)
"""


def fake_base(folder: Path, events: int = 5) -> Path:
    folder.mkdir(parents=True)
    (folder / "_manifest.json").write_text("{}")
    (folder / "events.txt").write_text("base\n" * events)
    return folder


@pytest.fixture
def fake_commands(monkeypatch):
    monkeypatch.setattr(
        bench_incremental,
        "dbt_command",
        lambda verb, workdir: [
            sys.executable,
            "-c",
            FAKE_DBT,
            verb,
            "--target-path",
            str(workdir / "target"),
        ],
    )
    monkeypatch.setattr(
        bench_incremental,
        "append_command",
        lambda raw, days, late_days=None: [
            sys.executable,
            "-c",
            FAKE_APPEND,
            "--append-days",
            str(days),
            "--out",
            str(raw),
        ],
    )


def timed(seconds: float) -> Timed:
    return Timed(seconds, seconds / 2, 2**20)


def fake_run(full_build, incremental_build, full_run, incremental_run, added=10, append=2.0):
    return IncrementalRun(
        full_build=timed(full_build),
        full_run=timed(full_run),
        append=timed(append),
        incremental_build=timed(incremental_build),
        incremental_run=timed(incremental_run),
        incremental_build_data_only=timed(incremental_build * 0.9),
        journal_before=1000,
        journal_after=1000 + added,
        incremental_models=("fact_inventory_journal", "int_inventory_events"),
        ran_incrementally=("fact_inventory_journal", "int_inventory_events"),
    )


# --- registration and commands -------------------------------------------------------------


def test_section_is_registered_after_the_dbt_build():
    names = list(SECTIONS)
    assert names.index("dbt") < names.index("incremental")
    assert SECTIONS["incremental"].title == "Daily incremental load"


def test_scales_1_and_3_unless_scales_are_given():
    assert bench_incremental.section_scales(BenchConfig()) == (1.0, 3.0)
    assert bench_incremental.section_scales(BenchConfig(scales=(0.05,))) == (0.05,)
    assert bench_incremental.section_scales(BenchConfig(scales=(0.1, 10.0))) == (0.1, 10.0)


def test_the_brief_spelling_selects_the_section_and_scale():
    args = cli.build_parser().parse_args(["bench", "--section", "incremental", "--scale", "0.1"])
    assert args.sections == ["incremental"] and args.scales == ["0.1"]


def test_commands(tmp_path):
    dbt = bench_incremental.dbt_command("run", tmp_path)
    assert dbt[0] == bench_dbt.dbt_executable() and dbt[1] == "run"
    assert dbt[dbt.index("--target-path") + 1] == str(tmp_path / "target")
    assert dbt[dbt.index("--project-dir") + 1] == str(bench_dbt.PROJECT_DIR)
    append = bench_incremental.append_command(tmp_path / "raw", 1)
    assert append[:3] == [sys.executable, "-m", "plantledger.cli"]
    assert append[3:] == [
        "generate",
        "--append-days",
        "1",
        "--out",
        str(tmp_path / "raw"),
        "--quiet",
    ]
    late = bench_incremental.append_command(tmp_path / "raw", 1, 30)
    assert late[3:] == [
        "generate",
        "--append-days",
        "1",
        "--late-days",
        "30",
        "--out",
        str(tmp_path / "raw"),
        "--quiet",
    ]
    env = bench_incremental.dbt_env(Path("raw"), Path("w/warehouse.duckdb"))
    assert env["PLANTLEDGER_RAW"] == str(Path("raw").resolve())
    assert env["PLANTLEDGER_DUCKDB"] == str(Path("w/warehouse.duckdb").resolve())
    assert env["DBT_PROFILES_DIR"] == str(bench_dbt.PROJECT_DIR)


# --- dbt's artifacts ------------------------------------------------------------------------


def write_target(target: Path, models: dict[str, tuple[str, str | None]]) -> None:
    """A target/ with manifest.json and, per model, (materialized, its run SQL or None)."""
    nodes = {}
    for name, (materialized, sql) in models.items():
        path = f"models/marts/{name}.sql"
        nodes[f"model.plantledger.{name}"] = {
            "name": name,
            "resource_type": "model",
            "package_name": "plantledger",
            "original_file_path": path,
            "config": {"materialized": materialized},
        }
        if sql is not None:
            run = target / "run" / "plantledger" / path
            run.parent.mkdir(parents=True, exist_ok=True)
            run.write_text(sql)
    nodes["test.plantledger.not_null_x"] = {"name": "not_null_x", "resource_type": "test"}
    target.mkdir(parents=True, exist_ok=True)
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes}))


def test_incremental_models_and_which_ran_incrementally(tmp_path):
    target = tmp_path / "target"
    write_target(
        target,
        {
            "journal": ("incremental", "delete from t where x;\n\n  INSERT INTO t select 1"),
            "events": ("incremental", 'merge into "w"."marts"."events" as t using s on ...'),
            "history": ("incremental", 'create table "w"."marts"."history" as (select 1)'),
            # a contracted model's full build: create with column types, then insert
            "contracted": (
                "incremental",
                'create table "w"."marts"."c" (x int);\ninsert into "w"."marts"."c" select 1',
            ),
            "not_run": ("incremental", None),
            "dim": ("table", "insert into something"),
        },
    )
    models = bench_incremental.incremental_models(target)
    assert sorted(models) == ["contracted", "events", "history", "journal", "not_run"]
    assert models["journal"] == target / "run/plantledger/models/marts/journal.sql"
    assert bench_incremental.ran_incrementally(models) == {"journal", "events"}


def test_copy_database_takes_the_write_ahead_log_along(tmp_path):
    source, destination = tmp_path / "a.duckdb", tmp_path / "out" / "b.duckdb"
    source.write_bytes(b"db")
    destination.parent.mkdir()
    destination.write_bytes(b"old")
    (tmp_path / "out" / "b.duckdb.wal").write_bytes(b"stale log")
    bench_incremental.copy_database(source, destination)
    assert destination.read_bytes() == b"db"
    assert not (tmp_path / "out" / "b.duckdb.wal").exists()
    (tmp_path / "a.duckdb.wal").write_bytes(b"log")
    bench_incremental.copy_database(source, destination)
    assert (tmp_path / "out" / "b.duckdb.wal").read_bytes() == b"log"


def test_a_failing_step_is_a_bench_error_with_its_output(tmp_path):
    command = [sys.executable, "-c", "print('--append-days: no such option'); raise SystemExit(2)"]
    with pytest.raises(BenchError, match=r"append failed \(exit 2\): --append-days: no such"):
        bench_incremental.run_timed(command, {}, tmp_path, tmp_path / "x.log", "append")


# --- one repeat, with the fake dbt and append -------------------------------------------------


def test_one_repeat_times_each_step_and_restores_the_warehouse(tmp_path, fake_commands):
    base = fake_base(tmp_path / "base", events=5)
    work = tmp_path / "work"
    (work / "stale").mkdir(parents=True)  # a previous repeat's leftovers are removed
    messages: list[str] = []

    run = bench_incremental.run_once(base, work, messages.append)

    calls = [json.loads(line) for line in (work / "dbt-calls.jsonl").read_text().splitlines()]
    assert [c["verb"] for c in calls] == [
        "parse", "build", "seed", "run", "build", "run", "build", "build", "build"
    ]  # fmt: skip
    assert [c["warehouse"] for c in calls] == [
        "build", "build", "run", "run", "build", "build", "build", "build", "build"
    ]  # fmt: skip
    timed_calls = [c for c in calls if c["verb"] not in ("parse", "seed")]
    assert [(c["verb"], c["before"], c["events"]) for c in timed_calls] == [
        ("build", None, 5),  # full build: a new warehouse file
        ("run", None, 5),  # full run: another new file, same raw data
        ("build", 5, 6),  # incremental build: the full build's warehouse, a day more
        ("run", 5, 6),  # incremental run: the warehouse as it was before the append
        ("build", 5, 6),  # incremental build without unit tests: before the append again
        ("build", 6, 9),  # warm-up: three more days on that warehouse (untimed)
        ("build", 9, 10),  # steady state: one day more
    ]
    assert "--exclude-resource-type unit_test" in " ".join(calls[6]["argv"])
    assert "--exclude-resource-type" not in " ".join(calls[4]["argv"])
    # every timed dbt call finds the project parsed, and none the previous call's run SQL
    assert all(c["parsed"] and c["run_sql_left"] == [] for c in timed_calls)
    assert run.journal_before == 5 and run.journal_after == 6 and run.journal_added == 1
    assert run.incremental_models == ("fact_inventory_journal",)
    assert run.ran_incrementally == ("fact_inventory_journal",)
    assert run.steady_added == 1
    steps = ("full_build", "full_run", "append", "incremental_build", "incremental_run")
    for step in (*steps, "incremental_build_data_only", "steady_build"):
        assert 0 < getattr(run, step).seconds < 60, step
    assert (base / "events.txt").read_text() == "base\n" * 5  # the base folder is left alone
    assert (work / "raw" / "events.txt").read_text().endswith("late\n")
    assert not (work / "stale").exists() and not (work / "run").exists()
    assert not (work / "before-append.duckdb").exists()
    # each timed dbt step's run_results.json is kept (the full run's next to its removed folder)
    assert (work / "full-run.run_results.json").is_file()
    kept = sorted(path.name for path in (work / "build").glob("*.run_results.json"))
    assert kept == [
        "full-build.run_results.json",
        "incremental-build-data-only.run_results.json",
        "incremental-build.run_results.json",
        "incremental-run.run_results.json",
        "steady-build.run_results.json",
        "warmup-build.run_results.json",
    ]
    assert [m.split(" ")[0:2] for m in messages] == [
        ["full", "dbt"],
        ["full", "dbt"],
        ["append", "1"],
        ["incremental", "dbt"],
        ["incremental", "dbt"],
        ["incremental", "dbt"],
        ["steady-state", "dbt"],
    ]
    assert "(after 3 more days)" in messages[6] and "1 journal entries added" in messages[6]
    assert "1 journal entries added, 1/1 incremental models ran incrementally" in messages[3]
    # where the incremental build's thread time went, per resource type (exposures left out)
    assert run.incremental_nodes == (("model", 1, 1.5), ("test", 2, 0.75))


# --- the report -------------------------------------------------------------------------------


def test_report_rows_give_medians_ratios_and_the_target():
    runs = [
        fake_run(100.0, 12.0, 80.0, 6.0, added=10),
        fake_run(120.0, 20.0, 90.0, 9.0, added=12),
        fake_run(110.0, 14.0, 70.0, 8.0, added=11),
    ]
    build, data_only, run = bench_incremental.report_rows(1.0, runs)
    assert build == [
        "1", "3", "2.0", "1,000", "11", "2/2", "`dbt build`", "110.0", "14.0", "12.7 %",
        "<= 10 %: MISSED",
    ]  # fmt: skip
    # the same without unit tests (the fake runs take 0.9 of the plain build): no target
    assert data_only[6:] == [
        "`dbt build --exclude-resource-type unit_test`", "110.0", "12.6", "11.5 %", "–",
    ]  # fmt: skip
    assert run == [
        "1", "3", "2.0", "1,000", "11", "2/2", "`dbt run`", "80.0", "8.0", "10.0 %", "–",
    ]  # fmt: skip
    slow = bench_incremental.report_rows(0.5, [fake_run(100.0, 15.0, 80.0, 6.0)])
    assert slow[0][-2:] == ["15.0 %", "<= 10 %: MISSED"]
    exact = bench_incremental.report_rows(0.5, [fake_run(100.0, 10.0, 80.0, 6.0)])
    assert exact[0][-2:] == ["10.0 %", "<= 10 %: met"]
    assert len(HEADER := bench_incremental.HEADER) == len(slow[0]) and HEADER[6] == "command"


def test_report_rows_add_the_steady_state_build_when_measured():
    runs = [
        replace(fake_run(100.0, 30.0, 80.0, 6.0), steady_build=timed(9.0), steady_added=4),
        replace(fake_run(120.0, 20.0, 90.0, 9.0), steady_build=timed(11.0), steady_added=6),
        replace(fake_run(110.0, 14.0, 70.0, 8.0), steady_build=timed(13.0), steady_added=5),
    ]
    rows = bench_incremental.report_rows(1.0, runs)
    assert len(rows) == 4
    assert rows[3][4:] == [
        "5", "2/2", "`dbt build`, steady state (day 5)", "110.0", "11.0", "10.0 %",
        "<= 10 %: met",
    ]  # fmt: skip
    # a run without it (an older repeat's figures) leaves the row out
    assert len(bench_incremental.report_rows(1.0, [*runs, fake_run(1, 1, 1, 1)])) == 3
    growth = bench_incremental.growth_rows(
        {1.0: runs, 3.0: [replace(runs[0], steady_build=timed(22.0))]}, "steady_build"
    )
    assert growth[1][4:] == ["22.0", "2.00", "<= 1.3: MISSED"]


def test_growth_rows_compare_each_scale_with_the_smallest():
    by_scale = {
        3.0: [fake_run(300.0, 12.0, 200.0, 6.0), fake_run(310.0, 13.0, 210.0, 7.0)],
        1.0: [fake_run(100.0, 10.0, 80.0, 6.0)],
        10.0: [fake_run(1000.0, 14.0, 800.0, 6.0)],
    }
    rows = bench_incremental.growth_rows(by_scale)
    assert [row[0] for row in rows] == ["1", "3", "10"]
    assert rows[0] == ["1", "1,000", "100.0", "1.00", "10.0", "1.00", "–"]
    assert rows[1] == ["3", "1,000", "305.0", "3.05", "12.5", "1.25", "<= 1.3: met"]
    assert rows[2][-2:] == ["1.40", "<= 1.3: MISSED"]


def test_section_uses_the_generated_folder_or_generates_one(tmp_path, monkeypatch):
    repeats: list[tuple[Path, Path]] = []

    def fake_once(base, work, log, late_days=None):
        assert late_days is None
        repeats.append((base, work))
        log("step")
        return fake_run(100.0, 10.0, 50.0, 5.0)

    generated = []

    def fake_generation(scale, seed, end_date, out):
        generated.append((scale, seed, out))
        return RunResult(rows=777, seconds=1.0, max_rss_bytes=1)

    monkeypatch.setattr(bench_incremental, "run_once", fake_once)
    monkeypatch.setattr(bench_inputs, "run_generation", fake_generation)
    logged: list[str] = []
    config = BenchConfig(scales=(1.0, 0.2), repeat=2, workdir=tmp_path, log=logged.append)
    state = BenchState(raw={1.0: tmp_path / "given"}, rows={1.0: 5000})

    body = SECTIONS["incremental"].run(config, state)

    assert generated == [(0.2, DEFAULT_SEED, config.raw_dir(0.2))]
    assert state.raw[0.2] == config.raw_dir(0.2) and state.rows[0.2] == 777
    assert (
        repeats
        == [(tmp_path / "given", tmp_path / "scale-1" / "incremental")] * 2
        + [(config.raw_dir(0.2), tmp_path / "scale-0.2" / "incremental")] * 2
    )
    assert "incremental scale 1 run 2/2: step" in logged
    lines = body.splitlines()
    assert (
        "| 1 | 2 | 2.0 | 1,000 | 10 | 2/2 | `dbt build` | 100.0 | 10.0 | 10.0 % | <= 10 %: met |"
        in lines
    )
    assert "| 0.2 | 2 | 2.0 | 1,000 | 10 | 2/2 | `dbt run` | 50.0 | 5.0 | 10.0 % | – |" in lines


def test_bench_command_runs_the_section_alone_and_fills_the_readme(
    tmp_path, monkeypatch, capsys, fake_commands
):
    """`plantledger bench --sections incremental --scales 0.5`: the real launcher and repeats,
    with the fake dbt and append, and a fake generation of the base folder."""

    def fake_generation(scale, seed, end_date, out):
        fake_base(out, events=4)
        return RunResult(rows=4, seconds=0.1, max_rss_bytes=1)

    monkeypatch.setattr(bench_inputs, "run_generation", fake_generation)
    readme = tmp_path / "README.md"
    readme.write_text("# R\n<!-- bench:start -->\nplaceholder\n<!-- bench:end -->\n")
    argv = ["bench", "--sections", "incremental", "--scales", "0.5", "--repeat", "2"]
    argv += ["--workdir", str(tmp_path / "work"), "--update-readme", str(readme)]
    assert cli.main(argv) == 0
    captured = capsys.readouterr()
    assert "### Daily incremental load" in captured.out
    rows = [line for line in captured.out.splitlines() if line.startswith("| 0.5 |")]
    cells = [[cell.strip() for cell in row.strip("| ").split(" | ")] for row in rows]
    # runs, journal entries after the full build, entries added, incremental models, command
    assert [row[1:2] + row[3:7] for row in cells] == [
        ["2", "4", "1", "1/1", "`dbt build`"],
        ["2", "4", "1", "1/1", "`dbt build --exclude-resource-type unit_test`"],
        ["2", "4", "1", "1/1", "`dbt run`"],
        ["2", "4", "1", "1/1", "`dbt build`, steady state (day 5)"],
    ]
    assert captured.err.count("bench: incremental scale 0.5 run ") == 14  # 7 steps, 2 runs
    assert "scale 0.5: 1 models 1.5 s, 2 tests 0.8 s" in captured.out  # the nodes' thread time
    assert captured.out in readme.read_text()
    with duckdb.connect(
        str(tmp_path / "work/scale-0.5/incremental/build/warehouse.duckdb"), read_only=True
    ) as con:  # the last repeat's last build (the steady state's) saw every appended day
        assert con.sql("select count(*) from marts.fact_inventory_journal").fetchall() == [(9,)]


def test_late_days_reach_the_append_and_the_report(tmp_path, monkeypatch):
    """``bench --late-days 30``: every repeat appends with --late-days 30; the text says so."""
    seen: list[int | None] = []

    def fake_once(base, work, log, late_days=None):
        seen.append(late_days)
        return fake_run(100.0, 10.0, 50.0, 5.0)

    monkeypatch.setattr(bench_incremental, "run_once", fake_once)
    config = BenchConfig(scales=(1.0,), repeat=2, workdir=tmp_path, late_days=30)
    state = BenchState(raw={1.0: tmp_path / "given"}, rows={1.0: 5000})
    body = SECTIONS["incremental"].run(config, state)
    assert seen == [30, 30]
    assert "`plantledger generate --append-days 1 --late-days 30`" in body
    assert "Late events up to 30 days old" in body
    command = ["bench", "--sections", "incremental", "--late-days", "30"]
    assert cli.build_parser().parse_args(command).late_days == "30"
