"""Benchmark section ``traceability``: latency of the lot-trace table macros.

At every benchmarked scale, on the warehouse the ``dbt`` section built (``<scale>/dbt/
warehouse.duckdb`` next to the raw folder; built here first, untimed, when that section did not
run), it times ``select * from trace_forward(<lot>)`` from the busiest supplier lot (the one
whose sublots the most work orders consumed) and ``select * from trace_backward(<sublot>)``
from the shipped finished sublot with the most components. Each query runs once to warm up,
then :data:`LATENCY_RUNS` times on one read-only connection; the report gives the median and
the slowest run. Target: under 1 s at scale 10.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from plantledger.bench.config import BenchConfig, BenchError, BenchState, Section, markdown_table
from plantledger.bench.inputs import section_warehouse

LATENCY_RUNS = 7
TARGET_SECONDS = {10.0: 1.0}  # scale -> latency target for both traces

BUSIEST_SUPPLIER_LOT_SQL = """
    select lots.lot_code, count(distinct edges.to_node_id) as work_orders
    from intermediate.int_genealogy_edges as edges
    inner join marts.dim_material_sublots as sublots
        on edges.from_node_id = sublots.material_sublot_id
    inner join marts.dim_material_lots as lots
        on sublots.material_lot_id = lots.material_lot_id
    where edges.from_node_type = 'MaterialSublot'
        and edges.to_node_type = 'WorkOrder'
        and lots.lot_origin = 'supplier'
    group by lots.lot_code
    order by work_orders desc, lots.lot_code
    limit 1
"""

LARGEST_SHIPPED_SUBLOT_SQL = """
    select genealogy.finished_sublot_code, count(*) as components
    from marts.fact_sublot_genealogy as genealogy
    inner join intermediate.int_genealogy_edges as shipped
        on shipped.from_node_type = 'MaterialSublot'
        and shipped.from_node_id = genealogy.finished_sublot_id
        and shipped.relationship = 'ShippedIn'
    group by genealogy.finished_sublot_code
    order by components desc, genealogy.finished_sublot_code
    limit 1
"""


@dataclass(frozen=True)
class TraceTiming:
    code: str
    fan_out: int  # work orders of the lot, or components of the sublot
    rows: int
    median_seconds: float
    max_seconds: float


def warehouse_path(config: BenchConfig, state: BenchState, scale: float) -> Path:
    """The warehouse of ``scale``: the one the dbt section left, else one built now (untimed)."""
    return section_warehouse(config, state, scale, "traceability")


def time_trace(connection, macro: str, code: str, fan_out: int) -> TraceTiming:
    """Run ``select * from <macro>(code)`` once to warm up, then LATENCY_RUNS times."""
    sql = f"select * from {macro}(?)"
    rows = len(connection.execute(sql, [code]).fetchall())
    seconds = []
    for _ in range(LATENCY_RUNS):
        started = time.perf_counter()
        rows = len(connection.execute(sql, [code]).fetchall())
        seconds.append(time.perf_counter() - started)
    if rows == 0:
        raise BenchError(f"{macro}({code!r}) returned no rows")
    return TraceTiming(code, fan_out, rows, statistics.median(seconds), max(seconds))


def measure_warehouse(path: Path) -> tuple[TraceTiming, TraceTiming]:
    """Forward from the busiest supplier lot and backward from the largest shipped sublot."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        connection.execute("set enable_progress_bar = false")
        lot = connection.execute(BUSIEST_SUPPLIER_LOT_SQL).fetchall()
        sublot = connection.execute(LARGEST_SHIPPED_SUBLOT_SQL).fetchall()
        if not lot or not sublot:
            raise BenchError(f"the warehouse {path} has no consumed supplier lot or shipped sublot")
        forward = time_trace(connection, "trace_forward", lot[0][0], int(lot[0][1]))
        backward = time_trace(connection, "trace_backward", sublot[0][0], int(sublot[0][1]))
    return forward, backward


def _target_text(scale: float, forward: TraceTiming, backward: TraceTiming) -> str:
    if scale not in TARGET_SECONDS:
        return "–"
    limit = TARGET_SECONDS[scale]
    slowest = max(forward.median_seconds, backward.median_seconds)
    return f"< {limit:g} s: {'met' if slowest < limit else 'MISSED'}"


def bench_traceability(config: BenchConfig, state: BenchState) -> str:
    rows_out = []
    for scale in config.scales:
        forward, backward = measure_warehouse(warehouse_path(config, state, scale))
        config.log(
            f"traceability scale {scale:g}: trace_forward({forward.code}) "
            f"{forward.median_seconds * 1000:.0f} ms, {forward.rows} rows; "
            f"trace_backward({backward.code}) {backward.median_seconds * 1000:.0f} ms, "
            f"{backward.rows} rows"
        )
        rows_out.append(
            [
                f"{scale:g}",
                f"{forward.code} ({forward.fan_out} WOs)",
                f"{forward.rows:,}",
                f"{forward.median_seconds * 1000:,.0f}",
                f"{forward.max_seconds * 1000:,.0f}",
                f"{backward.code} ({backward.fan_out} components)",
                f"{backward.rows:,}",
                f"{backward.median_seconds * 1000:,.0f}",
                f"{backward.max_seconds * 1000:,.0f}",
                _target_text(scale, forward, backward),
            ]
        )
    table = markdown_table(
        [
            "scale",
            "forward from",
            "rows",
            "median ms",
            "max ms",
            "backward from",
            "rows",
            "median ms",
            "max ms",
            "target",
        ],
        rows_out,
    )
    return (
        "`select * from trace_forward(<lot>)` from the supplier lot whose sublots the most work "
        "orders consumed, and `select * from trace_backward(<sublot>)` from the shipped finished "
        f"sublot with the most components, on the built warehouse (read-only): {LATENCY_RUNS} "
        "runs after one warm-up, one connection. Target: under 1 s at scale 10.\n\n" + table
    )


SECTION = Section("traceability", "Lot traceability", bench_traceability)
