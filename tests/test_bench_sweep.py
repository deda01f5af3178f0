"""The scale-sweep section of the benchmark: its table from measured runs, and its steps."""

from __future__ import annotations

from plantledger.bench import config, sweep
from plantledger.bench.incremental import Timed
from plantledger.bench.sections import DEFAULT_SECTIONS, SECTIONS

GIB = 2**30


def _run(seconds: float, peak_gib: float, entries: int = 2_000_000) -> sweep.SweepRun:
    step = Timed(seconds, seconds, int(peak_gib * GIB))
    return sweep.SweepRun(
        rows=1_000,
        entries=entries,
        generate=step,
        validate=step,
        full_build=Timed(seconds * 10, seconds * 10, int(peak_gib * GIB)),
        as_of_facility_ms=seconds,
        as_of_company_ms=seconds * 2,
        trace_forward_ms=seconds * 3,
        incremental_build=step,
    )


def test_report_row_gives_medians_largest_peak_and_cost_per_million_entries():
    row = sweep.report_row(3.0, [_run(1.0, 0.5), _run(5.0, 2.0), _run(2.0, 1.0)])
    assert dict(zip(sweep.HEADER, row, strict=True)) == {
        "scale": "3",
        "runs": "3",
        "raw rows": "1,000",
        "journal entries": "2,000,000",
        "generate": "2.0 s / 2.00 GiB",
        "validate": "2.0 s / 2.00 GiB",
        "full `dbt build`": "20.0 s / 2.00 GiB",
        "full build s per M entries": "10.0",
        "daily `dbt build`": "2.0 s / 2.00 GiB",
        "as_of facility ms": "2.0",
        "as_of company ms": "4.0",
        "trace forward ms": "6",
    }


def test_section_runs_every_scale_and_repeat_into_one_row_each(tmp_path, monkeypatch):
    calls: list[tuple[float, str]] = []

    def fake_run_once(cfg: config.BenchConfig, scale: float, work):
        calls.append((scale, work.name))
        return _run(scale, 1.0)

    monkeypatch.setattr(sweep, "run_once", fake_run_once)
    cfg = config.BenchConfig(scales=(0.5, 2.0), repeat=2, workdir=tmp_path)
    body = sweep.bench_sweep(cfg, config.BenchState())
    assert calls == [(0.5, "sweep")] * 2 + [(2.0, "sweep")] * 2
    table_rows = [
        line for line in body.splitlines() if line.startswith("| 0.5 ") or line.startswith("| 2 ")
    ]
    assert len(table_rows) == 2


def test_sweep_is_known_but_not_run_by_default():
    assert "sweep" in SECTIONS
    assert "sweep" not in DEFAULT_SECTIONS
    assert list(DEFAULT_SECTIONS) == [name for name in SECTIONS if name != "sweep"]
