"""Lot traceability on the small warehouse (session fixture ``warehouse_small``): the trace
macros, the genealogy mart, the graph marts, the analyses and ``plantledger report trace``."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from plantledger import cli

REPO = Path(__file__).resolve().parents[1]
TRACE_COLUMNS = (
    "depth, node_type, node_key, node_label, parent_node_type, parent_node_key, relationship, "
    "quantity, occurred_at, node_id, parent_node_id"
)
PLAN_RELATIONSHIPS = {
    "PerformedAt": ("WorkOrder", "Facility"),
    "FulfilledBy": ("Order", "WorkOrder"),
    "Produces": ("WorkOrder", "Product"),
    "HasStep": ("WorkOrder", "WorkOrderStep"),
    "UsesWorkCenter": ("WorkOrderStep", "WorkCenter"),
    "LocatedAt": ("WorkCenter", "Facility"),
    "RoutesThrough": ("Product", "ProductionRouting"),
    "ConsumesPart": ("MaterialTransaction", "Part"),
    "ProducesProduct": ("MaterialTransaction", "Product"),
}


def _trace(con: duckdb.DuckDBPyConnection, macro: str, code: str) -> list[dict]:
    cursor = con.execute(f"select {TRACE_COLUMNS} from {macro}(?)", [code])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def forward(con: duckdb.DuckDBPyConnection, code: str) -> list[dict]:
    return _trace(con, "trace_forward", code)


def backward(con: duckdb.DuckDBPyConnection, code: str) -> list[dict]:
    return _trace(con, "trace_backward", code)


def keys(rows: list[dict], node_type: str) -> set[str]:
    return {row["node_key"] for row in rows if row["node_type"] == node_type}


@pytest.fixture(scope="module")
def con(warehouse_small):
    connection = warehouse_small.connect()
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def busy_lots(con) -> list[str]:
    """The five supplier lots whose sublots the most work orders consumed."""
    rows = con.execute(
        """
        select component_lot_code
        from marts.fact_sublot_genealogy
        where is_supplier_material
        group by component_lot_code
        order by count(distinct consuming_work_order_id) desc, component_lot_code
        limit 5
        """
    ).fetchall()
    assert len(rows) == 5
    return [code for (code,) in rows]


@pytest.fixture(scope="module")
def shipped_sublots(con) -> list[str]:
    """Ten shipped finished sublots, with the most components first."""
    rows = con.execute(
        """
        select genealogy.finished_sublot_code
        from marts.fact_sublot_genealogy as genealogy
        inner join marts.graph_edges as shipped
            on shipped.relationship = 'ShippedIn'
            and shipped.from_node_key = genealogy.finished_sublot_code
        group by genealogy.finished_sublot_code
        order by count(*) desc, genealogy.finished_sublot_code
        limit 10
        """
    ).fetchall()
    assert len(rows) == 10
    return [code for (code,) in rows]


# --- the trace macros -------------------------------------------------------------------------


def test_forward_then_backward_of_the_same_path_agree(con, busy_lots):
    for lot in busy_lots:
        ahead = forward(con, lot)
        lot_sublots = {row["node_key"] for row in ahead if row["relationship"] == "HasSublot"}
        work_orders = keys(ahead, "WorkOrder")
        finished = sorted(
            row["node_key"] for row in ahead if row["relationship"] == "ProducedSublot"
        )
        assert lot_sublots and work_orders and finished, lot
        for sublot in finished[:8]:
            behind = backward(con, sublot)
            assert lot in keys(behind, "MaterialLot"), (lot, sublot)
            # the path back goes through the same sublots of the lot and the same work order
            assert keys(behind, "MaterialSublot") & lot_sublots, (lot, sublot)
            producer = {
                row["node_key"] for row in behind if row["relationship"] == "ProducedSublot"
            }
            assert len(producer) == 1 and producer <= work_orders, (lot, sublot, producer)


def test_backward_then_forward_of_the_same_path_agree(con, shipped_sublots):
    for sublot in shipped_sublots[:5]:
        behind = backward(con, sublot)
        supplier_lots = {
            row["node_key"]
            for row in behind
            if row["relationship"] == "HasSublot" and row["depth"] > 1
        }
        assert supplier_lots, sublot
        shipment = con.execute(
            "select to_node_key from marts.graph_edges "
            "where relationship = 'ShippedIn' and from_node_key = ?",
            [sublot],
        ).fetchall()[0][0]
        for lot in sorted(supplier_lots):
            ahead = forward(con, lot)
            assert sublot in keys(ahead, "MaterialSublot"), (sublot, lot)
            assert shipment in keys(ahead, "Shipment"), (sublot, lot, shipment)


def test_every_shipped_finished_sublot_traces_back_to_a_supplier_lot(con, shipped_sublots):
    untraced = con.execute(
        """
        select outputs.sublot_code
        from intermediate.int_work_order_outputs as outputs
        inner join marts.graph_edges as shipped
            on shipped.relationship = 'ShippedIn'
            and shipped.from_node_key = outputs.sublot_code
        where not exists (
            select 1
            from marts.fact_sublot_genealogy as genealogy
            where genealogy.finished_sublot_id = outputs.material_sublot_id
                and genealogy.is_supplier_material
        )
        """
    ).fetchall()
    assert untraced == []
    for sublot in shipped_sublots:
        behind = backward(con, sublot)
        assert keys(behind, "Supplier"), sublot
        suppliers_of_lots = {
            row["parent_node_key"] for row in behind if row["relationship"] == "SuppliedLot"
        }
        assert suppliers_of_lots <= keys(behind, "MaterialLot")


def test_backward_trace_finds_the_genealogy_marts_components(con, shipped_sublots):
    for sublot in shipped_sublots:
        from_mart = {
            code
            for (code,) in con.execute(
                "select component_sublot_code from marts.fact_sublot_genealogy "
                "where finished_sublot_code = ?",
                [sublot],
            ).fetchall()
        }
        from_trace = keys(backward(con, sublot), "MaterialSublot") - {sublot}
        assert from_trace == from_mart, sublot


def test_quantities_consumed_along_a_trace_never_exceed_what_the_sublot_held(con, busy_lots):
    held = dict(
        con.execute(
            "select sublot_code, initial_quantity from marts.dim_material_sublots"
        ).fetchall()
    )
    for lot in busy_lots:
        ahead = forward(con, lot)
        drawn: dict[str, float] = defaultdict(float)
        for row in ahead:
            if row["relationship"] in ("HasSublot", "ProducedSublot"):
                # what reached the sublot is what it was created with
                assert row["quantity"] == held[row["node_key"]], row
            if row["relationship"] == "ConsumedBy":
                drawn[row["parent_node_key"]] += row["quantity"]
            if row["relationship"] == "ShippedIn":
                # a shipment moves the whole sublot (a replenished part sublot is then
                # consumed at the destination): never more than it held
                assert row["quantity"] <= held[row["parent_node_key"]], row
        assert drawn, lot
        for sublot, quantity in drawn.items():
            assert quantity <= held[sublot], (lot, sublot, quantity, held[sublot])
    # and over every sublot of the warehouse: kept by work orders plus scrapped <= held
    over = con.execute(
        """
        select consumption.material_sublot_id
        from intermediate.int_sublot_consumption as consumption
        group by consumption.material_sublot_id
        having sum(consumption.net_quantity) > max(consumption.sublot_initial_quantity)
        """
    ).fetchall()
    assert over == []


def test_named_entities_give_the_expected_paths(con):
    def edges(relationship: str, from_key: str) -> set[str]:
        return {
            key
            for (key,) in con.execute(
                "select to_node_key from marts.graph_edges "
                "where relationship = ? and from_node_key = ?",
                [relationship, from_key],
            ).fetchall()
        }

    # the plan's reference work order, end to end through the graph
    assert edges("PlacedBy", "ORD-2024-001") == {"CUST-ACME"}
    assert edges("FulfilledBy", "ORD-2024-001") == {"WO-2024-00001"}
    assert edges("Produces", "WO-2024-00001") == {"TURBO-001"}
    assert edges("PerformedAt", "WO-2024-00001") == {"FAC-CHI"}
    assert edges("LocatedAt", "WC-ASM-01") == {"FAC-CHI"}
    assert edges("LocatedAt", "WC-TEST-01") == {"FAC-CHI"}
    steps = edges("HasStep", "WO-2024-00001")
    assert steps and all(step.startswith("WO-2024-00001/") for step in steps)
    assert set().union(*(edges("UsesWorkCenter", step) for step in steps)) <= {
        code
        for (code,) in con.execute(
            "select work_center_code from marts.dim_work_centers where facility_code = 'FAC-CHI'"
        ).fetchall()
    }
    bill = edges("HasComponent", "TURBO-001")
    assert {"CHIP-001", "MOTOR-001", "TURBO-ENC-001"} <= bill

    # lot genealogy: the TURBO-001 sublot of WO-2024-00001, back to the named suppliers ...
    (sublot,) = edges("ProducedSublot", "WO-2024-00001")
    behind = backward(con, sublot)
    assert keys(behind, "WorkOrder") == {"WO-2024-00001"}
    parts = {row["node_label"] for row in behind if row["relationship"] == "ConsumedBy"}
    assert parts and parts <= bill
    assert keys(behind, "Supplier") & {"SUP00001", "SUP00002", "SUP00003"}
    # ... and forward from each of its supplier lots to the order's customer, CUST-ACME
    shipment = edges("ShippedIn", sublot)
    assert len(shipment) == 1 and edges("Fulfills", next(iter(shipment))) == {"ORD-2024-001"}
    for lot in {row["parent_node_key"] for row in behind if row["relationship"] == "SuppliedLot"}:
        ahead = forward(con, lot)
        assert "WO-2024-00001" in keys(ahead, "WorkOrder")
        assert sublot in keys(ahead, "MaterialSublot")
        assert "CUST-ACME" in keys(ahead, "Customer")


def test_forward_accepts_a_sublot_or_the_suppliers_lot_number(con, busy_lots):
    lot = busy_lots[0]
    by_lot = forward(con, lot)
    (supplier_lot_number,) = con.execute(
        "select supplier_lot_number from marts.dim_material_lots where lot_code = ?", [lot]
    ).fetchall()[0]
    by_number = forward(con, supplier_lot_number)
    assert lot in keys(by_number, "MaterialLot")
    assert keys(by_lot, "WorkOrder") <= keys(by_number, "WorkOrder")
    sublot = sorted(row["node_key"] for row in by_lot if row["relationship"] == "HasSublot")[0]
    by_sublot = forward(con, sublot)
    assert [row["depth"] for row in by_sublot if row["node_key"] == sublot] == [0]
    assert keys(by_sublot, "WorkOrder") <= keys(by_lot, "WorkOrder")


def test_unknown_codes_trace_to_nothing(con):
    assert forward(con, "LOT-99999999") == []
    assert backward(con, "SL-999999999") == []
    assert backward(con, "not a code") == []


def _two_work_orders(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """The first two work orders (by id), each with its first output sublot."""
    return con.execute(
        """
        select work_order_id, min(material_sublot_id)
        from intermediate.int_work_order_outputs
        group by work_order_id
        order by work_order_id
        limit 2
        """
    ).fetchall()


def _make_component(
    con: duckdb.DuckDBPyConnection, sublot_id: int, work_order_id: int, source_work_order_id: int
) -> None:
    """Make a sublot (the output of source_work_order_id) a component of work_order_id: its
    ConsumedBy edge and the work order link, as a build would write them."""
    con.execute(
        "insert into intermediate.int_genealogy_edges "
        "select 'ConsumedBy', 'MaterialSublot', ?, 'WorkOrder', ?, 1, now()",
        [sublot_id, work_order_id],
    )
    con.execute(
        "insert into intermediate.int_work_order_links "
        "(consuming_work_order_id, source_work_order_id) values (?, ?)",
        [work_order_id, source_work_order_id],
    )


def _wo_number(con: duckdb.DuckDBPyConnection, work_order_id: int) -> str:
    return con.execute(
        "select wo_number from marts.fact_work_orders where work_order_id = ?", [work_order_id]
    ).fetchall()[0][0]


def _sublot_code(con: duckdb.DuckDBPyConnection, sublot_id: int) -> str:
    return con.execute(
        "select sublot_code from marts.dim_material_sublots where material_sublot_id = ?",
        [sublot_id],
    ).fetchall()[0][0]


def test_traces_follow_in_house_subassemblies_and_stop_at_cycles(warehouse_small, tmp_path):
    """In a copy of the warehouse, make work order A's output a component of work order B (and,
    as bad data, B's output one of A's): the traces gain levels and still end."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse_small.duckdb, copy)
    with duckdb.connect(str(copy)) as con:
        (a, a_output), (b, b_output) = _two_work_orders(con)
        _make_component(con, a_output, b, a)
        _make_component(con, b_output, a, b)
        a_number, b_number, a_code = (
            _wo_number(con, a),
            _wo_number(con, b),
            _sublot_code(con, a_output),
        )
        b_later = con.execute(
            "select max(material_sublot_id) from intermediate.int_work_order_outputs "
            "where work_order_id = ?",
            [b],
        ).fetchall()[0][0]
        b_later_code = _sublot_code(con, b_later)
        # A's supplier lots that B does not draw on itself (B is reached only through A)
        a_lots = {
            code
            for (code,) in con.execute(
                """
                select component_lot_code from marts.fact_sublot_genealogy
                where finished_work_order_id = ? and is_supplier_material
                except
                select component_lot_code from marts.fact_sublot_genealogy
                where finished_work_order_id = ?
                """,
                [a, b],
            ).fetchall()
        }
        behind = backward(con, b_later_code)
        depth = {(row["node_type"], row["node_key"]): row["depth"] for row in behind}
        assert depth[("WorkOrder", b_number)] == 1
        assert depth[("MaterialSublot", a_code)] == 2  # A's output, consumed by B
        assert depth[("WorkOrder", a_number)] == 3  # ... made by A
        assert a_lots and a_lots <= keys(behind, "MaterialLot")  # A's supplier lots, deeper
        assert max(row["depth"] for row in behind) >= 6  # lot and supplier below A's sublots
        lot = sorted(a_lots)[0]
        ahead = forward(con, lot)
        depth = {(row["node_type"], row["node_key"]): row["depth"] for row in ahead}
        assert depth[("WorkOrder", a_number)] == 2
        assert depth[("MaterialSublot", a_code)] == 3
        assert depth[("WorkOrder", b_number)] == 4  # through the subassembly
        assert depth[("MaterialSublot", b_later_code)] == 5


def test_traces_follow_a_subassembly_link_in_its_direction_only(warehouse_small, tmp_path):
    """In a copy of the warehouse, make work order A's output a component of work order B, one
    way (no cycle, unlike the test above, so a trace that followed int_work_order_links the
    wrong way round would miss it): backward from B's output reaches A; forward from a
    component of A (not one of B's) reaches B through A; backward from A's output and forward
    from B's output do not reach the other work order."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse_small.duckdb, copy)
    with duckdb.connect(str(copy)) as con:
        (a, a_output), (b, b_output) = _two_work_orders(con)
        _make_component(con, a_output, b, a)
        a_number, b_number = _wo_number(con, a), _wo_number(con, b)
        a_code, b_code = _sublot_code(con, a_output), _sublot_code(con, b_output)
        # a sublot A consumed and B did not (B is reached from it only through A)
        (a_component_id,) = con.execute(
            """
            select min(from_node_id) from intermediate.int_genealogy_edges
            where relationship = 'ConsumedBy' and to_node_id = ?
                and from_node_id not in (
                    select from_node_id from intermediate.int_genealogy_edges
                    where relationship = 'ConsumedBy' and to_node_id = ?
                )
            """,
            [a, b],
        ).fetchone()
        a_component = _sublot_code(con, a_component_id)
        behind_b, ahead_a = backward(con, b_code), forward(con, a_component)
        behind_a, ahead_b = backward(con, a_code), forward(con, b_code)

    def at(rows: list[dict]) -> dict[tuple[str, str], int]:
        return {(row["node_type"], row["node_key"]): row["depth"] for row in rows}

    def work_orders(rows: list[dict]) -> set[str]:
        return {row["node_key"] for row in rows if row["node_type"] == "WorkOrder"} | {
            row["parent_node_key"] for row in rows if row["parent_node_type"] == "WorkOrder"
        }

    assert at(behind_b)[("WorkOrder", b_number)] == 1
    assert at(behind_b)[("MaterialSublot", a_code)] == 2
    assert at(behind_b)[("WorkOrder", a_number)] == 3
    assert at(ahead_a)[("WorkOrder", a_number)] == 1
    assert at(ahead_a)[("MaterialSublot", a_code)] == 2
    assert at(ahead_a)[("WorkOrder", b_number)] == 3  # through the link
    assert at(ahead_a)[("MaterialSublot", b_code)] == 4
    assert a_number in work_orders(behind_a) and b_number not in work_orders(behind_a)
    assert b_number not in work_orders(ahead_b) and a_number not in work_orders(ahead_b)


# --- the graph marts --------------------------------------------------------------------------


def test_the_plans_nine_relationships_are_edges_between_the_right_nodes(con):
    found = {
        relationship: (from_type, to_type)
        for relationship, from_type, to_type in con.execute(
            "select distinct relationship, from_node_type, to_node_type from marts.graph_edges "
            "where relationship_group = 'execution'"
        ).fetchall()
        if relationship in PLAN_RELATIONSHIPS
    }
    assert found == PLAN_RELATIONSHIPS
    orphans = con.execute(
        """
        select count(*)
        from marts.graph_edges as edges
        left join marts.graph_nodes as from_nodes
            on edges.from_node_type = from_nodes.node_type
            and edges.from_node_key = from_nodes.node_key
        left join marts.graph_nodes as to_nodes
            on edges.to_node_type = to_nodes.node_type
            and edges.to_node_key = to_nodes.node_key
        where from_nodes.node_key is null or to_nodes.node_key is null
        """
    ).fetchall()[0][0]
    assert orphans == 0


def test_genealogy_depth_is_one_level_in_todays_data(con):
    depths = con.execute(
        "select distinct depth from marts.fact_sublot_genealogy order by depth"
    ).fetchall()
    assert depths == [(1,)]
    assert con.execute("select count(*) from intermediate.int_work_order_links").fetchall() == [
        (0,)
    ]


# --- the analyses -----------------------------------------------------------------------------

_REF = re.compile(r"\{\{\s*ref\('(\w+)'\)\s*\}\}")
_VAR = re.compile(r"""\{\{\s*var\(\s*["'](\w+)["']\s*,\s*["'][^"']*["']\s*\)\s*\}\}""")
_CODE = re.compile(r"""\{\{\s*analysis_code\(\s*'(\w+)'\s*,\s*'[^']*'\s*\)\s*\}\}""")
_SORTED_AGG = re.compile(
    r"""\{\{\s*sorted_distinct_string_agg\(\s*'([\w.]+)'\s*,\s*"('[^']*')"\s*\)\s*\}\}"""
)


def render_analysis(path: Path, schemas: dict[str, str], values: dict[str, str]) -> str:
    """The analysis with refs as schema.table, vars and code vars (analysis_code, a quoted
    string) replaced, and sorted_distinct_string_agg as DuckDB renders it (they use nothing
    else)."""
    text = _REF.sub(lambda match: f"{schemas[match.group(1)]}.{match.group(1)}", path.read_text())
    text = _VAR.sub(lambda match: values[match.group(1)], text)
    text = _CODE.sub(lambda match: f"'{values[match.group(1)]}'", text)
    text = _SORTED_AGG.sub(
        lambda m: f"string_agg(distinct {m.group(1)}, {m.group(2)} order by {m.group(1)})", text
    )
    assert "{{" not in text and "{%" not in text, path.name
    return text


def test_each_traversal_analysis_answers_its_question(con, busy_lots, shipped_sublots):
    schemas = dict(
        con.execute(
            "select table_name, table_schema from information_schema.tables "
            "where table_schema in ('marts', 'intermediate')"
        ).fetchall()
    )
    values = {
        "facility_code": "FAC-CHI",
        "order_number": "ORD-2024-001",
        "wo_number": "WO-2024-00001",
        "work_center_code": "WC-ASM-01",
        "sku": "TURBO-001",
        "supplier_lot": busy_lots[0],
        "sublot_code": shipped_sublots[0],
    }
    paths = sorted(REPO.glob("analyses/graph_*.sql")) + sorted(REPO.glob("analyses/trace_*.sql"))
    assert len(paths) == 11
    answers = {}
    for path in paths:
        cursor = con.execute(render_analysis(path, schemas, values))
        names = [column[0] for column in cursor.description]
        answers[path.stem] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert [row["sku"] for row in answers["graph_what_work_order_makes"]] == ["TURBO-001"]
    assert [row["wo_number"] for row in answers["graph_production_for_order"]] == ["WO-2024-00001"]
    progress = answers["graph_work_order_progress"]
    assert progress and [row["step_sequence"] for row in progress] == sorted(
        row["step_sequence"] for row in progress
    )
    assert {"WC-ASM-01", "WC-TEST-01"} <= {
        row["work_center_code"] for row in answers["graph_work_centers_at_facility"]
    }
    assert answers["graph_steps_to_make_product"]
    consumed = {row["part_number"] for row in answers["graph_parts_consumed_by_work_order"]}
    assert consumed and consumed <= {"CHIP-001", "MOTOR-001", "TURBO-ENC-001"}
    assert [row["sku"] for row in answers["graph_products_from_work_order"]] == ["TURBO-001"]
    for stem in ("graph_work_orders_at_factory", "graph_running_on_work_center"):
        assert isinstance(answers[stem], list)  # may be empty: nothing running right now
    customers = {row["customer_code"] for row in answers["trace_customers_of_supplier_lot"]}
    assert customers == keys(forward(con, busy_lots[0]), "Customer")
    lots = {row["lot_code"] for row in answers["trace_supplier_lots_in_sublot"]}
    behind = backward(con, shipped_sublots[0])
    assert lots == {
        row["node_key"] for row in behind if row["relationship"] == "HasSublot" and row["depth"] > 1
    }


# --- plantledger report trace -----------------------------------------------------------------


def test_report_prints_the_forward_tree(warehouse_small, busy_lots, capsys):
    code = cli.main(
        ["report", "trace", "--forward", busy_lots[0], "--warehouse", str(warehouse_small.duckdb)]
    )
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"Forward trace of {busy_lots[0]}: ")
    assert f"lot {busy_lots[0]}" in lines[1]
    assert any("work order WO-" in line for line in lines)
    assert any("customer CUST-" in line for line in lines)
    assert "select * from trace_forward(" in lines[-1]


def test_report_prints_the_backward_tree(warehouse_small, shipped_sublots, capsys):
    code = cli.main(
        [
            "report",
            "trace",
            "--backward",
            shipped_sublots[0],
            "--warehouse",
            str(warehouse_small.duckdb),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0].startswith(f"Backward trace of {shipped_sublots[0]}: ")
    assert "supplier SUP" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--forward", "LOT-99999999"], "unknown code 'LOT-99999999'"),
        (["--backward", "SL-999999999"], "unknown sublot code 'SL-999999999'"),
        ([], "one of the arguments --forward --backward is required"),
    ],
)
def test_report_bad_codes_are_one_line_exit_2(warehouse_small, capsys, argv, message):
    code = cli.main(["report", "trace", *argv, "--warehouse", str(warehouse_small.duckdb)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines() == [err.strip()]
    assert err.startswith("plantledger: error: ") and message in err


def test_report_backward_from_a_lot_says_to_go_forward(warehouse_small, busy_lots, capsys):
    code = cli.main(
        ["report", "trace", "--backward", busy_lots[0], "--warehouse", str(warehouse_small.duckdb)]
    )
    err = capsys.readouterr().err
    assert code == 2 and "use --forward for a lot" in err


def test_report_without_a_warehouse_says_how_to_build_it(tmp_path, capsys):
    missing = tmp_path / "nowhere.duckdb"
    code = cli.main(["report", "trace", "--forward", "LOT-00000001", "--warehouse", str(missing)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines() == [err.strip()]
    assert f"no warehouse at {missing}" in err and "dbt build" in err


# --- the benchmark section --------------------------------------------------------------------


def test_bench_section_times_both_traces_on_the_built_warehouse(warehouse_small, tmp_path):
    from plantledger.bench import config as bench
    from plantledger.bench import traceability as bench_traceability
    from plantledger.bench.sections import SECTIONS

    names = list(SECTIONS)
    assert names.index("dbt") < names.index("traceability")
    raw = tmp_path / "scale-0.01" / "raw"
    (raw.parent / "dbt").mkdir(parents=True)
    shutil.copyfile(warehouse_small.duckdb, raw.parent / "dbt" / "warehouse.duckdb")
    logged: list[str] = []
    config = bench.BenchConfig(scales=(0.01,), workdir=tmp_path, log=logged.append)
    state = bench.BenchState(raw={0.01: raw})

    body = SECTIONS["traceability"].run(config, state)

    row = next(line for line in body.splitlines() if line.startswith("| 0.01 |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1].startswith("LOT-") and cells[1].endswith("WOs)")
    assert cells[5].startswith("SL-") and cells[5].endswith("components)")
    assert int(cells[2].replace(",", "")) > 0 and int(cells[6].replace(",", "")) > 0
    assert float(cells[3].replace(",", "")) >= 0 and cells[9] == "–"  # no target below 10
    assert len(logged) == 1 and "trace_forward(LOT-" in logged[0]
    assert bench_traceability.LATENCY_RUNS >= 5
