"""Stock over a period: ``report balance`` (opening, receipts, issues, transfers in and out,
adjustments, scrap and closing per item and facility, in quantity and value: MB5B / ERPNext
Stock Balance), ``report ledger`` (every posting of one material with its running balance:
MB51 / Stock Ledger) and ``report abc`` (ABC class by consumption value).

Balance and ABC read ``fact_stock_movements`` (the entries that change a facility's stock, each
with its balance category and value at standard cost); the ledger reads the physical entries of
``fact_inventory_journal``. Every user value is a bound parameter.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from plantledger.params import ParameterError
from plantledger.report.known_at import data_load
from plantledger.report.output import (
    Column,
    Result,
    add_output_arguments,
    check_output_arguments,
    emit,
)
from plantledger.report.point_in_time import _answered, _filters, _parts_json, _period_parts
from plantledger.report.registry import report
from plantledger.report.stock_common import (
    STOCK_TABLES,
    VALUATION,
    parse_bounds,
    unit_totals,
    valuation_lines,
)
from plantledger.report.timeframe import (
    Part,
    add_period_arguments,
    add_time_zone_arguments,
    describe_period,
    format_instant,
)
from plantledger.report.warehouse import Warehouse, add_warehouse_argument, open_warehouse

# (balance category, its column, the sign that shows it as a positive amount)
CATEGORIES = (
    ("receipts", "receipts", 1),
    ("issues", "issues", -1),
    ("transfers_in", "transfers in", 1),
    ("transfers_out", "transfers out", -1),
    ("adjustments", "adjustments", 1),
    ("scrap", "scrap", -1),
)


def _add_period_common(parser: argparse.ArgumentParser, material_required: bool = False) -> None:
    parser.add_argument(
        "--facility", default=None, metavar="CODE", help="one facility, such as FAC-CHI"
    )
    parser.add_argument(
        "--material",
        default=None,
        required=material_required,
        metavar="CODE",
        help="a part number or SKU",
    )
    add_time_zone_arguments(parser)
    add_output_arguments(parser)
    add_warehouse_argument(parser)


def _period(warehouse: Warehouse, args: argparse.Namespace):
    filters = _filters(warehouse, args)
    label, parts = _period_parts(warehouse, args, filters, data_load(warehouse, args))
    return filters, label, parts


def _facility_condition(part: Part, column: str = "facility_code") -> tuple[str, list[object]]:
    if part.facilities is None:
        return "", []
    marks = ", ".join("?" for _ in part.facilities)
    return f" and {column} in ({marks})", list(part.facilities)


def _material_condition(material: str | None) -> tuple[str, list[object]]:
    return (" and material_code = ?", [material]) if material is not None else ("", [])


# --- report balance -----------------------------------------------------------------------------


def balance_sql(parts: Sequence[Part], material: str | None) -> tuple[str, list[object]]:
    """Opening, movements per category and closing per facility and item, per part (period)."""
    selects, params = [], []
    for part in parts:
        measures = [
            "cast(coalesce(sum(quantity) filter (where entry_at < ?), 0) as bigint) "
            "as opening_quantity",
            "coalesce(sum(value) filter (where entry_at < ?), 0) as opening_value",
        ]
        measure_params: list[object] = [part.start, part.start]
        for category, _, sign in CATEGORIES:
            condition = "entry_at >= ? and balance_category = ?"
            measures.append(
                f"cast({sign} * coalesce(sum(quantity) filter (where {condition}), 0) as bigint) "
                f"as {category}_quantity"
            )
            measures.append(
                f"{sign} * coalesce(sum(value) filter (where {condition}), 0) as {category}_value"
            )
            measure_params.extend([part.start, category, part.start, category])
        facility, facility_params = _facility_condition(part)
        only, material_params = _material_condition(material)
        selects.append(
            "select facility_code, material_type, material_code, "
            + ", ".join(measures)
            + ", cast(sum(quantity) as bigint) as closing_quantity, sum(value) as closing_value"
            + ", count(*) filter (where entry_at >= ?) as movements"
            + " from marts.fact_stock_movements where entry_at < ?"
            + facility
            + only
            + " group by facility_code, material_type, material_code"
        )
        params.extend([*measure_params, part.start, part.end, *facility_params, *material_params])
    money = ", ".join(
        f"cast(balance.{name}_value as decimal(18, 2)) as {name}_value"
        for name in ("opening", *(category for category, _, _ in CATEGORIES), "closing")
    )
    quantities = ", ".join(
        f"balance.{name}_quantity"
        for name in ("opening", *(category for category, _, _ in CATEGORIES), "closing")
    )
    sql = f"""
        with balance as ({" union all ".join(selects)})
        select
            balance.facility_code,
            balance.material_code,
            valuation.material_description,
            valuation.unit_of_measure,
            {quantities},
            {money},
            balance.movements
        from balance
        inner join {VALUATION} as valuation
            on balance.material_type = valuation.material_type
            and balance.material_code = valuation.material_code
        where balance.opening_quantity <> 0
            or balance.closing_quantity <> 0
            or balance.movements > 0
        order by balance.facility_code, balance.material_code
    """
    return sql, params


def balance_columns(fmt: str) -> tuple[Column, ...]:
    quantities = tuple(
        Column(f"{category}_quantity", header, "int") for category, header, _ in CATEGORIES
    )
    values = tuple(
        Column(f"{category}_value", f"{header} (USD)", "money", total="sum")
        for category, header, _ in CATEGORIES
    )
    return (
        Column("facility_code", "facility"),
        Column("material_code", "item"),
        Column("material_description", "description"),
        Column("unit_of_measure", "unit"),
        Column("opening_quantity", "opening", "int"),
        *quantities,
        Column("closing_quantity", "closing", "int"),
        Column("opening_value", "opening (USD)", "money", total="sum"),
        *(values if fmt != "table" else ()),
        Column("closing_value", "closing (USD)", "money", total="sum"),
    )


def _add_balance(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser, required=True)
    _add_period_common(parser)


@report(
    "balance",
    "opening, receipts, issues, transfers in and out, adjustments, scrap and closing per item "
    "and facility over a period, in quantity and value",
    _add_balance,
)
def run_balance(args: argparse.Namespace) -> int:
    check_output_arguments(args)
    with open_warehouse(args.warehouse, STOCK_TABLES) as warehouse:
        filters, label, parts = _period(warehouse, args)
        sql, params = balance_sql(parts, filters.material)
        table = warehouse.query(sql, params)
        result = Result(
            "balance",
            "Stock balance over the period (quantities in each item's unit)",
            table,
            balance_columns(args.format),
            _answered(
                describe_period(label, parts, warehouse.window()),
                filters,
                data_load(warehouse, args),
            )
            + [
                "closing = opening + receipts - issues + transfers in - transfers out "
                "+ adjustments - scrap; moves inside a facility are neither in nor out"
            ]
            + valuation_lines(warehouse),
            {"period": label, "resolved": _parts_json(parts, False), **filters.as_dict()},
            [
                unit_totals(
                    table, "closing_quantity", "closing_value", "Closing stock per unit of measure"
                )
            ],
        )
    emit(result, args)
    return 0


# --- report ledger ------------------------------------------------------------------------------


def ledger_sql(parts: Sequence[Part], material: str) -> tuple[str, list[object]]:
    """Every physical posting of one material in each part's period, with the facility's running
    balance (over all of history, so the first row continues the opening balance)."""
    selects, params = [], []
    for part in parts:
        facility, facility_params = _facility_condition(part)
        selects.append(f"select * from postings where entry_at >= ? and entry_at < ?{facility}")
        params.extend([part.start, part.end, *facility_params])
    sql = f"""
        with journal as (
            select *
            from marts.fact_inventory_journal
            where is_physical and material_code = ?
        ),
        postings as (
            select
                journal.entry_at,
                journal.entry_sequence,
                journal.facility_code,
                journal.location_code,
                journal.material_sublot_code,
                journal.status,
                journal.movement_type,
                journal.event_kind,
                coalesce(movements.balance_category, 'inside facility') as balance_category,
                journal.document_number,
                journal.quantity,
                cast(sum(journal.quantity) over (
                    partition by journal.facility_code
                    order by journal.entry_sequence
                    rows between unbounded preceding and current row
                ) as bigint) as running_balance
            from journal
            left join marts.fact_stock_movements as movements
                on journal.journal_entry_id = movements.journal_entry_id
        ),
        answer as ({" union all ".join(selects)})
        select
            answer.*,
            cast(answer.running_balance * valuation.standard_unit_cost as decimal(18, 2))
                as running_value
        from answer
        inner join {VALUATION} as valuation
            on valuation.material_code = ?
        order by answer.facility_code, answer.entry_sequence
    """
    return sql, [material, *params, material]


def ledger_columns(unit: str) -> tuple[Column, ...]:
    return (
        Column("entry_at", "posted (UTC)", "instant"),
        Column("facility_code", "facility"),
        Column("location_code", "location"),
        Column("material_sublot_code", "sublot"),
        Column("status", "status"),
        Column("movement_type", "mvt"),
        Column("event_kind", "movement"),
        Column("balance_category", "in/out"),
        Column("document_number", "document"),
        Column("quantity", f"quantity ({unit})", "int"),
        Column("running_balance", f"balance ({unit})", "int"),
        Column("running_value", "balance (USD)", "money"),
    )


def _add_ledger(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser, required=False)
    _add_period_common(parser, material_required=True)


@report(
    "ledger",
    "every stock posting of one material with movement type, document, quantity and the "
    "facility's running balance",
    _add_ledger,
)
def run_ledger(args: argparse.Namespace) -> int:
    check_output_arguments(args)
    with open_warehouse(args.warehouse, STOCK_TABLES) as warehouse:
        filters, label, parts = _period(warehouse, args)
        material = str(filters.material)
        sql, params = ledger_sql(parts, material)
        table = warehouse.query(sql, params)
        ((description, unit),) = warehouse.rows(
            f"select material_description, unit_of_measure from {VALUATION} "
            "where material_code = ?",
            [material],
        )
        openings = _openings(warehouse, parts, material)
        result = Result(
            "ledger",
            f"Stock ledger of {material} ({description}, in {unit})",
            table,
            ledger_columns(unit),
            _answered(
                describe_period(label, parts, warehouse.window()),
                filters,
                data_load(warehouse, args),
            )
            + openings
            + valuation_lines(warehouse),
            {"period": label, "resolved": _parts_json(parts, False), **filters.as_dict()},
        )
    emit(result, args)
    return 0


def _openings(warehouse: Warehouse, parts: Sequence[Part], material: str) -> list[str]:
    """'opening balance at <instant>: FAC-CHI 120, FAC-MSP 0' per part."""
    lines = []
    for part in parts:
        facility, facility_params = _facility_condition(part)
        rows = warehouse.rows(
            "select facility_code, cast(sum(quantity) as bigint) "
            "from marts.fact_inventory_journal "
            f"where is_physical and material_code = ? and entry_at < ?{facility} "
            "group by facility_code having sum(quantity) <> 0 order by facility_code",
            [material, part.start, *facility_params],
        )
        said = ", ".join(f"{code} {quantity:,}" for code, quantity in rows) or "none"
        zone_name = part.zones[0] if len(part.zones) == 1 else None
        lines.append(f"opening balance at {format_instant(part.start, zone_name)}: {said}")
    return lines


# --- report abc ---------------------------------------------------------------------------------


ABC_COLUMNS = (
    Column("rank", "rank", "int"),
    Column("material_code", "item"),
    Column("material_description", "description"),
    Column("unit_of_measure", "unit"),
    Column("consumed_quantity", "consumed", "int"),
    Column("consumption_value", "consumption (USD)", "money", total="sum"),
    Column("value_share_percent", "share %", "float"),
    Column("cumulative_share_percent", "cumulative %", "float"),
    Column("abc_class", "class"),
)


def abc_sql(
    parts: Sequence[Part], material: str | None, bounds: list[int]
) -> tuple[str, list[object]]:
    selects, params = [], []
    for part in parts:
        facility, facility_params = _facility_condition(part)
        only, material_params = _material_condition(material)
        selects.append(
            "select material_type, material_code, quantity, value "
            "from marts.fact_stock_movements "
            f"where balance_category = 'issues' and entry_at >= ? and entry_at < ?{facility}{only}"
        )
        params.extend([part.start, part.end, *facility_params, *material_params])
    sql = f"""
        with issues as ({" union all ".join(selects)}),
        consumption as (
            select
                material_type,
                material_code,
                -sum(quantity) as consumed_quantity,
                -sum(value) as consumption_value
            from issues
            group by material_type, material_code
            having -sum(value) > 0
        ),
        ranked as (
            select
                consumption.*,
                row_number() over (order by consumption_value desc, material_code) as rank,
                sum(consumption_value) over (
                    order by consumption_value desc, material_code
                    rows between unbounded preceding and current row
                ) as cumulative_value,
                sum(consumption_value) over () as total_value
            from consumption
        )
        select
            ranked.rank,
            ranked.material_code,
            valuation.material_description,
            valuation.unit_of_measure,
            cast(ranked.consumed_quantity as bigint) as consumed_quantity,
            cast(ranked.consumption_value as decimal(18, 2)) as consumption_value,
            cast(100 * ranked.consumption_value / ranked.total_value as double)
                as value_share_percent,
            cast(100 * ranked.cumulative_value / ranked.total_value as double)
                as cumulative_share_percent,
            case
                when 100 * (ranked.cumulative_value - ranked.consumption_value)
                    / ranked.total_value < ? then 'A'
                when 100 * (ranked.cumulative_value - ranked.consumption_value)
                    / ranked.total_value < ? then 'B'
                else 'C'
            end as abc_class
        from ranked
        inner join {VALUATION} as valuation
            on ranked.material_type = valuation.material_type
            and ranked.material_code = valuation.material_code
        order by ranked.rank
    """
    return sql, [*params, *bounds]


def _add_abc(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser, required=False)
    parser.add_argument(
        "--classes",
        default="80,95",
        metavar="A,B",
        help="cumulative consumption value shares (percent) that close class A and class B "
        "(default: 80,95)",
    )
    _add_period_common(parser)


@report(
    "abc",
    "ABC class of every item by its consumption value (issues to work orders and customers) "
    "over a period",
    _add_abc,
)
def run_abc(args: argparse.Namespace) -> int:
    check_output_arguments(args)
    bounds = parse_bounds(args.classes, "--classes", count=2)
    if bounds[1] > 100:
        raise ParameterError(f"--classes are percentages up to 100, got {args.classes!r}")
    with open_warehouse(args.warehouse, STOCK_TABLES) as warehouse:
        filters, label, parts = _period(warehouse, args)
        sql, params = abc_sql(parts, filters.material, bounds)
        table = warehouse.query(sql, params)
        result = Result(
            "abc",
            "ABC analysis by consumption value",
            table,
            ABC_COLUMNS,
            _answered(
                describe_period(label, parts, warehouse.window()),
                filters,
                data_load(warehouse, args),
            )
            + [
                "consumption: net issues to work orders (less returns) and goods issues to "
                f"customers; class A until {bounds[0]} % of the value, B until {bounds[1]} %, "
                "C the rest (an item belongs to the class its first unit of value falls in)"
            ]
            + valuation_lines(warehouse),
            {
                "period": label,
                "classes": bounds,
                "resolved": _parts_json(parts, False),
                **filters.as_dict(),
            },
            [unit_totals(table, "consumed_quantity", "consumption_value", "Consumption per unit")],
        )
    emit(result, args)
    return 0
