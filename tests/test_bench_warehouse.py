"""The dbt build benchmark section: registration, per-run measurement, report (no real dbt run:
the warehouse build itself is tests/test_warehouse.py)."""

from __future__ import annotations

import sys

import pytest

from plantledger import cli
from plantledger.bench import dbt as bench_dbt
from plantledger.bench import timing
from plantledger.bench import warehouse as bench_warehouse
from plantledger.bench.config import BenchConfig, BenchError, BenchState
from plantledger.bench.sections import SECTIONS
from plantledger.bench.timing import RunResult

ALLOCATE = "import sys, time; block = bytearray({mib} * 2**20); time.sleep(0.2); sys.exit({code})"


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_dbt_section_is_registered_after_generation():
    names = list(SECTIONS)
    assert names.index("generate") < names.index("dbt")
    assert SECTIONS["dbt"].title == "dbt build"


def test_measure_reports_the_peak_memory_of_that_run_only(tmp_path):
    ballast = b"x" * (400 * 2**20)  # this process is large: the figures must not include it
    big = timing.measure(
        python(ALLOCATE.format(mib=300, code=0)), {}, tmp_path, tmp_path / "big.log"
    )
    small = timing.measure(
        python(ALLOCATE.format(mib=1, code=3)), {}, tmp_path, tmp_path / "small.log"
    )
    assert big[0] == 0 and small[0] == 3
    assert big[3] >= 300 * 2**20
    assert small[3] < 150 * 2**20  # neither the earlier, larger child's figure nor ours
    assert 0.2 <= small[1] < 30
    assert 0 < small[2] < small[1]  # it mostly sleeps
    assert len(ballast) == 400 * 2**20


def test_measure_says_when_the_command_cannot_start(tmp_path):
    with pytest.raises(BenchError, match="could not run /no/such/dbt"):
        timing.measure(["/no/such/dbt"], {}, tmp_path, tmp_path / "x.log")


def test_a_failing_build_is_a_bench_error_with_its_output(tmp_path, monkeypatch):
    monkeypatch.setattr(
        bench_dbt,
        "dbt_build_command",
        lambda workdir: python("print('Compilation Error: boom'); raise SystemExit(2)"),
    )
    with pytest.raises(BenchError, match=r"failed \(exit 2\): Compilation Error: boom"):
        bench_dbt.run_dbt_build(tmp_path / "raw", tmp_path / "work")


def test_section_builds_every_scale_and_reports_median_and_peak(tmp_path, monkeypatch):
    seconds = iter([50.0, 70.0, 60.0, 500.0])
    built = []

    def fake_build(raw, workdir):
        built.append(raw)
        wall = next(seconds)
        return bench_dbt.DbtRunResult(wall, wall / 2, 2**30 * len(built), 600, 1234, 2**20)

    def fake_generation(scale, seed, end_date, out):
        return RunResult(rows=999, seconds=1.0, max_rss_bytes=1)

    monkeypatch.setattr(bench_warehouse, "run_dbt_build", fake_build)
    monkeypatch.setattr(bench_warehouse, "run_generation", fake_generation)
    config = BenchConfig(scales=(1.0, 10.0), workdir=tmp_path)
    state = BenchState(raw={1.0: tmp_path / "given"}, rows={1.0: 5000})

    body = SECTIONS["dbt"].run(config, state)

    # scale 1 from the generation section's folder, three runs; scale 10 generated here, one run
    assert built == [tmp_path / "given"] * 3 + [config.raw_dir(10.0)]
    assert state.raw[10.0] == config.raw_dir(10.0) and state.rows[10.0] == 999
    lines = body.splitlines()
    assert "| 1 | 5,000 | 3 | 60.0 | 30.0 | 3,072 | 1,234 | 1 | < 90 s: met |" in lines
    assert "| 10 | 999 | 1 | 500.0 | 250.0 | 4,096 | 1,234 | 1 | <= 24 GiB: met |" in lines


def test_bench_command_times_a_real_dbt_build(
    tmp_path, capsys, raw_small, warehouse_small, monkeypatch
):
    """`plantledger bench --sections dbt` alone: generates the raw data, then builds it once
    (the models up to the journal only, to save time: the full build is test_warehouse's)."""
    full_build = bench_dbt.dbt_build_command
    monkeypatch.setattr(
        bench_dbt,
        "dbt_build_command",
        lambda workdir: [
            *full_build(workdir),
            *["--select", "+fact_inventory_journal", "--indirect-selection", "empty"],
        ],
    )
    params = raw_small.params
    argv = ["bench", "--sections", "dbt", "--scales", f"{params.scale:g}", "--repeat", "1"]
    argv += ["--seed", str(params.seed), "--end-date", params.end_date.isoformat(), "--quiet"]
    assert cli.main([*argv, "--workdir", str(tmp_path / "work")]) == 0
    out = capsys.readouterr().out
    with warehouse_small.connect() as connection:
        entries = connection.sql("select count(*) from marts.fact_inventory_journal").fetchall()
    row = next(line for line in out.splitlines() if line.startswith(f"| {params.scale:g} |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1] == f"{raw_small.manifest.total_rows:,}"
    assert cells[2] == "1"
    assert 1 < float(cells[3]) < 600
    assert 1 < float(cells[4]) < 1200  # CPU seconds, of up to all CPUs
    assert 100 < int(cells[5].replace(",", "")) < 8192  # MiB: dbt, Python and DuckDB
    assert cells[6] == f"{entries[0][0]:,}"
    assert (tmp_path / "work" / "scale-0.01" / "dbt" / "warehouse.duckdb").is_file()
