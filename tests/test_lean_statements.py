"""dbt's fixed cost per node (issue #11 item 1a): the statements the lean materializations run.

A view, a table, a data test and a unit test run their statements without dbt's BEGIN and
COMMIT around them (macros/materializations/: DuckDB runs a statement outside a transaction as a
transaction of its own), and `describe`s run without a BEGIN (lean_columns.sql). Read from the
debug log of the small warehouse's `dbt build` (``On <node>: BEGIN`` lines), with the
materialization of each model from its manifest. The incremental models and the tables under
an enforced contract keep their transaction: their delete and insert, or their create and
insert, commit together.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from tests.conftest import Warehouse

# Nodes whose compiling runs a statement through dbt's `statement` with its default BEGIN, so
# their materialization finds a transaction open and commits it: dbt.date_spine counts the
# days between its bounds with a query while dim_date compiles.
OPENED_WHILE_COMPILING = frozenset({"model.plantledger.dim_date"})

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
    """Model unique id -> its materialization; ``contracted table`` for a table under an
    enforced contract (created from its column list, then filled: two statements)."""
    manifest = json.loads((warehouse.target / "manifest.json").read_text(encoding="utf-8"))
    kinds = {}
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] == "model":
            kind = node["config"]["materialized"]
            if kind == "table" and node["config"]["contract"]["enforced"]:
                kind = "contracted table"
            kinds[unique_id] = kind
    return kinds


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
    with_transaction = {
        node for node, lines in lean.items() if "BEGIN" in lines or "COMMIT" in lines
    }
    assert sorted(with_transaction - OPENED_WHILE_COMPILING) == []
    assert with_transaction >= OPENED_WHILE_COMPILING  # the exception still holds


def test_incremental_models_and_contracted_tables_keep_their_transaction(
    warehouse_small: Warehouse,
):
    statements = _statements(warehouse_small)
    materialized = _materializations(warehouse_small)
    kept = {"incremental", "contracted table"}
    nodes = [node for node, kind in materialized.items() if kind in kept]
    assert kept == {materialized[node] for node in nodes}  # both kinds are in the project
    without = sorted(
        node
        for node in nodes
        if "BEGIN" not in statements.get(node, []) or "COMMIT" not in statements.get(node, [])
    )
    assert without == []
