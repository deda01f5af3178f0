"""graph_nodes in a daily run: the nodes a run may write carry their load (input_load_id), and
column_rules_graph_nodes checks those nodes only, exactly (a key of a window node must occur once
in the whole model), while a full build or ``full_proof`` checks every node.

One scenario: a copy of the session's small raw folder, ``dbt build`` (full), ``generate
--append-days 1``, ``dbt build`` (incremental). Each fault is planted in a copy of that warehouse
and the test is run again with ``dbt test``: int_load_window is not rebuilt, so it checks the
window the incremental run had.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import RawData
from tests.test_windowed_proofs import Daily, build_daily, failing_rows, faulty_copy, rerun

NODE_RULES = "column_rules_graph_nodes"
PREVIOUS_LOAD = "(select previous_consumed_load_id from intermediate.int_load_window)"
WINDOW_START = "(select lookback_start from intermediate.int_load_window)"


@pytest.fixture(scope="module")
def daily_graph(raw_small: RawData, tmp_path_factory: pytest.TempPathFactory) -> Daily:
    return build_daily(raw_small, tmp_path_factory, "graph_windows")


def one(workdir: Path, sql: str) -> tuple:
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        row = con.execute(sql).fetchone()
    assert row is not None, f"no row for the fault: {sql}"
    return row


def compiled_rules(workdir: Path) -> str:
    files = list((workdir / "target" / "compiled").rglob(f"{NODE_RULES}*.sql"))
    assert len(files) == 1, files
    return files[0].read_text()


def test_graph_nodes_of_the_new_load_carry_it(daily_graph: Daily) -> None:
    """The day's load brought nodes (input_load_id 1), a minority of them; master nodes carry
    their own load and material transactions none."""
    new, old, transactions_with_load = one(
        daily_graph.workdir,
        f"""
        select
            count(*) filter (where input_load_id > {PREVIOUS_LOAD}),
            count(*) filter (where input_load_id <= {PREVIOUS_LOAD}),
            count(*) filter (where node_type = 'MaterialTransaction' and input_load_id is not null)
        from marts.graph_nodes
        """,
    )
    assert 0 < new < old
    assert transactions_with_load == 0


def test_incremental_run_checks_the_nodes_it_wrote(daily_graph: Daily) -> None:
    """The incremental build passed column_rules_graph_nodes on its window: the nodes of the
    loads it consumed and the material transactions of the screened window, as constants."""
    sql = compiled_rules(daily_graph.workdir)
    assert "input_load_id > 0" in sql
    assert "created_at >= cast('" in sql


def test_a_window_node_rekeyed_onto_an_older_node_fails(daily_graph: Daily, tmp_path: Path) -> None:
    """A node of the new load given the key of a node no run rewrote: the key of a window row is
    counted over the whole model, so the duplicate is found."""
    node_type, new_id, old_key = one(
        daily_graph.workdir,
        f"""
        select new.node_type, new.source_id, old.node_key
        from marts.graph_nodes as new
        inner join marts.graph_nodes as old
            on new.node_type = old.node_type
        where new.input_load_id > {PREVIOUS_LOAD}
            and old.input_load_id <= {PREVIOUS_LOAD}
            and old.created_at < {WINDOW_START}
            and new.node_type <> 'MaterialTransaction'
        order by new.node_type, new.source_id, old.source_id
        limit 1
        """,
    )
    workdir = faulty_copy(
        daily_graph,
        tmp_path,
        [
            (
                "update marts.graph_nodes set node_key = ? where node_type = ? and source_id = ?",
                [old_key, node_type, new_id],
            )
        ],
    )
    run = rerun(daily_graph, workdir, NODE_RULES)
    assert run.statuses().get(NODE_RULES) == "fail", run.tail()
    rules = {row["rule"] for row in failing_rows(workdir, NODE_RULES)}
    assert rules == {"graph_nodes_one_node_per_type_and_key"}


def test_a_transaction_node_of_the_screened_window_is_checked(
    daily_graph: Daily, tmp_path: Path
) -> None:
    """A material transaction node carries no load: it is in the window by its time."""
    (transaction_id,) = one(
        daily_graph.workdir,
        f"""
        select min(source_id) from marts.graph_nodes
        where node_type = 'MaterialTransaction' and created_at >= {WINDOW_START}
        """,
    )
    workdir = faulty_copy(
        daily_graph,
        tmp_path,
        [
            (
                "update marts.graph_nodes set node_key = null"
                " where node_type = 'MaterialTransaction' and source_id = ?",
                [transaction_id],
            )
        ],
    )
    run = rerun(daily_graph, workdir, NODE_RULES)
    assert run.statuses().get(NODE_RULES) == "fail", run.tail()
    failures = {(row["rule"], row["column_name"]) for row in failing_rows(workdir, NODE_RULES)}
    assert failures == {("not_null", "node_key")}


def test_a_fault_before_the_window_is_left_to_a_full_proof(
    daily_graph: Daily, tmp_path: Path
) -> None:
    """An old node (no load consumed by the run, older than the window) is not read by the
    incremental check; ``full_proof`` (as a full build) finds its fault."""
    node_type, old_id = one(
        daily_graph.workdir,
        f"""
        select node_type, min(source_id) from marts.graph_nodes
        where input_load_id <= {PREVIOUS_LOAD} and created_at < {WINDOW_START}
            and node_type = 'MaterialSublot'
        group by node_type
        """,
    )
    workdir = faulty_copy(
        daily_graph,
        tmp_path,
        [
            (
                "update marts.graph_nodes set node_key = null"
                " where node_type = ? and source_id = ?",
                [node_type, old_id],
            )
        ],
    )
    windowed = rerun(daily_graph, workdir, NODE_RULES)
    assert windowed.statuses().get(NODE_RULES) == "pass", windowed.tail()
    whole = rerun(daily_graph, workdir, NODE_RULES, full_proof=True)
    assert whole.statuses().get(NODE_RULES) == "fail", whole.tail()
