"""``plantledger report trace``: lot genealogy as a tree, forwards or backwards.

``--forward CODE`` (a lot code LOT-..., a sublot code SL-... or a supplier's own lot number)
prints everything made from it: its sublots, the work orders that consumed them, the sublots
those produced (and onwards, for in-house subassemblies), the shipments they left in and the
customers or facilities those went to. ``--backward CODE`` (a sublot code) prints everything it
was made from, up to the suppliers. Both read the table macros ``trace_forward`` and
``trace_backward`` that ``dbt build`` leaves in the warehouse
(macros/table_macros/traceability.sql), so ``select * from trace_forward('LOT-...')`` gives the
same rows as the report.

A node reached from several parents (a work order that consumed two sublots of the lot, a
customer that received several shipments) is shown under each; its own branch is printed
under the first and marked "(see above)" after that.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from plantledger.params import ParameterError
from plantledger.report.output import (
    add_output_arguments,
    check_output_arguments,
    emit,
    render_table,
)
from plantledger.report.recall import shipment_quantities, trace_frame, trace_result
from plantledger.report.registry import report
from plantledger.report.warehouse import (
    BUILD_HINT,
    Warehouse,
    add_warehouse_argument,
    open_warehouse,
)

TRACE_MACROS = ("trace_forward", "trace_backward")
TRACE_COLUMNS = (
    "depth, node_type, node_key, node_label, parent_node_type, parent_node_key, relationship, "
    "quantity, occurred_at, node_id, parent_node_id"
)
NODE_NAMES = {
    "MaterialLot": "lot",
    "MaterialSublot": "sublot",
    "WorkOrder": "work order",
    "Shipment": "shipment",
    "Customer": "customer",
    "Facility": "facility",
    "Supplier": "supplier",
}
SUMMARY_ORDER = (
    "MaterialLot",
    "MaterialSublot",
    "WorkOrder",
    "Shipment",
    "Customer",
    "Facility",
    "Supplier",
)


@dataclass(frozen=True)
class TraceRow:
    depth: int
    node_type: str
    node_key: str | None
    node_label: str | None
    parent_node_type: str | None
    parent_node_key: str | None
    relationship: str | None
    quantity: float | None
    occurred_at: dt.datetime | None
    node_id: int
    parent_node_id: int | None

    @property
    def node(self) -> tuple[str, int]:
        return (self.node_type, self.node_id)

    @property
    def parent(self) -> tuple[str, int] | None:
        if self.parent_node_type is None or self.parent_node_id is None:
            return None
        return (self.parent_node_type, self.parent_node_id)


def _add(parser: argparse.ArgumentParser) -> None:
    direction = parser.add_mutually_exclusive_group(required=True)
    direction.add_argument(
        "--forward",
        default=None,
        metavar="CODE",
        help="a lot code (LOT-...), sublot code (SL-...) or supplier lot number: everything "
        "made from it, down to shipments and customers",
    )
    direction.add_argument(
        "--backward",
        default=None,
        metavar="CODE",
        help="a sublot code (SL-...): everything it was made from, up to the suppliers",
    )
    add_output_arguments(parser)
    add_warehouse_argument(parser)


def trace_rows(warehouse: Warehouse, direction: str, code: str) -> list[TraceRow]:
    """The rows of trace_forward / trace_backward for ``code`` (bound, never pasted)."""
    macros = {
        name
        for (name,) in warehouse.rows(
            "select function_name from duckdb_functions() where function_type = 'table_macro'"
        )
    }
    missing = [name for name in TRACE_MACROS if name not in macros]
    if missing:
        raise ParameterError(
            f"the warehouse {warehouse.path} has no trace macros ({', '.join(missing)}); they "
            f"are made at the end of a full build: {BUILD_HINT}"
        )
    macro = "trace_forward" if direction == "forward" else "trace_backward"
    rows = warehouse.rows(f"select {TRACE_COLUMNS} from {macro}(?)", [code])
    return [TraceRow(*row) for row in rows]


def _unknown_code(warehouse: Warehouse, direction: str, code: str) -> ParameterError:
    if direction == "backward":
        is_lot = warehouse.rows(
            "select 1 from marts.dim_material_lots where lot_code = ? or supplier_lot_number = ? "
            "limit 1",
            [code, code],
        )
        if is_lot:
            return ParameterError(
                f"{code!r} is a lot, and --backward takes a sublot code such as SL-000000123 "
                "(marts.dim_material_sublots); use --forward for a lot"
            )
        return ParameterError(
            f"unknown sublot code {code!r}: --backward takes a sublot code such as SL-000000123 "
            "(marts.dim_material_sublots)"
        )
    return ParameterError(
        f"unknown code {code!r}: --forward takes a lot code (LOT-00000123), a sublot code "
        "(SL-000000123) or a supplier's lot number (marts.dim_material_lots, "
        "marts.dim_material_sublots)"
    )


# --- the tree ---------------------------------------------------------------------------------


def _quantity(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _day(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _edge_text(row: TraceRow, direction: str, shipped: dict[int, float] | None = None) -> str:
    """What the edge from the parent to this node says, in the reading direction; a customer
    reached from a shipment carries the quantity of the traced material in that shipment."""
    quantity, when = _quantity(row.quantity), _day(row.occurred_at)
    if row.relationship == "ShipsTo" and shipped and row.parent_node_id in shipped:
        return f"shipped {_quantity(shipped[row.parent_node_id])} to, {when}"
    relationship = row.relationship
    if relationship is None:
        return ""
    if direction == "forward":
        texts = {
            "HasSublot": f"{quantity} received {when}",
            "ConsumedBy": f"consumed {quantity} from {when}",
            "ProducedSublot": f"produced {quantity} at {when}",
            "ShippedIn": f"shipped {quantity} at {when}",
            "ShipsTo": f"shipped to, {when}",
        }
    else:
        texts = {
            "ProducedSublot": f"produced it at {when}",
            "ConsumedBy": f"{quantity} consumed from {when}",
            "HasSublot": f"sublot of it, {quantity} received {when}",
            "SuppliedLot": f"supplied {quantity} at {when}",
        }
    return texts.get(relationship, f"{relationship} {quantity} {when}".strip())


def _node_text(row: TraceRow) -> str:
    name = NODE_NAMES.get(row.node_type, row.node_type)
    key = row.node_key or f"#{row.node_id}"
    label = f" {row.node_label}" if row.node_label else ""
    if row.node_type == "WorkOrder" and row.node_label:
        label = f" making {row.node_label}"
    return f"{name} {key}{label}"


def summary_line(rows: Sequence[TraceRow], direction: str, code: str) -> str:
    counts = Counter(node_type for node_type, _ in {row.node for row in rows if row.depth > 0})
    said = []
    for node_type in SUMMARY_ORDER:
        if counts.get(node_type):
            name = NODE_NAMES[node_type]
            number = counts[node_type]
            plural = name if number == 1 else ("facilities" if name == "facility" else name + "s")
            said.append(f"{number:,} {plural}")
    reach = ", ".join(said) if said else "nothing further"
    depth = max((row.depth for row in rows), default=0)
    return f"{direction.capitalize()} trace of {code}: {reach} ({depth} levels)"


def build_tree(
    rows: Sequence[TraceRow],
    direction: str,
    title: str,
    shipped: dict[int, float] | None = None,
):  # -> rich.tree.Tree
    """A rich Tree of the trace rows (ordered by depth, as the macros return them)."""
    from rich.text import Text
    from rich.tree import Tree

    tree = Tree(Text(title), guide_style="dim")
    branches: dict[tuple[str, int], Tree] = {}
    for row in sorted(rows, key=lambda r: r.depth):
        parent = branches.get(row.parent) if row.parent is not None else tree
        if parent is None:  # cannot happen with macro output: parents are one level up
            parent = tree
        text = Text(_node_text(row), style="bold" if row.depth == 0 else "")
        edge = _edge_text(row, direction, shipped)
        if edge:
            text.append(f"  ({edge})", style="dim")
        if row.node in branches:
            text.append("  (see above)", style="dim italic")
            parent.add(text)
        else:
            branches[row.node] = parent.add(text)
    return tree


@report("trace", "lot genealogy: trace a lot or sublot forwards or backwards, as a tree", _add)
def run_trace(args: argparse.Namespace) -> int:
    from rich.console import Console

    check_output_arguments(args)
    direction = "forward" if args.forward is not None else "backward"
    code = (args.forward if args.forward is not None else args.backward).strip()
    if not code:
        raise ParameterError(f"--{direction} needs a code, such as LOT-00000123 or SL-000000123")
    with open_warehouse(args.warehouse) as warehouse:
        rows = trace_rows(warehouse, direction, code)
        if not rows:
            raise _unknown_code(warehouse, direction, code)
    title = summary_line(rows, direction, code)
    frame = trace_frame(rows)
    result = trace_result(frame, direction, code, title)
    if args.format != "table":  # every trace row to csv / json / parquet (json: the recall too)
        emit(result, args)
        return 0
    console = Console(file=sys.stdout, highlight=False, width=None if sys.stdout.isatty() else 200)
    console.print(build_tree(rows, direction, title, shipment_quantities(frame)))
    for summary in result.summaries:  # the recall per customer, after the tree
        render_table(summary, 0, sys.stdout)
    macro = "trace_forward" if direction == "forward" else "trace_backward"
    console.print(
        f"{len(rows):,} rows; as a table: select * from {macro}('{code}')",
        style="dim",
        markup=False,
    )
    return 0
