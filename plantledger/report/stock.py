"""Stock as of an instant in the plant's terms: ``report stock`` (balance per item and facility,
location or sublot, with description, unit, status split and value at standard cost),
``report ageing`` (quantity and value by age since receipt) and ``report reorder`` (parts below
their minimum stock level).

Stock at an instant is the ``inventory_as_of`` predicate on ``fact_sublot_location_history``
(one question per time zone, as in :mod:`plantledger.report.point_in_time`); descriptions,
units and standard costs come from ``dim_material_valuation``; ages from
``dim_sublot_stock_origin``. Every user value is a bound parameter.
"""

from __future__ import annotations

import argparse

from plantledger.report.known_at import data_load
from plantledger.report.output import (
    Column,
    Result,
    add_output_arguments,
    check_output_arguments,
    emit,
)
from plantledger.report.point_in_time import (
    _add_filters,
    _answered,
    _company_wide,
    _filters,
    _parts_json,
)
from plantledger.report.registry import report
from plantledger.report.stock_common import (
    STOCK_TABLES,
    VALUATION,
    as_of_stock_sql,
    parse_bounds,
    unit_totals,
    valuation_lines,
)
from plantledger.report.timeframe import (
    Part,
    add_time_zone_arguments,
    check_in_window,
    describe_as_of,
    reader_today,
    resolve_as_of,
    scopes,
)
from plantledger.report.warehouse import Warehouse, add_warehouse_argument, open_warehouse

GROUPINGS = {
    "item": ("facility_code", "material_code"),
    "item-location": ("facility_code", "location_code", "material_code"),
    "sublot": ("facility_code", "location_code", "material_code", "material_sublot_code"),
}
DEFAULT_BUCKETS = "30,60,90,180"


def _add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        required=True,
        metavar="WHEN",
        help="'last friday', 'yesterday', '2026-11-13' (end of that day), '2026-11-13 17:00', "
        "or an ISO timestamp with offset",
    )


def _add_common(parser: argparse.ArgumentParser) -> None:
    _add_filters(parser)
    add_time_zone_arguments(parser)
    add_output_arguments(parser)
    add_warehouse_argument(parser)


def _add_stock(parser: argparse.ArgumentParser) -> None:
    _add_as_of(parser)
    parser.add_argument(
        "--by",
        choices=tuple(GROUPINGS),
        default="item",
        help="one row per item and facility (default), per item and location, or per sublot",
    )
    _add_common(parser)


def _add_ageing(parser: argparse.ArgumentParser) -> None:
    _add_as_of(parser)
    parser.add_argument(
        "--buckets",
        default=DEFAULT_BUCKETS,
        metavar="DAYS",
        help="upper bounds of the age buckets in days (default: 30,60,90,180 for 0-30, 31-60, "
        "61-90, 91-180 and over 180 days)",
    )
    _add_common(parser)


def _as_of_parts(
    warehouse: Warehouse, args: argparse.Namespace, facility: str | None
) -> list[Part]:
    parts = resolve_as_of(args.as_of, scopes(warehouse, facility, args.tz), reader_today(args))
    check_in_window(parts, warehouse.window(), "--as-of", args.as_of)
    return parts


# --- report stock -------------------------------------------------------------------------------


def stock_columns(by: str) -> tuple[Column, ...]:
    keys = {
        "facility_code": Column("facility_code", "facility"),
        "location_code": Column("location_code", "location"),
        "material_code": Column("material_code", "item"),
        "material_sublot_code": Column("material_sublot_code", "sublot"),
    }
    return (
        *(keys[name] for name in GROUPINGS[by]),
        Column("material_description", "description"),
        Column("unit_of_measure", "unit"),
        Column("quantity", "quantity", "int"),
        Column("available_quantity", "available", "int"),
        Column("quality_hold_quantity", "quality hold", "int"),
        Column("sublots", "sublots", "int", total="sum"),
        Column("standard_unit_cost", "unit cost (USD)", "money"),
        Column("value", "value (USD)", "money", total="sum"),
    )


def stock_sql(stock: str, by: str) -> str:
    keys = ", ".join(f"stock.{name}" for name in GROUPINGS[by])
    return f"""
        with stock as ({stock})
        select
            {keys},
            valuation.material_type,
            valuation.material_description,
            valuation.unit_of_measure,
            cast(sum(stock.quantity) as bigint) as quantity,
            cast(coalesce(sum(stock.quantity) filter (where stock.status = 'available'), 0)
                as bigint) as available_quantity,
            cast(coalesce(sum(stock.quantity) filter (where stock.status = 'quality_hold'), 0)
                as bigint) as quality_hold_quantity,
            count(distinct stock.material_sublot_id) as sublots,
            valuation.standard_unit_cost,
            cast(sum(stock.quantity) * valuation.standard_unit_cost as decimal(18, 2)) as value
        from stock
        inner join {VALUATION} as valuation
            on stock.material_type = valuation.material_type
            and stock.material_code = valuation.material_code
        group by
            {keys},
            valuation.material_type,
            valuation.material_description,
            valuation.unit_of_measure,
            valuation.standard_unit_cost
        order by {keys}
    """


@report(
    "stock",
    "stock balance as of an instant per item and facility, location or sublot: unit, status "
    "split and value at standard cost",
    _add_stock,
)
def run_stock(args: argparse.Namespace) -> int:
    check_output_arguments(args)
    with open_warehouse(args.warehouse, STOCK_TABLES) as warehouse:
        filters = _filters(warehouse, args)
        parts = _company_wide(_as_of_parts(warehouse, args, filters.facility), filters)
        stock, params = as_of_stock_sql(parts, filters)
        table = warehouse.query(stock_sql(stock, args.by), params)
        result = Result(
            "stock",
            f"Stock balance by {args.by}",
            table,
            stock_columns(args.by),
            _answered(
                describe_as_of(args.as_of, parts, warehouse.window()),
                filters,
                data_load(warehouse, args),
            )
            + valuation_lines(warehouse),
            {
                "as_of": args.as_of,
                "by": args.by,
                "resolved": _parts_json(parts, True),
                **filters.as_dict(),
            },
            [unit_totals(table)],
        )
    emit(result, args)
    return 0


# --- report ageing ------------------------------------------------------------------------------


def bucket_labels(bounds: list[int]) -> list[str]:
    lows = [0, *(bound + 1 for bound in bounds)]
    labels = [f"{low}-{high}" for low, high in zip(lows, bounds, strict=False)]
    return [*labels, f">{bounds[-1]}"]


def ageing_sql(stock: str, bounds: list[int]) -> tuple[str, list[object]]:
    """Quantity and value per age bucket (whole days since first receipt, at each row's
    instant); bucket bounds are bound parameters."""
    params: list[object] = []
    quantities, values = [], []
    lows = [0, *(bound + 1 for bound in bounds)]
    highs: list[int | None] = [*bounds, None]
    for index, (low, high) in enumerate(zip(lows, highs, strict=True)):
        condition = "aged.age_days >= ?" + (" and aged.age_days <= ?" if high is not None else "")
        quantities.append(
            f"cast(coalesce(sum(aged.quantity) filter (where {condition}), 0) as bigint) "
            f"as quantity_{index}"
        )
        params.extend([low] if high is None else [low, high])
    for index, (low, high) in enumerate(zip(lows, highs, strict=True)):
        condition = "aged.age_days >= ?" + (" and aged.age_days <= ?" if high is not None else "")
        values.append(
            "cast(coalesce(sum(aged.quantity) filter (where "
            f"{condition}), 0) * valuation.standard_unit_cost as decimal(18, 2)) as value_{index}"
        )
        params.extend([low] if high is None else [low, high])
    sql = f"""
        with stock as ({stock}),
        aged as (
            select
                stock.*,
                cast(
                    floor((epoch(stock.as_of_at) - epoch(origin.received_at)) / 86400) as bigint
                ) as age_days
            from stock
            inner join marts.dim_sublot_stock_origin as origin
                on stock.material_sublot_id = origin.material_sublot_id
        )
        select
            aged.facility_code,
            aged.material_code,
            valuation.material_type,
            valuation.material_description,
            valuation.unit_of_measure,
            {", ".join(quantities)},
            cast(sum(aged.quantity) as bigint) as quantity,
            {", ".join(values)},
            cast(sum(aged.quantity) * valuation.standard_unit_cost as decimal(18, 2)) as value,
            max(aged.age_days) as oldest_days
        from aged
        inner join {VALUATION} as valuation
            on aged.material_type = valuation.material_type
            and aged.material_code = valuation.material_code
        group by
            aged.facility_code,
            aged.material_code,
            valuation.material_type,
            valuation.material_description,
            valuation.unit_of_measure,
            valuation.standard_unit_cost
        order by aged.facility_code, aged.material_code
    """
    return sql, params


def ageing_columns(labels: list[str], fmt: str) -> tuple[Column, ...]:
    quantities = tuple(
        Column(f"quantity_{index}", f"{label} d", "int") for index, label in enumerate(labels)
    )
    values = tuple(
        Column(f"value_{index}", f"{label} d (USD)", "money", total="sum")
        for index, label in enumerate(labels)
    )
    return (
        Column("facility_code", "facility"),
        Column("material_code", "item"),
        Column("material_description", "description"),
        Column("unit_of_measure", "unit"),
        *quantities,
        Column("quantity", "quantity", "int"),
        *(values if fmt != "table" else ()),
        Column("value", "value (USD)", "money", total="sum"),
        Column("oldest_days", "oldest (d)", "int"),
    )


@report(
    "ageing",
    "stock as of an instant by age since receipt or production, in day buckets: quantity and value",
    _add_ageing,
)
def run_ageing(args: argparse.Namespace) -> int:
    check_output_arguments(args)
    bounds = parse_bounds(args.buckets, "--buckets")
    labels = bucket_labels(bounds)
    with open_warehouse(args.warehouse, STOCK_TABLES) as warehouse:
        filters = _filters(warehouse, args)
        parts = _company_wide(_as_of_parts(warehouse, args, filters.facility), filters)
        stock, params = as_of_stock_sql(parts, filters)
        sql, bucket_params = ageing_sql(stock, bounds)
        table = warehouse.query(sql, params + bucket_params)
        result = Result(
            "ageing",
            "Stock ageing (days since the sublot's receipt or production)",
            table,
            ageing_columns(labels, args.format),
            _answered(
                describe_as_of(args.as_of, parts, warehouse.window()),
                filters,
                data_load(warehouse, args),
            )
            + [f"age buckets (days): {', '.join(labels)}"]
            + valuation_lines(warehouse),
            {
                "as_of": args.as_of,
                "buckets": labels,
                "resolved": _parts_json(parts, True),
                **filters.as_dict(),
            },
            [unit_totals(table)],
        )
    emit(result, args)
    return 0


# --- report reorder -----------------------------------------------------------------------------


REORDER_COLUMNS = (
    Column("material_code", "part"),
    Column("material_description", "description"),
    Column("unit_of_measure", "unit"),
    Column("min_stock_level", "min stock", "int"),
    Column("available_quantity", "available", "int"),
    Column("quality_hold_quantity", "quality hold", "int"),
    Column("shortfall", "shortfall", "int"),
    Column("standard_unit_cost", "unit cost (USD)", "money"),
    Column("shortfall_value", "shortfall value (USD)", "money", total="sum"),
)


def reorder_sql(stock: str) -> str:
    return f"""
        with stock as ({stock}),
        part_stock as (
            select
                material_code,
                cast(sum(quantity) filter (where status = 'available') as bigint)
                    as available_quantity,
                cast(sum(quantity) filter (where status = 'quality_hold') as bigint)
                    as quality_hold_quantity
            from stock
            where material_type = 'part'
            group by material_code
        )
        select
            valuation.material_code,
            valuation.material_description,
            valuation.unit_of_measure,
            valuation.min_stock_level,
            coalesce(part_stock.available_quantity, 0) as available_quantity,
            coalesce(part_stock.quality_hold_quantity, 0) as quality_hold_quantity,
            valuation.min_stock_level - coalesce(part_stock.available_quantity, 0) as shortfall,
            valuation.standard_unit_cost,
            cast(
                (valuation.min_stock_level - coalesce(part_stock.available_quantity, 0))
                * valuation.standard_unit_cost as decimal(18, 2)
            ) as shortfall_value
        from {VALUATION} as valuation
        left join part_stock
            on valuation.material_code = part_stock.material_code
        where valuation.material_type = 'part'
            and valuation.min_stock_level is not null
            and coalesce(part_stock.available_quantity, 0) < valuation.min_stock_level
            and (cast(? as varchar) is null or valuation.material_code = ?)
        order by shortfall_value desc, valuation.material_code
    """


def _add_reorder(parser: argparse.ArgumentParser) -> None:
    _add_as_of(parser)
    parser.add_argument(
        "--facility", default=None, metavar="CODE", help="one facility's stock (default: all)"
    )
    parser.add_argument("--material", default=None, metavar="CODE", help="one part number")
    add_time_zone_arguments(parser)
    add_output_arguments(parser)
    add_warehouse_argument(parser)


@report(
    "reorder",
    "parts whose available stock as of an instant is below their minimum stock level",
    _add_reorder,
)
def run_reorder(args: argparse.Namespace) -> int:
    check_output_arguments(args)
    with open_warehouse(args.warehouse, STOCK_TABLES) as warehouse:
        filters = _filters(warehouse, args)
        parts = _company_wide(_as_of_parts(warehouse, args, filters.facility), filters)
        stock, params = as_of_stock_sql(parts, filters)
        table = warehouse.query(reorder_sql(stock), [*params, filters.material, filters.material])
        scope = f"facility {filters.facility}" if filters.facility else "all facilities together"
        result = Result(
            "reorder",
            "Parts below their minimum stock level (available stock)",
            table,
            REORDER_COLUMNS,
            _answered(
                describe_as_of(args.as_of, parts, warehouse.window()),
                filters,
                data_load(warehouse, args),
            )
            + [
                f"stock compared: available stock of {scope} with the part master's "
                "min_stock_level; quality hold shown, not counted"
            ]
            + valuation_lines(warehouse),
            {"as_of": args.as_of, "resolved": _parts_json(parts, True), **filters.as_dict()},
            [unit_totals(table, "shortfall", "shortfall_value", "Shortfall per unit of measure")],
        )
    emit(result, args)
    return 0
