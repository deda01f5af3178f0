"""Units of measure in the point-in-time reports (inventory, arrivals, moves): each row's unit,
read from the valuation model that maps every material (part or product) to its unit, and
quantity totals per unit of measure: kilograms, metres, litres and pieces are never added
together.
"""

from __future__ import annotations

import pyarrow as pa

from plantledger.report.output import Column, Result

UNITS = "marts.dim_material_valuation"

UNIT_COLUMN = Column("unit_of_measure", "unit")

QUANTITY_TOTAL_COLUMNS = (
    Column("unit_of_measure", "unit"),
    Column("items", "items", "int"),
    Column("sublots", "sublots", "int"),
    Column("quantity", "quantity", "int"),
)


def with_unit_sql(sql: str, order_by: str) -> str:
    """``sql`` (rows with material_code) with the material's ``unit_of_measure``, in the
    order ``order_by`` (columns of ``sql``)."""
    unit = (
        f"(select units.unit_of_measure from {UNITS} as units "
        "where units.material_code = answer.material_code)"
    )
    return f"select answer.*, {unit} as unit_of_measure from ({sql}) as answer order by {order_by}"


def quantity_totals(table: pa.Table, quantity: str = "quantity") -> Result:
    """Totals per unit of measure of a report table (columns material_code,
    material_sublot_code, unit_of_measure, ``quantity``): materials, sublots and the quantity
    summed within one unit only."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("answer", table)
        totals = con.sql(
            "select unit_of_measure, count(distinct material_code) as items, "
            "count(distinct material_sublot_code) as sublots, "
            f"cast(sum({quantity}) as bigint) as quantity "
            "from answer group by unit_of_measure order by unit_of_measure"
        ).to_arrow_table()
    finally:
        con.close()
    return Result(
        "totals_per_unit_of_measure",
        "Totals per unit of measure",
        totals,
        QUANTITY_TOTAL_COLUMNS,
    )
