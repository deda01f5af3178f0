"""The consolidated generic test ``column_rules`` (macros/generic_tests/column_rules.sql) and its
converter (scripts/consolidate_tests.py).

Faults are injected into a copy of the small warehouse, one per rule kind, inside the window an
incremental run wrote (int_load_window set as after such a run) and outside it; the test is then
run alone: it fails, its stored rows name the rule and column of each fault inside the window, the
fault outside is reported only with ``--vars '{full_proof: true}'``.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pytest

from tests.conftest import Warehouse
from tests.dbt_runner import REPO, dbt_build

EVENTS_TEST = "column_rules_int_inventory_events"  # window {lookback: occurred_at}
DWELL_TEST = "column_rules_fact_sublot_dwell"  # window {sublots: material_sublot_id}


def load_converter() -> Any:
    spec = importlib.util.spec_from_file_location(
        "consolidate_tests", REPO / "scripts" / "consolidate_tests.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["consolidate_tests"] = module
    spec.loader.exec_module(module)
    return module


# --- faults in a copy of the warehouse -----------------------------------------------------------


class Faults(NamedTuple):
    workdir: Path
    stolen_key: int  # a transaction_id outside the window, given to a row inside it
    dwell_rows: tuple[int, int]  # fact_sublot_dwell rows of the window sublot, of the other one


def inject_faults(path: Path) -> tuple[int, tuple[int, int]]:
    """One fault per rule kind in rows of int_inventory_events inside the window (the last 3
    days), one null outside it, and the same for fact_sublot_dwell by window sublot. The window
    is set as an incremental run leaves it. Returns the key copied from outside the window and
    the dwell rows made faulty in and out of the window."""
    con = duckdb.connect(str(path))
    events = "intermediate.int_inventory_events"
    start = con.execute(f"select max(occurred_at) - interval 3 day from {events}").fetchone()[0]
    con.execute("update intermediate.int_load_window set lookback_start = ?", [start])
    inside = [
        row[0]
        for row in con.execute(
            f"select transaction_id from {events} where occurred_at >= ? order by 1 limit 7",
            [start],
        ).fetchall()
    ]
    outside = [
        row[0]
        for row in con.execute(
            f"select transaction_id from {events} where occurred_at < ? order by 1 limit 2",
            [start],
        ).fetchall()
    ]
    assert len(inside) == 7 and len(outside) == 2
    faults = [
        "update {t} set document_number = null where transaction_id = ?",  # not_null
        "insert into {t} select * from {t} where transaction_id = ?",  # unique (a copied row)
        # a value outside its vocabulary: relationships to the movement_types seed
        "update {t} set source_table = 'bogus_table' where transaction_id = ?",
        "update {t} set material_sublot_id = -42 where transaction_id = ?",  # relationships
        "update {t} set quantity = -1 where transaction_id = ?",  # expression_is_true
    ]
    for sql, key in zip(faults, inside, strict=False):
        con.execute(sql.format(t=events), [key])
    # unique over the WHOLE model: a window row takes the key of a row outside the window
    con.execute(
        f"update {events} set transaction_id = ? where transaction_id = ?", [outside[0], inside[5]]
    )
    # outside the window: reported only by a full proof
    con.execute(f"update {events} set tie_break_rank = null where transaction_id = ?", [outside[1]])

    dwell = "marts.fact_sublot_dwell"
    sublots = [
        row[0]
        for row in con.execute(
            f"select distinct material_sublot_id from {dwell} order by 1 limit 2"
        ).fetchall()
    ]
    con.execute(
        "delete from intermediate.int_window_sublots where material_sublot_id <> ?", [sublots[0]]
    )
    counts = []
    for sublot in sublots:  # the window's sublot, and one outside it
        con.execute(
            f"update {dwell} set material_code = null where material_sublot_id = ?", [sublot]
        )
        counts.append(
            con.execute(
                f"select count(*) from {dwell} where material_sublot_id = ?", [sublot]
            ).fetchone()[0]
        )
    con.close()
    return outside[0], (counts[0], counts[1])


@pytest.fixture(scope="module")
def faulted(warehouse_small: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Faults:
    workdir = tmp_path_factory.mktemp("column_rules_faults")
    shutil.copy(warehouse_small.duckdb, workdir / "warehouse.duckdb")
    stolen_key, dwell_rows = inject_faults(workdir / "warehouse.duckdb")
    return Faults(workdir, stolen_key, dwell_rows)


class Outcome(NamedTuple):
    status: str  # the test's status in run_results.json
    failures: set[tuple[str, str | None, str | None]]  # stored (rule, column_name, failing_value)
    failing_rows: int  # the not_null failing_rows of the stored rows (0 when none)
    output: str


def run_test(raw: Path, workdir: Path, test: str, *extra: str) -> Outcome:
    """Run one test alone (a failing test would skip the other: dbt build skips what follows)."""
    run = dbt_build(raw, workdir, "--select", test, *extra)
    con = duckdb.connect(str(run.duckdb), read_only=True)
    try:
        rows = con.execute(
            f"select rule, column_name, failing_value, failing_rows from test_failures.{test}"
        ).fetchall()
    finally:
        con.close()
    not_null = sum(row[3] for row in rows if row[0] == "not_null")
    return Outcome(run.statuses().get(test, "missing"), {r[:3] for r in rows}, not_null, run.tail())


def run_both(faulted: Faults, raw: Path, *extra: str) -> dict[str, Outcome]:
    return {
        test: run_test(raw, faulted.workdir, test, *extra) for test in (EVENTS_TEST, DWELL_TEST)
    }


@pytest.fixture(scope="module")
def windowed(faulted: Faults, warehouse_small: Warehouse) -> dict[str, Outcome]:
    return run_both(faulted, warehouse_small.raw)


@pytest.fixture(scope="module")
def full_proof(
    faulted: Faults, warehouse_small: Warehouse, windowed: dict[str, Outcome]
) -> dict[str, Outcome]:
    return run_both(faulted, warehouse_small.raw, "--vars", "{full_proof: true}")


def test_the_clean_warehouse_passes_every_column_rules_test(warehouse_small: Warehouse) -> None:
    from tests.dbt_runner import node_results

    results = {r["unique_id"].split(".")[2]: r for r in node_results(warehouse_small.target)}
    rules = {name: r["status"] for name, r in results.items() if name.startswith("column_rules_")}
    assert len(rules) > 80 and set(rules.values()) <= {"pass", "warn"}, rules
    assert results[EVENTS_TEST]["status"] == "pass" and results[DWELL_TEST]["status"] == "pass"


def test_a_windowed_test_runs_after_the_window_is_fixed(warehouse_small: Warehouse) -> None:
    """The ref() in the test body registers the dependency: a windowed test never runs before
    int_load_window (and int_window_sublots) of its run."""
    import json

    manifest = json.loads((warehouse_small.target / "manifest.json").read_text(encoding="utf-8"))
    windows = {}
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        if meta.get("name") == "column_rules" and meta["kwargs"].get("window"):
            window = next(iter(meta["kwargs"]["window"]))
            windows[node["name"]] = window
            parents = set(node["depends_on"]["nodes"])
            assert "model.plantledger.int_load_window" in parents, node["name"]
            if window == "sublots":
                assert "model.plantledger.int_window_sublots" in parents, node["name"]
    assert {"lookback", "sublots", "loads"} <= set(windows.values())
    assert windows[EVENTS_TEST] == "lookback" and windows[DWELL_TEST] == "sublots"


def test_each_fault_in_the_window_is_stored_with_its_rule_and_column(
    windowed: dict[str, Outcome],
) -> None:
    events = windowed[EVENTS_TEST]
    assert events.status == "fail", events.output
    assert {(rule, column) for rule, column, _ in events.failures} == {
        ("not_null", "document_number"),
        ("unique", "transaction_id"),
        ("unique", "event_sequence"),
        ("relationships", "source_table"),
        ("relationships", "material_sublot_id"),
        ("expression_is_true", "quantity"),
    }
    assert ("relationships", "source_table", "bogus_table") in events.failures
    assert ("relationships", "material_sublot_id", "-42") in events.failures


def test_a_window_key_is_unique_over_the_whole_model(
    windowed: dict[str, Outcome], faulted: Faults
) -> None:
    assert ("unique", "transaction_id", str(faulted.stolen_key)) in windowed[EVENTS_TEST].failures


def test_a_fault_outside_the_window_is_left_to_the_run_that_wrote_it(
    windowed: dict[str, Outcome], faulted: Faults
) -> None:
    events = {(rule, column) for rule, column, _ in windowed[EVENTS_TEST].failures}
    assert ("not_null", "tie_break_rank") not in events
    dwell = windowed[DWELL_TEST]
    assert dwell.status == "fail", dwell.output
    assert dwell.failures == {("not_null", "material_code", None)}
    assert dwell.failing_rows == faulted.dwell_rows[0]  # the window sublot's rows only


def test_full_proof_checks_every_row(full_proof: dict[str, Outcome], faulted: Faults) -> None:
    assert ("not_null", "tie_break_rank", None) in full_proof[EVENTS_TEST].failures
    assert full_proof[DWELL_TEST].failing_rows == sum(faulted.dwell_rows)  # both sublots


def test_a_full_proof_finds_every_repeated_key(
    full_proof: dict[str, Outcome], faulted: Faults
) -> None:
    """Whole-model unique checks group a hash of the key first and the keys of the repeated
    hashes only: the copied row and the stolen key are still found, with their values."""
    events = full_proof[EVENTS_TEST]
    assert ("unique", "transaction_id", str(faulted.stolen_key)) in events.failures
    assert {("unique", "transaction_id"), ("unique", "event_sequence")} <= {
        (rule, column) for rule, column, _ in events.failures
    }
    repeated = [value for rule, column, value in events.failures if rule == "unique"]
    assert len(repeated) == 3, events.failures  # two keys of the copied row, the stolen key


def test_a_value_outside_accepted_values_is_stored_with_its_rule(
    warehouse_small: Warehouse, tmp_path: Path
) -> None:
    """accepted_values (the value sets the models define themselves: the seeds' vocabularies
    are relationships rules): int_load_window's one row must have load_window_id 1."""
    shutil.copy(warehouse_small.duckdb, tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        con.execute("update intermediate.int_load_window set load_window_id = 2")
    test = "column_rules_int_load_window"
    outcome = run_test(warehouse_small.raw, tmp_path, test)
    assert outcome.status == "fail", outcome.output
    assert outcome.failures == {("accepted_values", "load_window_id", "2")}


def test_the_mappings_window_key_is_unique_over_the_whole_mapping(
    warehouse_small: Warehouse, tmp_path: Path
) -> None:
    """int_inventory_events__mapped's rules check the window an incremental run mapped
    ({lookback: occurred_at}): a window event that takes the key (source_table, source_id,
    source_event) of an event mapped before the window is found (its key counted over the whole
    mapping); a key repeated before the window is left to the run that wrote it, and found by a
    full proof."""
    shutil.copy(warehouse_small.duckdb, tmp_path / "warehouse.duckdb")
    mapped = "intermediate.int_inventory_events__mapped"
    key = "source_table, source_id, source_event"
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        start = con.execute(f"select max(occurred_at) - interval 3 day from {mapped}").fetchone()[0]
        con.execute("update intermediate.int_load_window set lookback_start = ?", [start])
        inside, outside = (
            con.execute(
                f"select {key} from {mapped} where (occurred_at >= ?) = ? order by {key} limit 3",
                [start, in_window],
            ).fetchall()
            for in_window in (True, False)
        )
        steal = (
            f"update {mapped} set source_table = ?, source_id = ?, source_event = ?"
            " where source_table = ? and source_id = ? and source_event = ?"
        )
        con.execute(steal, [*outside[0], *inside[0]])  # a window event takes an earlier key
        con.execute(steal, [*outside[1], *outside[2]])  # a key repeated before the window
    test = "column_rules_int_inventory_events__mapped"

    def failure(row: tuple) -> tuple[str, str, str]:
        return ("unique_combination_of_columns", key, ", ".join(str(part) for part in row))

    windowed = run_test(warehouse_small.raw, tmp_path, test)
    assert windowed.status == "fail", windowed.output
    assert windowed.failures == {failure(outside[0])}
    whole = run_test(warehouse_small.raw, tmp_path, test, "--vars", "{full_proof: true}")
    assert whole.failures == {failure(outside[0]), failure(outside[1])}, whole.output


# --- the converter ------------------------------------------------------------------------------

COLUMN_FORM = """\
models:
  # the model's comment stays
  - name: orders
    description: >
      Orders,
      one per row.
    columns:
      - name: order_id
        description: Key.
        data_tests: [unique, not_null]
      - name: status
        data_tests:
          - accepted_values:
              arguments:
                values: [open, closed]
              config:
                where: "order_id > 0"
          - not_null:
              config:
                severity: warn
      - name: customer_id
        data_tests:
          - relationships:
              arguments:
                to: ref('customers')
                field: customer_id
    data_tests:
      - sums_to_zero:
          arguments:
            column_name: amount
      - unique_combination_of_columns:
          arguments:
            combination_of_columns: [order_id, status]
"""


def test_conversion_keeps_every_rule_and_is_idempotent() -> None:
    converter = load_converter()
    models = {
        "orders": {
            "name": "orders",
            "config": {
                "materialized": "incremental",
                "incremental_strategy": "lookback",
                "lookback_column": "ordered_at",
            },
        }
    }
    converted = converter.convert_text(COLUMN_FORM, models)
    before = rules_of(converter, COLUMN_FORM)
    after = rules_of(converter, converted)
    assert len(before) == 6 and before == after
    assert "data_tests: [unique, not_null]" not in converted
    assert (
        "# the model's comment stays" in converted
        and "      Orders,\n      one per row.\n" in converted
    )
    assert "sums_to_zero" in converted  # not a column rule: kept as it is
    assert "window: {lookback: ordered_at}" in converted
    assert converter.convert_text(converted, models) == converted
    # a column test added after the conversion (a merge) is folded into the same test
    added = converted.replace(
        "      - name: customer_id\n", "      - name: customer_id\n        data_tests: [not_null]\n"
    )
    again = converter.convert_text(added, models)
    assert rules_of(converter, again) == before | {
        ("orders", "customer_id", "not_null", "{}", "", "error")
    }
    assert again.count("column_rules_orders\n") == 1


def test_check_exits_1_on_a_lost_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    converter = load_converter()
    (tmp_path / "models").mkdir()
    yaml_path = tmp_path / "models" / "_x__models.yml"
    yaml_path.write_text(converter.convert_text(COLUMN_FORM, {}), encoding="utf-8")
    nodes = {}  # the manifest of the column form: one node per test
    for index, (name, column, kind, arguments, where, severity) in enumerate(
        rules_of(converter, COLUMN_FORM)
    ):
        nodes[f"test.x.t{index}"] = {
            "resource_type": "test",
            "attached_node": f"model.x.{name}",
            "column_name": column or None,
            "test_metadata": {"name": kind, "kwargs": json.loads(arguments)},
            "config": {"where": where or None, "severity": severity.upper()},
        }
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": nodes}), encoding="utf-8")
    check = ["--check", "--before", str(manifest), "--root", str(tmp_path)]
    assert converter.main(check) == 0
    yaml_path.write_text(
        yaml_path.read_text().replace("[unique, not_null]", "[unique]"), encoding="utf-8"
    )
    assert converter.main(check) == 1
    assert "lost: orders | order_id | not_null" in capsys.readouterr().out
    assert converter.main(["--check", "--root", str(tmp_path)]) == 2


def rules_of(converter: Any, text: str) -> set[tuple[str, ...]]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "_x__models.yml"
        path.write_text(text, encoding="utf-8")
        return converter.rules_after([path])
