"""dbt's fixed cost per node (issue #11 item 1a): the statements the lean materializations run.

A view, a table, a data test and a unit test run their statements without dbt's BEGIN and
COMMIT around them (macros/materializations/: DuckDB runs a statement outside a transaction as a
transaction of its own), and `describe`s run without a BEGIN (lean_columns.sql). Read from the
debug log of the small warehouse's `dbt build` (``On <node>: BEGIN`` lines), with the
materialization of each model from its manifest. The incremental models keep their
transaction: their delete and insert commit together.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from tests.conftest import Warehouse

STATEMENT = re.compile(r"\]: On ((?:model|test|unit_test|seed)\.[^:\s]+): (.*)$")


def _statements(warehouse: Warehouse) -> dict[str, list[str]]:
    """Node unique id -> the first line of every statement dbt logged for it, in order."""
    log = warehouse.target.parent / "logs" / "dbt.log"
    statements: dict[str, list[str]] = defaultdict(list)
    for line in log.read_text(encoding="utf-8").splitlines():
        match = STATEMENT.search(line)
        if match and match.group(2) not in ("Close", "ROLLBACK"):
            statements[match.group(1)].append(match.group(2))
    return statements


def _materializations(warehouse: Warehouse) -> dict[str, str]:
    manifest = json.loads((warehouse.target / "manifest.json").read_text(encoding="utf-8"))
    return {
        unique_id: node["config"]["materialized"]
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
    }


def test_views_tables_tests_and_unit_tests_run_without_begin_or_commit(
    warehouse_small: Warehouse,
):
    statements = _statements(warehouse_small)
    materialized = _materializations(warehouse_small)
    lean = {
        node: lines
        for node, lines in statements.items()
        if node.startswith(("test.", "unit_test.")) or materialized.get(node) in ("view", "table")
    }
    kinds = {node.split(".")[0] for node in lean} | {materialized.get(n) for n in lean}
    assert {"test", "unit_test", "view", "table"} <= kinds  # every kind was seen running
    with_transaction = sorted(
        node for node, lines in lean.items() if "BEGIN" in lines or "COMMIT" in lines
    )
    assert with_transaction == []


def test_incremental_models_keep_their_transaction(warehouse_small: Warehouse):
    statements = _statements(warehouse_small)
    materialized = _materializations(warehouse_small)
    incremental = [node for node, kind in materialized.items() if kind == "incremental"]
    assert incremental
    without = sorted(node for node in incremental if "BEGIN" not in statements.get(node, []))
    assert without == []
