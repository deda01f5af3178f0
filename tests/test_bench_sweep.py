"""The scale-sweep section of the benchmark: its table from measured runs, and its steps."""

from __future__ import annotations

import duckdb
import pytest

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
        trace_backward_ms=seconds * 4,
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
        "trace backward ms": "8",
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


# A journal of two sublots in two facilities; entry_at as day numbers of November 2026. The
# check's instant, the middle one (0.6 of the history), falls on 3 November 09:36.
JOURNAL = [
    # day, physical, facility, location, sublot, quantity
    (1, True, "F1", "L1", "S1", 10),
    (2, True, "F1", "L1", "S1", -10),
    (2, True, "F1", "L2", "S1", 10),
    (3, False, "F1", "TRANSIT", "S1", 5),
    (2, True, "F2", "L9", "S2", 7),
    (3, True, "F2", "L9", "S2", -2),
    (5, True, "F1", "L2", "S1", -10),
]
# inventory_as_of over the journal, as the warehouse's table macro answers (same columns)
RIGHT_MACRO = """
    create macro inventory_as_of(as_of_at) as table
    select facility_code, location_code, material_code, material_sublot_code, status,
        sum(quantity) as quantity
    from marts.fact_inventory_journal
    where is_physical and entry_at <= cast(as_of_at as timestamptz)
    group by all
    having sum(quantity) <> 0
"""


def _warehouse(path, macro: str):
    """A warehouse file with the journal, a location history and ``macro``."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("set TimeZone = 'UTC'")
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.fact_inventory_journal (entry_at timestamptz, is_physical boolean,"
            " facility_code varchar, location_code varchar, material_code varchar,"
            " material_sublot_code varchar, status varchar, quantity decimal(18, 3))"
        )
        connection.executemany(
            "insert into marts.fact_inventory_journal values"
            " (timestamptz '2026-11-01 00:00:00+00' + to_days(? - 1), ?, ?, ?, 'M1', ?,"
            " 'available', ?)",
            [list(row) for row in JOURNAL],
        )
        connection.execute(
            "create table marts.fact_sublot_location_history as"
            " select facility_code from marts.fact_inventory_journal where is_physical"
        )
        connection.execute(macro)
    return path


def test_as_of_is_timed_for_both_scopes_and_checked_once_against_the_naive_scan(tmp_path):
    facility_ms, company_ms = sweep.measure_as_of(_warehouse(tmp_path / "w.duckdb", RIGHT_MACRO))
    assert facility_ms > 0 and company_ms > 0


@pytest.mark.parametrize(
    "wrong",
    [
        # forgets a facility
        RIGHT_MACRO.replace("where is_physical", "where facility_code = 'F1' and is_physical"),
        # keeps the zero balances (S1 at L1 after its move)
        RIGHT_MACRO.replace("having sum(quantity) <> 0", ""),
        # counts non-physical entries too
        RIGHT_MACRO.replace("where is_physical and", "where"),
    ],
)
def test_a_wrong_as_of_answer_fails_the_bench(tmp_path, wrong):
    warehouse = _warehouse(tmp_path / "w.duckdb", wrong)
    with pytest.raises(config.BenchError, match="disagrees with the naive journal scan"):
        sweep.measure_as_of(warehouse)


def test_only_one_naive_scan_checks_the_answer(tmp_path, monkeypatch):
    checked: list[object] = []
    real_check = sweep.check_as_of
    monkeypatch.setattr(
        sweep,
        "check_as_of",
        lambda connection, at: checked.append(at) or real_check(connection, at),
    )
    sweep.measure_as_of(_warehouse(tmp_path / "w.duckdb", RIGHT_MACRO))
    assert len(checked) == 1
