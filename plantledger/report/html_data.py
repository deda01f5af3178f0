"""The figures of ``report html``, read from the warehouse for one as-of instant (per time zone).

Every section reuses what the other reports ask: stock as of the instant is
:func:`~plantledger.report.stock_common.as_of_stock_sql` (the ``inventory_as_of`` predicate),
valued by ``marts.dim_material_valuation``; ageing and reorder are the ``report ageing`` and
``report reorder`` queries; arrivals, moves and dwell are the table macros ``arrivals_between``,
``sublot_moves_between`` and ``conveyor_dwell_between`` over the week before; the trend is
``fact_inventory_snapshot_daily``; production is ``fact_work_orders`` and the scrap transactions
of ``fact_material_transactions``. Each part (one instant per time zone) is limited to its
facilities; every value is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from plantledger.report.known_at import DataLoad
from plantledger.report.point_in_time import Filters, _call, _union
from plantledger.report.stock import ageing_sql, bucket_labels, reorder_sql, stock_sql
from plantledger.report.stock_common import VALUATION, as_of_stock_sql, unit_totals
from plantledger.report.timeframe import Part
from plantledger.report.warehouse import Warehouse

TREND_DAYS = 90
WEEK_DAYS = 7
AGE_BOUNDS = [30, 60, 90, 180]

Rows = list[dict[str, object]]


@dataclass
class Figures:
    """Everything the page shows, as lists of plain rows (one dict per row)."""

    stock_by_place: Rows = field(default_factory=list)
    unit_totals: Rows = field(default_factory=list)
    trend: Rows = field(default_factory=list)
    arrivals: Rows = field(default_factory=list)
    moves: Rows = field(default_factory=list)
    dwell: Rows = field(default_factory=list)
    work_orders: Rows = field(default_factory=list)
    scrap: Rows = field(default_factory=list)
    ageing: Rows = field(default_factory=list)
    age_labels: list[str] = field(default_factory=list)
    reorder: Rows = field(default_factory=list)


def _rows(table: pa.Table) -> Rows:
    return table.to_pylist()


def _facility_scoped(
    parts: Sequence[Part], select: str, per_part: int, column: str = "facility_code"
) -> tuple[str, list[object]]:
    """``select`` (with ``per_part`` placeholders, each bound to the part's instant) once per
    part, limited to the part's facilities, united."""
    selects, params = [], []
    for part in parts:
        where = ""
        facility_params: list[object] = []
        if part.facilities is not None:
            where = f" where {column} in ({', '.join('?' for _ in part.facilities)})"
            facility_params = list(part.facilities)
        selects.append(f"select * from ({select}) as scoped{where}")
        params.extend([part.start] * per_part + facility_params)
    return "\nunion all\n".join(selects), params


def stock_by_place(warehouse: Warehouse, parts: Sequence[Part], filters: Filters) -> Rows:
    stock, params = as_of_stock_sql(parts, filters)
    sql = f"""
        with stock as ({stock})
        select
            stock.facility_code,
            locations.location_type,
            stock.status,
            valuation.unit_of_measure,
            cast(sum(stock.quantity) as bigint) as quantity,
            cast(sum(stock.quantity * valuation.standard_unit_cost) as decimal(18, 2)) as value
        from stock
        inner join marts.dim_storage_locations as locations
            on stock.location_code = locations.location_code
        inner join {VALUATION} as valuation
            on stock.material_type = valuation.material_type
            and stock.material_code = valuation.material_code
        group by all
        order by all
    """
    return _rows(warehouse.query(sql, params))


def stock_unit_totals(warehouse: Warehouse, parts: Sequence[Part], filters: Filters) -> Rows:
    """The totals per unit of measure of ``report stock`` (the same query and roll-up)."""
    stock, params = as_of_stock_sql(parts, filters)
    return _rows(unit_totals(warehouse.query(stock_sql(stock, "item"), params)).table)


def trend(warehouse: Warehouse, parts: Sequence[Part]) -> Rows:
    """End-of-day stock for the days ending in the 90 days up to the instant, per facility and
    unit of measure: quantity and value at standard cost."""
    select = f"""
        select
            snapshot.snapshot_date,
            snapshot.facility_code,
            valuation.unit_of_measure,
            snapshot.quantity * valuation.standard_unit_cost as line_value,
            snapshot.quantity
        from marts.fact_inventory_snapshot_daily as snapshot
        inner join {VALUATION} as valuation
            on snapshot.material_type = valuation.material_type
            and snapshot.material_code = valuation.material_code
        where snapshot.snapshot_at <= cast(? as timestamp with time zone)
            and snapshot.snapshot_at
                > cast(? as timestamp with time zone) - interval {TREND_DAYS} day
    """
    union, params = _facility_scoped(parts, select, 2)
    sql = f"""
        select
            snapshot_date,
            facility_code,
            unit_of_measure,
            cast(sum(quantity) as bigint) as quantity,
            cast(sum(line_value) as decimal(18, 2)) as value
        from ({union}) as days
        group by all
        order by all
    """
    return _rows(warehouse.query(sql, params))


def _week_parts(parts: Sequence[Part]) -> list[Part]:
    return [
        Part(
            part.zones,
            part.facilities,
            part.start - dt.timedelta(days=WEEK_DAYS),
            part.start,
            part.start - dt.timedelta(days=WEEK_DAYS),
            part.start,
        )
        for part in parts
    ]


def arrivals(warehouse: Warehouse, parts: Sequence[Part], filters: Filters, data: DataLoad) -> Rows:
    union, params = _union(
        _week_parts(parts), _call("arrivals_between", "?, ?", data), "period", filters, "1"
    )
    sql = f"""
        select facility_code, arrival_kind, count(*) as arrivals,
            count(distinct material_sublot_code) as sublots,
            cast(sum(quantity) as bigint) as quantity
        from ({union}) as answer group by all order by all
    """
    return _rows(warehouse.query(sql, params))


def moves(warehouse: Warehouse, parts: Sequence[Part], filters: Filters, data: DataLoad) -> Rows:
    union, params = _union(
        _week_parts(parts),
        _call("sublot_moves_between", "?, ?", data),
        "period",
        filters,
        "1",
        location_columns=("from_location_code", "to_location_code"),
    )
    sql = f"""
        select facility_code, event_kind, count(*) as moves,
            count(distinct material_sublot_code) as sublots
        from ({union}) as answer group by all order by all
    """
    return _rows(warehouse.query(sql, params))


def dwell(warehouse: Warehouse, parts: Sequence[Part], filters: Filters, data: DataLoad) -> Rows:
    union, params = _union(
        _week_parts(parts),
        _call("conveyor_dwell_between", "?, ?", data),
        "period",
        filters,
        "facility_code, conveyor_line_code, location_type, position_sequence",
        extra="stays > 0",
    )
    return _rows(warehouse.query(union, params))


def work_orders(warehouse: Warehouse, parts: Sequence[Part]) -> Rows:
    """Work orders that ended in each ISO week of the 90 days up to the instant (UTC weeks):
    count, quantity completed and scrapped, yield."""
    select = f"""
        select facility_code, actual_end_at, quantity_completed, quantity_scrapped
        from marts.fact_work_orders
        where actual_end_at < cast(? as timestamp with time zone)
            and actual_end_at >= cast(? as timestamp with time zone) - interval {TREND_DAYS} day
    """
    union, params = _facility_scoped(parts, select, 2)
    sql = f"""
        select
            cast(date_trunc('week', timezone('UTC', actual_end_at)) as date) as week_start,
            count(*) as work_orders,
            cast(sum(quantity_completed) as bigint) as quantity_completed,
            cast(sum(quantity_scrapped) as bigint) as quantity_scrapped,
            case when sum(quantity_completed) + sum(quantity_scrapped) > 0
                then sum(quantity_completed) / (sum(quantity_completed) + sum(quantity_scrapped))
            end as yield_rate
        from ({union}) as ended
        group by all
        order by all
    """
    return _rows(warehouse.query(sql, params))


def scrap(warehouse: Warehouse, parts: Sequence[Part]) -> Rows:
    """Scrap transactions in the 90 days up to the instant by reason, largest value first."""
    select = f"""
        select facilities.facility_code, transactions.reason_code,
            transactions.transaction_value_usd
        from marts.fact_material_transactions as transactions
        inner join marts.dim_facilities as facilities
            on transactions.facility_id = facilities.facility_id
        where transactions.transaction_type = 'scrap'
            and transactions.transacted_at < cast(? as timestamp with time zone)
            and transactions.transacted_at
                >= cast(? as timestamp with time zone) - interval {TREND_DAYS} day
    """
    union, params = _facility_scoped(parts, select, 2)
    sql = f"""
        select coalesce(reason_code, '(no reason)') as reason_code, count(*) as transactions,
            cast(sum(transaction_value_usd) as decimal(18, 2)) as value
        from ({union}) as scrapped
        group by all
        order by value desc, reason_code
    """
    return _rows(warehouse.query(sql, params))


def ageing(warehouse: Warehouse, parts: Sequence[Part], filters: Filters) -> tuple[Rows, list[str]]:
    """The ``report ageing`` query, rolled up to value and quantity per bucket and unit."""
    stock, params = as_of_stock_sql(parts, filters)
    sql, bucket_params = ageing_sql(stock, AGE_BOUNDS)
    labels = bucket_labels(AGE_BOUNDS)
    quantities = ", ".join(
        f"cast(sum(quantity_{index}) as bigint) as quantity_{index}" for index in range(len(labels))
    )
    values = ", ".join(f"sum(value_{index}) as value_{index}" for index in range(len(labels)))
    rolled = f"""
        select unit_of_measure, {quantities}, {values}
        from ({sql}) as aged group by unit_of_measure order by unit_of_measure
    """
    return _rows(warehouse.query(rolled, params + bucket_params)), labels


def reorder(warehouse: Warehouse, parts: Sequence[Part], filters: Filters) -> Rows:
    stock, params = as_of_stock_sql(parts, filters)
    return _rows(warehouse.query(reorder_sql(stock), [*params, None, None]))


def read_figures(
    warehouse: Warehouse, parts: Sequence[Part], filters: Filters, data: DataLoad
) -> Figures:
    aged, labels = ageing(warehouse, parts, filters)
    return Figures(
        stock_by_place=stock_by_place(warehouse, parts, filters),
        unit_totals=stock_unit_totals(warehouse, parts, filters),
        trend=trend(warehouse, parts),
        arrivals=arrivals(warehouse, parts, filters, data),
        moves=moves(warehouse, parts, filters, data),
        dwell=dwell(warehouse, parts, filters, data),
        work_orders=work_orders(warehouse, parts),
        scrap=scrap(warehouse, parts),
        ageing=aged,
        age_labels=labels,
        reorder=reorder(warehouse, parts, filters),
    )
