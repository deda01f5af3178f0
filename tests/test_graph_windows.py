"""graph_nodes in a daily run: the nodes a run may write carry their load (input_load_id), and
column_rules_graph_nodes checks those nodes only, exactly (a key of a window node must occur once
in the whole model), while a full build or ``full_proof`` checks every node.

One scenario: a copy of the session's small raw folder, ``dbt build`` (full), ``generate
--append-days 1``, ``dbt build`` (incremental). Each fault is planted in a copy of that warehouse
and the test is run again with ``dbt test``: int_load_window is not rebuilt, so it checks the
window the incremental run had.
"""

from __future__ import annotations

import re
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


# --- graph_edges: the edges a daily run may write (macros/proofs/proof_window.sql) ------------

EDGE_RULES = "column_rules_graph_edges"
CONNECT = "assert_graph_edges_connect_existing_nodes"
SCHEMA = "assert_graph_edges_follow_the_graph_schema"
# the schema proof reads every edge in every run (cheaper than its window at scale 1)
EDGE_PROOFS = (EDGE_RULES, CONNECT)
EDGE_COLUMNS = (
    "relationship, relationship_group, from_node_type, from_node_key, to_node_type,"
    " to_node_key, valid_from, valid_to, quantity, edge_detail"
)


def compiled(workdir: Path, test: str) -> str:
    files = list((workdir / "target" / "compiled").rglob(f"{test}*.sql"))
    assert len(files) == 1, files
    return files[0].read_text()


def edge_window(workdir: Path) -> str:
    """The condition column_rules_graph_edges' incremental run read graph_edges with (its
    window_rows), as compiled: the window the edge proofs check."""
    sql = compiled(workdir, EDGE_RULES)
    match = re.search(r"with window_rows as materialized \(\s*select \* from \S+ where \(", sql)
    assert match, "column_rules_graph_edges read no window"
    start = match.end() - 1
    depth = 0
    for end in range(start, len(sql)):
        depth += {"(": 1, ")": -1}.get(sql[end], 0)
        if depth == 0:
            return sql[start : end + 1]
    raise AssertionError("unbalanced window condition")


def test_graph_edges_of_the_new_load_carry_it(daily_graph: Daily) -> None:
    """The day's load rebuilt edges with a newer input_load_id, a minority of them; the
    transactions' edges carry the master rows' load only (they are rewritten by their time)."""
    new, old, transaction_edges_new = one(
        daily_graph.workdir,
        f"""
        select
            count(*) filter (where input_load_id > {PREVIOUS_LOAD}),
            count(*) filter (where input_load_id <= {PREVIOUS_LOAD}),
            count(*) filter (
                where relationship = 'RecordedFor' and input_load_id > {PREVIOUS_LOAD}
            )
        from marts.graph_edges
        """,
    )
    assert 0 < new < old
    assert transaction_edges_new == 0


def test_incremental_run_checks_the_edges_it_may_have_written(daily_graph: Daily) -> None:
    """The incremental build's edge proofs read the window, as constants (the previous run's
    load, the window's start), not every edge."""
    for test in EDGE_PROOFS:
        sql = compiled(daily_graph.workdir, test)
        assert "input_load_id > 0" in sql, test
        assert "valid_from >= cast('" in sql, test


def test_every_edge_the_day_changed_is_in_the_window(daily_graph: Daily, tmp_path: Path) -> None:
    """Each edge of graph_edges after the daily build that the full build before it did not
    have, value for value (a new edge, or a rewritten one that changed), is in the window the
    edge proofs check: every edge the run wrote with other values is in it (rewritten edges
    whose values did not change need no new proof)."""
    window = edge_window(daily_graph.workdir)
    before_edges = tmp_path / "before_edges.parquet"
    with duckdb.connect(str(daily_graph.before), read_only=True) as con:
        # the full build's warehouse, opened as itself: its views name their own database
        con.execute(
            f"copy (select {EDGE_COLUMNS}, input_load_id from marts.graph_edges)"
            f" to '{before_edges}'"
        )
    database = daily_graph.workdir / "warehouse.duckdb"
    with duckdb.connect(str(database), read_only=True) as con:
        changed = f"""
            select {EDGE_COLUMNS}, input_load_id from marts.graph_edges
            except
            select {EDGE_COLUMNS}, input_load_id from read_parquet('{before_edges}')
        """
        counts = con.execute(
            f"""
            select count(*), count(*) filter (where not coalesce({window}, false))
            from ({changed}) as changed_edges
            """
        ).fetchone()
    assert counts is not None
    changed_edges, outside = counts
    assert changed_edges > 0
    assert outside == 0, f"{outside} of {changed_edges} changed edges outside the window"


def window_edges(workdir: Path) -> list[tuple[str, str, int]]:
    """One edge of each part of the window, each in that part only: (table, relationship,
    source_id) of an edge with a newer input_load_id (a work order's), of a transaction of the
    screened window, and of a window sublot's consumption (older load, older valid_from)."""
    found = []
    for table, relationship, condition in (
        ("int_execution_edges__work_orders", "PerformedAt", f"input_load_id > {PREVIOUS_LOAD}"),
        (
            "int_execution_edges__transactions",
            "RecordedFor",
            f"input_load_id <= {PREVIOUS_LOAD} and valid_from >= {WINDOW_START}",
        ),
        (
            "int_genealogy_graph_edges__sublots",
            "ConsumedBy",
            f"input_load_id <= {PREVIOUS_LOAD} and valid_from < {WINDOW_START}"
            " and source_id in (select material_sublot_id from intermediate.int_window_sublots)",
        ),
    ):
        (source_id,) = one(
            workdir,
            f"select min(source_id) from intermediate.{table}"
            f" where relationship = '{relationship}' and {condition}",
        )
        assert source_id is not None, (table, relationship)
        found.append((table, relationship, source_id))
    return found


def test_a_missing_end_of_each_kind_of_window_edge_fails(
    daily_graph: Daily, tmp_path: Path
) -> None:
    """An edge the run may have written that names no node is found, for each part of the
    window (a newer load, the screened window's transactions, the window's sublots)."""
    edges = window_edges(daily_graph.workdir)
    workdir = faulty_copy(
        daily_graph,
        tmp_path,
        [
            (
                f"update intermediate.{table} set to_node_key = 'no such node'"
                " where relationship = ? and source_id = ?",
                [relationship, source_id],
            )
            for table, relationship, source_id in edges
        ],
    )
    run = rerun(daily_graph, workdir, CONNECT)
    assert run.statuses().get(CONNECT) == "fail", run.tail()
    found = {row["relationship"] for row in failing_rows(workdir, CONNECT)}
    assert found == {relationship for _, relationship, _ in edges}


def test_a_rule_broken_in_each_kind_of_window_edge_fails(
    daily_graph: Daily, tmp_path: Path
) -> None:
    """column_rules_graph_edges and the schema proof check the same window."""
    edges = window_edges(daily_graph.workdir)
    workdir = faulty_copy(
        daily_graph,
        tmp_path,
        [
            (
                f"update intermediate.{table}"
                " set relationship_group = 'none', to_node_type = 'Part'"
                " where relationship = ? and source_id = ?",
                [relationship, source_id],
            )
            for table, relationship, source_id in edges
        ],
    )
    run = rerun(daily_graph, workdir, EDGE_RULES, SCHEMA)
    assert run.statuses().get(EDGE_RULES) == "fail", run.tail()
    assert run.statuses().get(SCHEMA) == "fail", run.tail()
    (broken,) = one(
        workdir, "select count(*) from marts.graph_edges where relationship_group = 'none'"
    )
    rules = failing_rows(workdir, EDGE_RULES)
    assert [(row["column_name"], row["failing_rows"]) for row in rules] == [
        ("relationship_group", broken)
    ]
    outside = {row["relationship"] for row in failing_rows(workdir, SCHEMA)}
    assert outside == {relationship for _, relationship, _ in edges}


def old_edge(workdir: Path) -> tuple[int, str, str]:
    """A work order's PerformedAt edge outside the window: its source_id, its work order's key
    and the facility it names."""
    return one(
        workdir,
        f"""
        select source_id, from_node_key, to_node_key
        from intermediate.int_execution_edges__work_orders
        where relationship = 'PerformedAt' and input_load_id <= {PREVIOUS_LOAD}
        order by source_id
        limit 1
        """,
    )


def test_an_edge_fault_before_the_window_is_left_to_a_full_proof(
    daily_graph: Daily, tmp_path: Path
) -> None:
    """An edge no run rewrote since the full build is not read by the daily proofs; a full
    proof (as a full build) finds its missing end, broken rule and wrong node type."""
    source_id, _, _ = old_edge(daily_graph.workdir)
    workdir = faulty_copy(
        daily_graph,
        tmp_path,
        [
            (
                "update intermediate.int_execution_edges__work_orders"
                " set to_node_key = 'no such node', relationship_group = 'none',"
                " to_node_type = 'Part' where relationship = 'PerformedAt' and source_id = ?",
                [source_id],
            )
        ],
    )
    windowed = rerun(daily_graph, workdir, *EDGE_PROOFS)
    assert {windowed.statuses().get(test) for test in EDGE_PROOFS} == {"pass"}, windowed.tail()
    whole = rerun(daily_graph, workdir, *EDGE_PROOFS, full_proof=True)
    assert {whole.statuses().get(test) for test in EDGE_PROOFS} == {"fail"}, whole.tail()


def test_the_run_records_the_nodes_it_replaced(daily_graph: Daily) -> None:
    """int_graph_nodes__replaced holds the nodes graph_nodes' incremental run replaced, as they
    were: every master node and the nodes of the new load; none of their keys vanished."""
    replaced, master, vanished = one(
        daily_graph.workdir,
        """
        select
            count(*),
            count(*) filter (where node_type in ('Supplier', 'Part', 'Product', 'Facility')),
            count(*) filter (where not exists (
                select 1 from marts.graph_nodes as nodes
                where nodes.node_type = replaced.node_type and nodes.node_key = replaced.node_key
            ))
        from intermediate.int_graph_nodes__replaced as replaced
        """,
    )
    assert 0 < master < replaced
    assert vanished == 0


def test_an_old_edge_to_a_node_the_run_re_keyed_fails(daily_graph: Daily, tmp_path: Path) -> None:
    """A node re-keyed by the run (its old key recorded in int_graph_nodes__replaced, as the
    run records it) leaves an old edge, which no run wrote, naming its old key: the daily
    proof checks the edges naming such a key and finds it. Without the record the edge is
    outside the window (the proof passes), which is why the run records what it replaced."""
    window = edge_window(daily_graph.workdir)
    (work_order_key,) = one(
        daily_graph.workdir,
        f"""
        select min(node_key) from marts.graph_nodes
        where node_type = 'WorkOrder' and node_key not in (
            select from_node_key from marts.graph_edges
            where from_node_type = 'WorkOrder' and {window}
            union all
            select to_node_key from marts.graph_edges
            where to_node_type = 'WorkOrder' and {window}
        )
        """,
    )
    assert work_order_key is not None
    rekey = (
        "update marts.graph_nodes set node_key = node_key || '-rekeyed'"
        " where node_type = 'WorkOrder' and node_key = ?",
        [work_order_key],
    )
    recorded = faulty_copy(
        daily_graph,
        tmp_path / "recorded",
        [
            (
                "insert into intermediate.int_graph_nodes__replaced"
                " select node_type, node_key, source_id from marts.graph_nodes"
                " where node_type = 'WorkOrder' and node_key = ?",
                [work_order_key],
            ),
            rekey,
        ],
    )
    run = rerun(daily_graph, recorded, CONNECT)
    assert run.statuses().get(CONNECT) == "fail", run.tail()
    failing = failing_rows(recorded, CONNECT)
    assert failing
    assert all(work_order_key in (row["from_node_key"], row["to_node_key"]) for row in failing)
    assert "int_graph_nodes__replaced" in compiled(recorded, CONNECT)

    unrecorded = faulty_copy(daily_graph, tmp_path / "unrecorded", [rekey])
    windowed = rerun(daily_graph, unrecorded, CONNECT)
    assert windowed.statuses().get(CONNECT) == "pass", windowed.tail()


def test_an_edge_rebuilt_for_a_new_version_of_its_order_is_checked(
    daily_graph: Daily, tmp_path: Path
) -> None:
    """A work order of an older load whose order has a version in the day's load: the run
    rebuilt its edges (its FulfilledBy names the order), so their input_load_id carries the
    order's load and the daily proof checks them (an input_load_id of the work order's own
    rows only would leave them out)."""
    (work_order_id,) = one(
        daily_graph.workdir,
        f"""
        select min(work_orders.work_order_id)
        from staging.stg_plantledger__work_orders as work_orders
        inner join staging.stg_plantledger__orders as orders
            on work_orders.order_id = orders.order_id
        where work_orders.load_id <= {PREVIOUS_LOAD} and orders.load_id > {PREVIOUS_LOAD}
            and work_orders.work_order_id not in (
                select work_order_id from staging.stg_plantledger__work_order_steps
                where load_id > {PREVIOUS_LOAD}
            )
        """,
    )
    assert work_order_id is not None
    workdir = faulty_copy(
        daily_graph,
        tmp_path,
        [
            (
                "update intermediate.int_execution_edges__work_orders"
                " set from_node_key = 'no such node'"
                " where relationship = 'FulfilledBy' and source_id = ?",
                [work_order_id],
            )
        ],
    )
    run = rerun(daily_graph, workdir, CONNECT)
    assert run.statuses().get(CONNECT) == "fail", run.tail()
    assert {row["relationship"] for row in failing_rows(workdir, CONNECT)} == {"FulfilledBy"}
