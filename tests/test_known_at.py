"""Answers as known at a load (docs block known_at): after an append whose late events restate
the last days, a report with ``--known-at`` reproduces, row for row, the answer the warehouse
gave before the append, and a full refresh of the appended folder gives the same known-at
answers as the incremental builds.

Stages (module fixtures): the session's small warehouse (load 0) answers the reports about its
last days; a copy is built incrementally after load 1 (``raw_appended``: ``--append-days 5``,
whose late events restate 2026-11-21) and answers about load 1's last days; then after load 2
(``raw_appended_twice``: ``--append-days 7``, late receipts and moves back to 2026-11-24). The
folder of loads 0-2 is also built at once with ``--full-refresh``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from plantledger.cli import main
from tests.dbt_runner import DbtRun, dbt_build

# the last days of load 0 (history to 2026-11-21) and of load 1 (to 2026-11-26): late events
# of the next load fall on them
DAYS = {
    0: ("2026-11-19", "2026-11-20", "2026-11-21"),
    1: ("2026-11-24", "2026-11-25", "2026-11-26"),
}
REPORTS = (
    ("inventory", "--as-of"),
    ("arrivals", "--on"),
    ("moves", "--on"),
    ("dwell", "--on"),
)
Answers = dict[tuple[str, str], dict]


def _report(warehouse: Path, out: Path, name: str, flag: str, day: str, *extra: str) -> dict:
    """`plantledger report <name> <flag> <day> --tz UTC --format json`, parsed."""
    code = main(
        [
            "report", name, flag, day, "--tz", "UTC", "--today", "2026-12-01",
            "--format", "json", "--warehouse", str(warehouse), "-o", str(out), *extra,
        ]
    )  # fmt: skip
    assert code == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _answers(warehouse: Path, tmp: Path, days: tuple[str, ...], *extra: str) -> Answers:
    tmp.mkdir(parents=True, exist_ok=True)
    return {
        (name, day): _report(warehouse, tmp / f"{name}-{day}.json", name, flag, day, *extra)
        for name, flag in REPORTS
        for day in days
    }


def _built(run: DbtRun) -> Path:
    if run.returncode != 0:
        pytest.fail(f"dbt build exited {run.returncode}:\n{run.tail()}")
    return run.duckdb


def _continue(warehouse: Path, raw: Path, workdir: Path) -> Path:
    """An incremental build of ``raw`` on a copy of ``warehouse``."""
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(warehouse, workdir / "warehouse.duckdb")
    return _built(dbt_build(raw, workdir))


@pytest.fixture(scope="module")
def stages(warehouse_small, raw_appended, raw_appended_twice, tmp_path_factory) -> dict:
    """Each load's warehouse and its answers about its last days, taken before the next load."""
    tmp = tmp_path_factory.mktemp("known_at")
    before = {0: _answers(warehouse_small.duckdb, tmp / "before0", DAYS[0])}
    load1 = _continue(warehouse_small.duckdb, raw_appended.path, tmp / "load1")
    before[1] = _answers(load1, tmp / "before1", DAYS[1])
    load1_after = _answers(load1, tmp / "load1_days0", DAYS[0])
    load2 = _continue(load1, raw_appended_twice.path, tmp / "load2")
    return {"before": before, "load1": load1, "load1_days0": load1_after, "load2": load2}


@pytest.fixture(scope="module")
def full_refresh(raw_appended_twice, tmp_path_factory) -> Path:
    """The folder of loads 0, 1 and 2 built at once."""
    workdir = tmp_path_factory.mktemp("known_at_full_refresh")
    return _built(dbt_build(raw_appended_twice.path, workdir, "--full-refresh"))


def test_the_appends_restate_the_last_days(stages, tmp_path):
    """Without --known-at the reports answer as known now and say so; late events of loads 1
    and 2 change answers about the days the load before already covered (stock, moves and
    arrivals among them, so the reproduction below is put to the test)."""
    after = {0: stages["load1_days0"], 1: _answers(stages["load2"], tmp_path, DAYS[1])}
    changed = set()
    for load, newest in ((0, 1), (1, 2)):
        for key, answer in after[load].items():
            assert answer["query"]["data"]["load_id"] == newest
            assert answer["query"]["data"]["known_at"] is None
            assert answer["answered"][0].startswith(f"data: as known now, load {newest}")
            if answer["rows"] != stages["before"][load][key]["rows"]:
                changed.add((load, key[0]))
    assert {(0, "inventory"), (0, "moves"), (1, "arrivals"), (1, "moves")} <= changed, changed


@pytest.mark.parametrize(
    ("warehouse", "load", "known_at"),
    [("load1", 0, "0"), ("load2", 0, "0"), ("load2", 1, "1"), ("load2", 0, "2026-11-21"),
     ("load2", 1, "2026-11-26"), ("load2", 1, "2026-11-27T00:00:00+00:00")],
)  # fmt: skip
def test_known_at_reproduces_the_earlier_answers_row_for_row(
    stages, tmp_path, warehouse, load, known_at
):
    """--known-at k (a load id, a day after which load k was the newest, or the instant it was
    published) gives exactly the rows and totals load k's warehouse gave, for every report."""
    then = _answers(stages[warehouse], tmp_path, DAYS[load], "--known-at", known_at)
    for key, answer in then.items():
        assert answer["query"]["data"]["load_id"] == load
        assert answer["rows"] == stages["before"][load][key]["rows"], key
        assert answer["totals"] == stages["before"][load][key]["totals"], key


def test_known_at_the_newest_load_is_known_now(stages, tmp_path):
    days = DAYS[0] + DAYS[1]
    now = _answers(stages["load2"], tmp_path / "now", days)
    latest = _answers(stages["load2"], tmp_path / "latest", days, "--known-at", "2")
    for key, answer in now.items():
        assert latest[key]["rows"] == answer["rows"], key


@pytest.mark.parametrize("known_at", ["0", "1", "2"])
def test_a_full_refresh_knows_what_the_incremental_builds_knew(
    stages, full_refresh, tmp_path, known_at
):
    """Record time comes from the raw rows' load_id: a full refresh of the folder of three loads
    gives the same known-at answers as the incremental builds that saw them one by one (about
    the days known then: later ones are outside the data as known at load 0)."""
    days = DAYS[0] if known_at == "0" else DAYS[0] + DAYS[1]
    a = _answers(stages["load2"], tmp_path / "a", days, "--known-at", known_at)
    b = _answers(full_refresh, tmp_path / "b", days, "--known-at", known_at)
    for key, answer in a.items():
        assert b[key]["rows"] == answer["rows"], key


def test_the_location_history_keeps_what_later_loads_restated(stages, full_refresh):
    """Restated intervals are closed by the load that superseded them, not deleted; the
    incremental and the full build hold the same bitemporal rows."""
    sql = """
        select * exclude (sublot_location_history_id, closed_by_entry_sequence)
        from marts.fact_sublot_location_history_known
        order by all
    """
    rows = {}
    for name, path in (("incremental", stages["load2"]), ("full", full_refresh)):
        with duckdb.connect(str(path), read_only=True) as con:
            rows[name] = con.execute(sql).fetchall()
            superseded = con.execute(
                "select superseded_load_id, count(*) from marts.fact_sublot_location_history_known "
                "where superseded_load_id is not null group by all order by all"
            ).fetchall()
            assert [load for load, _ in superseded] == [1, 2], superseded
    assert rows["incremental"] == rows["full"]


def test_bad_known_at_is_one_line(stages, capsys):
    from tests.cli_output import one_error_line

    for value in ("7", "yesterday-ish", "2020-01-01"):
        code = main(
            ["report", "inventory", "--as-of", "2026-11-21", "--known-at", value,
             "--warehouse", str(stages["load2"])]
        )  # fmt: skip
        assert code == 2
        assert "--known-at" in one_error_line(capsys)


def test_inventory_known_at_each_load_is_the_replay_of_the_entries_recorded_by_then(stages):
    """inventory_as_of(t, known_at := k) is the journal's physical entries recorded by load k
    (recorded_load_id <= k) and dated up to t, summed per location, sublot and status: every
    load, every hour of the days the appends restated."""
    import datetime as dt

    import polars as pl

    key = ["facility_code", "location_code", "material_sublot_code", "status"]
    with duckdb.connect(str(stages["load2"]), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        journal = pl.from_arrow(
            con.sql(
                "select entry_at, recorded_load_id, facility_code, location_code, "
                "material_sublot_code, status, quantity from marts.fact_inventory_journal "
                "where is_physical"
            ).to_arrow_table()
        )
        start = dt.datetime(2026, 11, 19, tzinfo=dt.UTC)
        for load in (0, 1, 2):
            known = journal.filter(pl.col("recorded_load_id") <= load)
            for hour in range(0, 9 * 24, 5):
                at = start + dt.timedelta(hours=hour, minutes=17)
                expected = sorted(
                    known.filter(pl.col("entry_at") <= at)
                    .group_by(key)
                    .agg(pl.col("quantity").sum())
                    .filter(pl.col("quantity") != 0)
                    .select([*key, "quantity"])
                    .rows()
                )
                got = sorted(
                    con.execute(
                        f"select {', '.join(key)}, quantity from inventory_as_of(?, known_at := ?)",
                        [at, load],
                    ).fetchall()
                )
                assert got == expected, (load, at)
