"""The analyses that ask the DuckDB table macros' questions on any engine (analyses/), each with
the table macro's answer it must give: what tests/test_spark.py (on the Spark warehouse) and
tests/test_analyses.py (on DuckDB) run. Each question: (analysis, a DuckDB select over the table
macro, what of the analysis's rows to compare); the trace and stock analyses sum or select from
what their macro lists, so their reference is that sum or selection of the macro's rows.
"""

from __future__ import annotations

import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import duckdb

from tests.dbt_runner import REPO, dbt_executable

# {p[...]} are the parameters (analysis_parameters), {known} ", known_at := N" or "".
TABLE_MACRO_QUESTIONS = (
    ("arrivals_between", "select * from arrivals_between({p[from_at]}, {p[to_at]}{known})", "*"),
    (
        "sublot_moves_between",
        "select * from sublot_moves_between({p[from_at]}, {p[to_at]}{known})",
        "*",
    ),
    (
        "sublot_location_as_of",
        "select * from sublot_location_as_of({p[sublot_code]}, {p[as_of_at]}{known})",
        "*",
    ),
    (
        "conveyor_dwell_between",
        "select * from conveyor_dwell_between({p[from_at]}, {p[to_at]}{known})",
        "*",
    ),
)
SUMMING_QUESTIONS = (
    (
        "point_in_time_inventory",
        "select stock.facility_code, stock.location_code, material_types.material_type, "
        "stock.material_code, stock.status, count(distinct stock.material_sublot_code) as sublots, "
        "sum(stock.quantity) as quantity from inventory_as_of({p[as_of]}) as stock "
        "left join (select distinct material_code, material_type "
        "from marts.fact_inventory_journal) as material_types "
        "on stock.material_code = material_types.material_code group by all",
        "*",
    ),
    (
        "trace_customers_of_supplier_lot",
        "select node_key as customer_code, node_label as customer_name, "
        "count(distinct parent_node_key) as shipment_count from trace_forward({p[supplier_lot]}) "
        "where node_type = 'Customer' group by all",
        "customer_code, customer_name, shipment_count",
    ),
    (
        "trace_supplier_lots_in_sublot",
        "select distinct node_key as supplier_code, parent_node_key as lot_code "
        "from trace_backward({p[sublot_code]}) where node_type = 'Supplier'",
        "distinct supplier_code, lot_code",
    ),
)
SAFE_PARAMETER = re.compile(r"[A-Za-z0-9 :.+-]{1,40}")


def analysis_parameters(con: duckdb.DuckDBPyConnection, end_date: date) -> dict[str, str]:
    """Vars for which every analysis has rows: the week ending 5 days before the data's last
    day, its Thursday 18:00 UTC, the finished sublot somewhere then with the deepest genealogy
    and the most supplier lots, and the supplier lot shipped in the most shipments."""
    to_day = end_date - timedelta(days=5)
    as_of = f"{to_day - timedelta(days=3)} 18:00:00"
    sublot = con.execute(
        "select genealogy.finished_sublot_code from marts.fact_sublot_genealogy as genealogy "
        "inner join marts.fact_sublot_location_history as history "
        "on genealogy.finished_sublot_code = history.material_sublot_code "
        "where genealogy.is_supplier_material and history.valid_from <= cast(? as timestamptz) "
        "and history.valid_until > cast(? as timestamptz) group by genealogy.finished_sublot_code "
        "order by max(genealogy.depth) desc, count(distinct genealogy.component_lot_code) desc, "
        "genealogy.finished_sublot_code limit 1",
        [as_of, as_of],
    ).fetchone()[0]
    supplier_lot = con.execute(
        "select genealogy.component_lot_code from marts.fact_sublot_genealogy as genealogy "
        "inner join marts.graph_edges as edges "
        "on edges.from_node_key = genealogy.finished_sublot_code "
        "where edges.relationship = 'ShippedIn' group by genealogy.component_lot_code "
        "order by count(distinct edges.to_node_key) desc, genealogy.component_lot_code limit 1"
    ).fetchone()[0]
    return {
        "from_at": str(to_day - timedelta(days=7)),
        "to_at": str(to_day),
        "as_of_at": as_of,
        "as_of": as_of,
        "sublot_code": sublot,
        "supplier_lot": supplier_lot,
    }


# every question as it is (known_at unset), and the table macros' questions known at load 0
QUESTIONS = [(*question, None) for question in TABLE_MACRO_QUESTIONS + SUMMING_QUESTIONS]
QUESTIONS += [(*question, 0) for question in TABLE_MACRO_QUESTIONS]


def compile_analyses(env: dict[str, str], target: str, vars_: dict, names: list[str], path: Path):
    """``dbt compile --target <target>`` of the analyses ``names`` with ``vars_`` into ``path``:
    analysis -> its SQL file. No adapter cache: compiling opens no Spark session."""
    command = [
        dbt_executable(), "compile", "--target", target, "--no-populate-cache",
        "--project-dir", str(REPO), "--target-path", str(path),
        "--log-path", str(path / "logs"), "--quiet", "--no-use-colors",
        "--select", *names, "--vars", json.dumps(vars_),
    ]  # fmt: skip
    path.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        command, cwd=path, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    folder = path / "compiled" / "plantledger" / "analyses"
    return {name: folder / f"{name}.sql" for name in names}


def compile_questions(
    env: dict[str, str], target: str, vars_: dict, work: Path
) -> dict[tuple[str, int | None], Path]:
    """Every question's analysis compiled: (analysis, known_at) -> SQL file. The two vars sets
    (without known_at, with known_at 0) are compiled side by side."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {}
        for known_at in (None, 0):
            names = [name for name, _, _, known in QUESTIONS if known == known_at]
            extra = {} if known_at is None else {"known_at": known_at}
            path = work / f"analyses_{target}_{known_at}"
            futures[known_at] = pool.submit(
                compile_analyses, env, target, {**vars_, **extra}, names, path
            )
        return {
            (name, known_at): sql
            for known_at, future in futures.items()
            for name, sql in future.result().items()
        }


def reference_select(reference: str, params: dict[str, str], known_at: int | None) -> str:
    """The table macro's answer for the parameters, as a parenthesised DuckDB query."""
    assert all(SAFE_PARAMETER.fullmatch(value) for value in params.values()), params
    quoted = {name: f"'{value}'" for name, value in params.items()}
    known = "" if known_at is None else f", known_at := {known_at}"
    return f"({reference.format(p=quoted, known=known)})"
