"""The column_rules tests of the accepted views (int_<source>__accepted) check, in an
incremental run, the window of the screened model under them (docs block incremental_loads).

An accepted view holds the screened rows that are neither rejected nor removed duplicates, and
the screened model (strategy 'lookback') rewrites only its window: so the view's rows outside
that window are the rows an earlier run proved. The view declares that window
(``meta.proof_window``, read by scripts/consolidate_tests.py). Faults are planted in a copy of
the small warehouse, with int_load_window set as an incremental run leaves it: inside the
window the test fails on them (a key taken from a row outside the window too: unique counts over
the whole view), outside it only ``--vars '{full_proof: true}'`` finds them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest

from tests.conftest import Warehouse
from tests.dbt_runner import dbt_build

TEST = "column_rules_int_plc_tag_events__accepted"
SCREENED = "intermediate.int_plc_tag_events__screened"
ACCEPTED_ROW = "rejection_reason is null and not is_removed_duplicate"


class Planted(NamedTuple):
    workdir: Path
    stolen_key: int  # the id of an accepted row outside the window, given to one inside it


def plant_faults(path: Path) -> int:
    """Set the window to the last 3 days of tag events; inside it, one accepted row takes the id
    of an accepted row outside it and another names a location that does not exist; outside it,
    one accepted row loses its location (not_null)."""
    con = duckdb.connect(str(path))
    start = con.execute(
        f"select max(source_timestamp) - interval 3 day from {SCREENED}"
    ).fetchone()[0]
    con.execute("update intermediate.int_load_window set lookback_start = ?", [start])
    inside = [
        row[0]
        for row in con.execute(
            f"select plc_tag_event_id from {SCREENED} where {ACCEPTED_ROW} "
            "and source_timestamp >= ? order by 1 limit 2",
            [start],
        ).fetchall()
    ]
    outside = [
        row[0]
        for row in con.execute(
            f"select plc_tag_event_id from {SCREENED} where {ACCEPTED_ROW} "
            "and source_timestamp < ? order by 1 limit 2",
            [start],
        ).fetchall()
    ]
    assert len(inside) == 2 and len(outside) == 2
    con.execute(
        f"update {SCREENED} set plc_tag_event_id = ? where plc_tag_event_id = ?",
        [outside[0], inside[0]],
    )
    con.execute(
        f"update {SCREENED} set storage_location_id = -42 where plc_tag_event_id = ?", [inside[1]]
    )
    con.execute(
        f"update {SCREENED} set storage_location_id = null where plc_tag_event_id = ?",
        [outside[1]],
    )
    con.close()
    return outside[0]


@pytest.fixture(scope="module")
def planted(warehouse_small: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Planted:
    workdir = tmp_path_factory.mktemp("accepted_windows")
    shutil.copy(warehouse_small.duckdb, workdir / "warehouse.duckdb")
    return Planted(workdir, plant_faults(workdir / "warehouse.duckdb"))


Failure = tuple[str, str, str | None]  # rule, column_name, failing_value


def stored_failures(raw: Path, workdir: Path, *extra: str) -> tuple[str, set[Failure]]:
    """Run the test alone; its status and the (rule, column_name, failing_value) it stored."""
    run = dbt_build(raw, workdir, "--select", TEST, *extra)
    with duckdb.connect(str(run.duckdb), read_only=True) as con:
        rows = con.execute(
            f"select rule, column_name, failing_value from test_failures.{TEST}"
        ).fetchall()
    return run.statuses().get(TEST, "missing"), {(r[0], r[1], r[2]) for r in rows}


def test_every_accepted_view_checks_its_screened_models_window(warehouse_small: Warehouse) -> None:
    """The window each accepted view's column_rules checks is its screened model's lookback
    column, so the two cannot drift apart."""
    manifest = json.loads((warehouse_small.target / "manifest.json").read_text(encoding="utf-8"))
    models = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    windows = {
        node["attached_node"].split(".")[-1]: node["test_metadata"]["kwargs"].get("window")
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and node.get("test_metadata", {}).get("name") == "column_rules"
        and node["attached_node"].split(".")[-1].endswith("__accepted")
    }
    assert len(windows) == 4, windows
    for view, window in windows.items():
        screened = models[view.replace("__accepted", "__screened")]["config"]
        assert screened["incremental_strategy"] == "lookback", view
        assert window == {"lookback": screened["lookback_column"]}, view


def test_a_fault_inside_the_window_fails_the_windowed_test(
    planted: Planted, warehouse_small: Warehouse
) -> None:
    status, failures = stored_failures(warehouse_small.raw, planted.workdir)
    assert status == "fail"
    assert ("unique", "plc_tag_event_id", str(planted.stolen_key)) in failures
    assert ("relationships", "storage_location_id", "-42") in failures
    # the null location lies before the window: proven by the run that wrote it
    assert {failure[:2] for failure in failures} == {
        ("unique", "plc_tag_event_id"),
        ("relationships", "storage_location_id"),
    }


def test_full_proof_also_finds_the_fault_before_the_window(
    planted: Planted, warehouse_small: Warehouse
) -> None:
    status, failures = stored_failures(
        warehouse_small.raw, planted.workdir, "--vars", "{full_proof: true}"
    )
    assert status == "fail"
    assert {
        ("unique", "plc_tag_event_id"),
        ("relationships", "storage_location_id"),
        ("not_null", "storage_location_id"),
    } <= {failure[:2] for failure in failures}
