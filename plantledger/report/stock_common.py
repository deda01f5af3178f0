"""Shared pieces of the stock reports (stock, ageing, reorder, balance, ledger, abc): the marts
they read, the valuation statement, stock as of resolved instants, and totals per unit of
measure (quantities are never added across units; values, in money, are).

Every value is valued by the one valuation model, ``marts.dim_material_valuation``; the reports
state its method, read from the model itself.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pyarrow as pa

from plantledger.params import ParameterError
from plantledger.report.output import Column, Result
from plantledger.report.point_in_time import Filters, _conditions
from plantledger.report.timeframe import Part
from plantledger.report.warehouse import Warehouse

STOCK_TABLES = (
    "dim_facilities",
    "dim_storage_locations",
    "fact_inventory_journal",
    "fact_sublot_location_history",
    "dim_material_valuation",
    "fact_stock_movements",
    "dim_sublot_stock_origin",
)

VALUATION = "marts.dim_material_valuation"


def valuation_lines(warehouse: Warehouse) -> list[str]:
    """The valuation method of each material type, as the valuation model states it."""
    rows = warehouse.rows(
        f"select material_type, any_value(valuation_method) from {VALUATION} "
        "group by material_type order by material_type"
    )
    said = "; ".join(f"{kind}s at {method}" for kind, method in rows)
    return [f"valuation: {said} (USD, {VALUATION})"]


def as_of_stock_sql(parts: Sequence[Part], filters: Filters) -> tuple[str, list[object]]:
    """Stock per physical location, sublot and status at each part's instant (the
    ``inventory_as_of`` predicate on ``fact_sublot_location_history``), with the instant as
    ``as_of_at``: a select to use as a subquery."""
    selects: list[str] = []
    params: list[object] = []
    for part in parts:
        where, where_params = _conditions(part, filters)
        extra = where.replace(" where ", " and ", 1) if where else ""
        selects.append(
            "select cast(? as timestamp with time zone) as as_of_at, facility_code, "
            "location_code, material_type, material_code, material_sublot_id, "
            "material_sublot_code, status, quantity "
            "from marts.fact_sublot_location_history "
            "where is_physical and valid_from <= cast(? as timestamp with time zone) "
            f"and valid_until > cast(? as timestamp with time zone){extra}"
        )
        params.extend([part.start, part.start, part.start, *where_params])
    return "\nunion all\n".join(selects), params


UNIT_TOTAL_COLUMNS = (
    Column("unit_of_measure", "unit"),
    Column("items", "items", "int"),
    Column("quantity", "quantity", "int"),
    Column("value", "value (USD)", "money", total="sum"),
)


def unit_totals(
    table: pa.Table, quantity: str = "quantity", value: str = "value", title: str = ""
) -> Result:
    """Totals per unit of measure of a report table (columns material_code, unit_of_measure,
    ``quantity``, ``value``): quantities summed within one unit only; the money total over all."""
    import duckdb

    con = duckdb.connect()
    con.register("answer", table)
    totals = con.sql(
        f"select unit_of_measure, count(distinct material_code) as items, "
        f"cast(sum({quantity}) as bigint) as quantity, sum({value}) as value "
        "from answer group by unit_of_measure order by unit_of_measure"
    ).to_arrow_table()
    con.close()
    return Result(
        "totals_per_unit_of_measure",
        title or "Totals per unit of measure",
        totals,
        UNIT_TOTAL_COLUMNS,
    )


def parse_bounds(text: str, flag: str, count: int | None = None) -> list[int]:
    """'30,60,90,180' -> [30, 60, 90, 180]: whole numbers, strictly increasing."""
    pieces = [piece.strip() for piece in text.split(",")]
    if not pieces or not all(piece.isdigit() for piece in pieces):
        raise ParameterError(f"{flag} takes whole numbers separated by commas, got {text!r}")
    bounds = [int(piece) for piece in pieces]
    if any(later <= earlier for earlier, later in zip(bounds, bounds[1:], strict=False)):
        raise ParameterError(f"{flag} must increase from left to right, got {text!r}")
    if count is not None and len(bounds) != count:
        raise ParameterError(f"{flag} takes {count} numbers, got {text!r}")
    return bounds


def require_known_material(warehouse: Warehouse, args: argparse.Namespace) -> None:
    material = getattr(args, "material", None)
    if material is not None:
        warehouse.require_material(material)
