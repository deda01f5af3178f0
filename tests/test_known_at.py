"""Answers as known at a load (docs block known_at): after an append whose late events restate
the last days, a report with ``--known-at`` reproduces, row for row, the answer the warehouse
gave before the append, and a full refresh of the appended folder gives the same known-at
answers as the incremental build.

Stages (module fixtures): the session's small warehouse (load 0) answers the reports; the
session's appended folder (``raw_appended``: ``--append-days 5``, load 1, with late events up to
3 days before its first day) is built incrementally on a copy of that warehouse, and with
``--full-refresh`` into a new one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from plantledger.cli import main
from tests.dbt_runner import DbtRun, dbt_build

# the last days of load 0 (its history ends 2026-11-21): late events of load 1 fall here
DAYS = ("2026-11-19", "2026-11-20", "2026-11-21")
REPORTS = (
    ("inventory", "--as-of"),
    ("arrivals", "--on"),
    ("moves", "--on"),
    ("dwell", "--on"),
)


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


def _answers(warehouse: Path, tmp: Path, *extra: str) -> dict[tuple[str, str], dict]:
    return {
        (name, day): _report(warehouse, tmp / f"{name}-{day}.json", name, flag, day, *extra)
        for name, flag in REPORTS
        for day in DAYS
    }


def _built(run: DbtRun) -> Path:
    if run.returncode != 0:
        pytest.fail(f"dbt build exited {run.returncode}:\n{run.tail()}")
    return run.duckdb


@pytest.fixture(scope="module")
def before(warehouse_small, tmp_path_factory) -> dict[tuple[str, str], dict]:
    """The reports as the warehouse of load 0 gave them."""
    return _answers(warehouse_small.duckdb, tmp_path_factory.mktemp("known_at_before"))


@pytest.fixture(scope="module")
def incremental(warehouse_small, raw_appended, tmp_path_factory, before) -> Path:
    """A copy of the load-0 warehouse, built incrementally after load 1."""
    workdir = tmp_path_factory.mktemp("known_at_incremental")
    shutil.copyfile(warehouse_small.duckdb, workdir / "warehouse.duckdb")
    return _built(dbt_build(raw_appended.path, workdir))


@pytest.fixture(scope="module")
def full_refresh(raw_appended, tmp_path_factory) -> Path:
    """The appended folder (loads 0 and 1) built at once."""
    workdir = tmp_path_factory.mktemp("known_at_full_refresh")
    return _built(dbt_build(raw_appended.path, workdir, "--full-refresh"))


def test_the_append_restates_the_last_days(before, incremental, tmp_path):
    """Without --known-at the reports answer as known now, from load 1, and late events of load
    1 change at least one answer about the days load 0 already covered."""
    now = _answers(incremental, tmp_path)
    for answer in now.values():
        assert answer["query"]["data"]["load_id"] == 1
        assert answer["query"]["data"]["known_at"] is None
        assert answer["answered"][0].startswith("data: as known now, load 1")
    changed = [key for key in now if now[key]["rows"] != before[key]["rows"]]
    assert changed, "load 1 changed no answer about the last days: nothing to reproduce"


@pytest.mark.parametrize("known_at", ["0", "2026-11-21"])
def test_known_at_reproduces_the_earlier_answers_row_for_row(
    before, incremental, tmp_path, known_at
):
    """--known-at 0 (or a day after which only load 0 was published) gives exactly the rows and
    totals of load 0's warehouse, for every report and day."""
    then = _answers(incremental, tmp_path, "--known-at", known_at)
    for key, answer in then.items():
        assert answer["query"]["data"]["load_id"] == 0
        assert answer["query"]["data"]["newest_load_id"] == 1
        assert answer["rows"] == before[key]["rows"], key
        assert answer["totals"] == before[key]["totals"], key


def test_known_at_the_newest_load_is_known_now(incremental, tmp_path):
    now = _answers(incremental, tmp_path / "now")
    latest = _answers(incremental, tmp_path / "latest", "--known-at", "1")
    for key, answer in now.items():
        assert latest[key]["rows"] == answer["rows"], key


@pytest.mark.parametrize("known_at", ["0", "1"])
def test_a_full_refresh_knows_what_the_incremental_builds_knew(
    incremental, full_refresh, tmp_path, known_at
):
    """Record time comes from the raw rows' load_id: a full refresh of the appended folder gives
    the same known-at answers as the incremental build."""
    a = _answers(incremental, tmp_path / "a", "--known-at", known_at)
    b = _answers(full_refresh, tmp_path / "b", "--known-at", known_at)
    for key, answer in a.items():
        assert b[key]["rows"] == answer["rows"], key


def test_the_location_history_keeps_what_load_1_restated(incremental, full_refresh):
    """Restated intervals are closed by the load that superseded them, not deleted; both builds
    hold the same bitemporal rows."""
    import duckdb

    sql = """
        select * exclude (sublot_location_history_id, closed_by_entry_sequence)
        from marts.fact_sublot_location_history_known
        order by all
    """
    rows = {}
    for name, path in (("incremental", incremental), ("full", full_refresh)):
        with duckdb.connect(str(path), read_only=True) as con:
            rows[name] = con.sql(sql).fetchall()
            superseded = con.sql(
                "select count(*) from marts.fact_sublot_location_history_known "
                "where superseded_load_id = 1"
            ).fetchone()[0]
            assert superseded > 0
    assert rows["incremental"] == rows["full"]


def test_bad_known_at_is_one_line(incremental, capsys):
    from tests.cli_output import one_error_line

    for value in ("7", "yesterday-ish", "2020-01-01"):
        code = main(
            ["report", "inventory", "--as-of", "2026-11-21", "--known-at", value,
             "--warehouse", str(incremental)]
        )  # fmt: skip
        assert code == 2
        assert "--known-at" in one_error_line(capsys)
