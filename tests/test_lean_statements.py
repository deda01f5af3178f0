"""dbt's fixed cost per node (issue #11 item 1a): the statements the lean materializations run.

A view, a table, a data test and a unit test run their statements without dbt's BEGIN and
COMMIT around them (macros/materializations/: DuckDB runs a statement outside a transaction as a
transaction of its own), and `describe`s run without a BEGIN (lean_columns.sql). Read from the
debug log of the small warehouse's `dbt build` (``On <node>: BEGIN`` lines), with the
materialization of each model from its manifest. The incremental models and the tables under
an enforced contract keep their transaction: their delete and insert, or their create and
insert, commit together. An incremental run creates the temporary table of its rows and
describes it and the target in one statement, and on_schema_change fail still stops it
(lean_incremental.sql).
"""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Warehouse
from tests.dbt_runner import DbtRun, dbt_build

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


# An incremental model of the small warehouse (strategy delete+insert, on_schema_change fail).
INCREMENTAL = "stg_plantledger__material_lots"


def _run_incremental(
    warehouse: Warehouse, workdir: Path, alter: str | None = None, debug_log: bool = True
) -> DbtRun:
    """The model INCREMENTAL built again, incrementally, on a copy of the small warehouse,
    its table first changed by ``alter`` (a statement) when given; ``debug_log``: dbt's debug
    lines in logs/dbt.log too (tests/dbt_runner.py)."""
    workdir.mkdir(parents=True)
    shutil.copy(warehouse.duckdb, workdir / "warehouse.duckdb")
    if alter:
        with duckdb.connect(str(workdir / "warehouse.duckdb")) as con:
            con.execute(alter)
    return dbt_build(
        warehouse.raw,
        workdir,
        "--select",
        INCREMENTAL,
        "--resource-type",
        "model",
        debug_log=debug_log,
    )


LOG_LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d+ \[(\w+)\s*\]")


def test_the_log_file_holds_the_result_lines_not_the_debug_ones(
    warehouse_small: Warehouse, tmp_path: Path
):
    """flags log_level_file: info (dbt_project.yml): a plain build writes to logs/dbt.log what
    the console shows, each node's start and result, and none of dbt's debug lines (every
    statement's text, every connection event: about 5 s of a daily build's own Python, issue
    #11 item 1a). `--log-level-file debug` brings them back (the other tests here read them)."""
    run = _run_incremental(warehouse_small, tmp_path / "plain", debug_log=False)
    assert run.returncode == 0, run.tail()
    text = (run.target.parent / "logs" / "dbt.log").read_text(encoding="utf-8")
    levels = [match.group(1) for match in map(LOG_LINE.match, text.splitlines()) if match]
    assert f"OK created sql incremental model staging.{INCREMENTAL}" in text, text[-2000:]
    assert "info" in levels
    assert [level for level in levels if level != "info"] == [], text[:2000]


def test_an_incremental_run_creates_and_describes_its_rows_in_one_statement(
    warehouse_small: Warehouse, tmp_path: Path
):
    """The lean incremental materialization (macros/materializations/lean_incremental.sql):
    the temporary table of the run's rows and the columns of it and of the target in one
    statement, then the strategy's delete and insert between BEGIN and COMMIT; no describe
    of its own."""
    run = _run_incremental(warehouse_small, tmp_path / "plain")
    assert run.returncode == 0, run.tail()
    blocks = _statement_blocks(run, f"model.plantledger.{INCREMENTAL}")
    creates = [i for i, block in enumerate(blocks) if "create temporary table" in block]
    describes = [i for i, block in enumerate(blocks) if "describe" in block.lower()]
    assert len(creates) == 1 and describes == creates, blocks  # one statement does both
    assert "BEGIN" in blocks[creates[0] + 1 :] and blocks[-1] == "COMMIT", blocks
    assert "delete from" in "".join(blocks[creates[0] + 1 :]), blocks


def _statement_blocks(run: DbtRun, node: str) -> list[str]:
    """The text of every statement dbt logged for ``node``, in order (BEGIN, COMMIT as such)."""
    blocks: list[str] = []
    current: list[str] | None = None
    for line in (run.target.parent / "logs" / "dbt.log").read_text(encoding="utf-8").splitlines():
        if re.match(r"\d\d:\d\d:\d\d\.\d+ \[", line):  # a new log line ends a statement
            if current is not None:
                blocks.append("\n".join(current))
                current = None
            match = STATEMENT.search(line)
            if match and match.group(1) == node and match.group(2) not in ("Close", "ROLLBACK"):
                if match.group(2).startswith("/*"):
                    current = []
                elif not blocks or blocks[-1] != match.group(2):  # dbt logs COMMIT twice
                    blocks.append(match.group(2))
        elif current is not None:
            current.append(line)
    return blocks


@pytest.mark.parametrize(
    "alter",
    [
        f"alter table staging.{INCREMENTAL} add column extra_column integer",
        f"alter table staging.{INCREMENTAL} alter column lot_code type blob",
    ],
    ids=["column added", "type changed"],
)
def test_an_incremental_run_fails_when_the_table_no_longer_matches_the_model(
    warehouse_small: Warehouse, tmp_path: Path, alter: str
):
    """on_schema_change fail still holds in the lean materialization: a target whose columns
    or types differ from the model's rows stops the run, and the table is left as it was."""
    run = _run_incremental(warehouse_small, tmp_path / "altered", alter)
    assert run.returncode != 0
    assert "out of sync" in run.output, run.tail()


def test_an_incremental_run_still_checks_the_contract(warehouse_small: Warehouse, tmp_path: Path):
    """A model under an enforced contract whose rows no longer have the contract's types stops
    the incremental run with dbt's contract error (lean_incremental.sql checks the table its
    query filled against the contract, before on_schema_change): dim_material_lots takes
    lot_code from the staging lots, here turned into a blob."""
    workdir = tmp_path / "contract"
    workdir.mkdir()
    shutil.copy(warehouse_small.duckdb, workdir / "warehouse.duckdb")
    with duckdb.connect(str(workdir / "warehouse.duckdb")) as con:
        con.execute(f"alter table staging.{INCREMENTAL} alter column lot_code type blob")
    run = dbt_build(
        warehouse_small.raw, workdir, "--select", "dim_material_lots", "--resource-type", "model"
    )
    assert run.returncode != 0
    assert "enforced contract" in run.output and "out of sync" not in run.output, run.tail()
