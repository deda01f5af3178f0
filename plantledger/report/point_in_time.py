"""Point-in-time reports: inventory as of an instant, arrivals and moves in a period, conveyor
dwell. Each reads the table macros ``dbt build`` leaves in the warehouse
(macros/table_macros/point_in_time.sql), so an analyst's ``select * from inventory_as_of(...)``
and the report give the same answer.

A company-wide report asks one question per time zone (a day is each facility's own local
day): one ``union all`` part per distinct instant, each limited to the facilities it applies
to. Every user value is a bound parameter.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from plantledger.params import ParameterError
from plantledger.quality.vocabularies import vocabularies
from plantledger.report.known_at import DataLoad, add_known_at_argument, data_load, known_window
from plantledger.report.output import (
    Column,
    Result,
    add_output_arguments,
    check_output_arguments,
    emit,
)
from plantledger.report.readable import ARRIVAL_KINDS, MOVE_KINDS, readable_sql, status_changes
from plantledger.report.registry import report
from plantledger.report.timeframe import (
    Part,
    add_period_arguments,
    add_time_zone_arguments,
    check_in_window,
    describe_as_of,
    describe_period,
    reader_today,
    resolve_as_of,
    resolve_period,
    scopes,
)
from plantledger.report.units import UNIT_COLUMN, quantity_totals, with_unit_sql
from plantledger.report.warehouse import (
    POINT_IN_TIME_MACROS,
    POINT_IN_TIME_TABLES,
    Warehouse,
    add_warehouse_argument,
    open_warehouse,
)


def stock_statuses() -> tuple[str, ...]:
    """The stock statuses (``--status`` choices), from their one home: the value_sets seed."""
    return vocabularies()["stock_status"]


@dataclass(frozen=True)
class Filters:
    facility: str | None = None
    location: str | None = None
    material: str | None = None
    status: str | None = None

    def describe(self) -> str | None:
        said = []
        if self.facility:
            said.append(f"facility {self.facility}")
        if self.location:
            said.append(f"location {self.location} and below")
        if self.material:
            said.append(f"material {self.material}")
        if self.status:
            said.append(f"status {self.status}")
        return "filters: " + ", ".join(said) if said else None

    def as_dict(self) -> dict[str, str | None]:
        return dataclasses.asdict(self)


# --- arguments --------------------------------------------------------------------------------


def _add_filters(parser: argparse.ArgumentParser, materials: bool = True) -> None:
    parser.add_argument(
        "--facility", default=None, metavar="CODE", help="one facility, such as FAC-CHI"
    )
    parser.add_argument(
        "--location",
        default=None,
        metavar="CODE",
        help="a location and everything below it, such as FAC-CHI/WH1 or FAC-CHI/PRD/CNV01",
    )
    if materials:
        parser.add_argument("--material", default=None, metavar="CODE", help="a part number or SKU")
        parser.add_argument(
            "--status", default=None, choices=stock_statuses(), help="a stock status"
        )


def _add_common(parser: argparse.ArgumentParser, materials: bool = True) -> None:
    _add_filters(parser, materials)
    add_known_at_argument(parser)
    add_time_zone_arguments(parser)
    add_output_arguments(parser)
    add_warehouse_argument(parser)


def _add_inventory(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        required=True,
        metavar="WHEN",
        help="'last friday', 'friday last week', 'yesterday', '2026-11-13' (end of that day), "
        "'2026-11-13 17:00', or an ISO timestamp with offset",
    )
    _add_common(parser)


def _add_period_report(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser, required=True)
    _add_common(parser)


def _add_arrivals(parser: argparse.ArgumentParser) -> None:
    _add_period_report(parser)
    parser.add_argument(
        "--kind", default=None, choices=tuple(ARRIVAL_KINDS), help="one kind of arrival"
    )


def _add_moves(parser: argparse.ArgumentParser) -> None:
    _add_period_report(parser)
    parser.add_argument(
        "--kind",
        default=None,
        choices=tuple(MOVE_KINDS),
        help="storage moves (putaway, bin transfer, replenishment, pick), conveyor moves, or "
        "status changes (which stay in place)",
    )


def _add_dwell(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser, required=False)
    _add_common(parser, materials=False)


# --- shared steps -----------------------------------------------------------------------------


def _filters(warehouse: Warehouse, args: argparse.Namespace) -> Filters:
    facility = warehouse.facility(args.facility).code if args.facility else None
    location = getattr(args, "location", None)
    if location is not None:
        location = location.rstrip("/")
        location_facility = warehouse.location_facility(location)
        if facility is not None and location_facility != facility:
            raise ParameterError(
                f"location {location} is in {location_facility}, not in --facility {facility}"
            )
        facility = location_facility
    material = getattr(args, "material", None)
    if material is not None:
        warehouse.require_material(material)
    return Filters(facility, location, material, getattr(args, "status", None))


def _company_wide(parts: list[Part], filters: Filters) -> list[Part]:
    """A single question for every facility needs no facility condition."""
    if len(parts) == 1 and filters.facility is None:
        return [dataclasses.replace(parts[0], facilities=None)]
    return parts


def _conditions(
    part: Part, filters: Filters, location_columns: Sequence[str] = ("location_code",)
) -> tuple[str, list[object]]:
    conditions: list[str] = []
    params: list[object] = []
    if part.facilities is not None:
        conditions.append(f"facility_code in ({', '.join('?' for _ in part.facilities)})")
        params.extend(part.facilities)
    if filters.location is not None:
        either = []
        for column in location_columns:
            either.append(f"{column} = ? or starts_with({column}, ?)")
            params.extend([filters.location, filters.location + "/"])
        conditions.append("(" + " or ".join(either) + ")")
    if filters.material is not None:
        conditions.append("material_code = ?")
        params.append(filters.material)
    if filters.status is not None:
        conditions.append("status = ?")
        params.append(filters.status)
    return (" where " + " and ".join(conditions) if conditions else ""), params


def _union(
    parts: Sequence[Part],
    source: str,
    bind: str,
    filters: Filters,
    order_by: str,
    location_columns: Sequence[str] = ("location_code",),
    extra: str = "",
) -> tuple[str, list[object]]:
    """One select per part from ``source`` (a table macro call with placeholders), united."""
    selects, params = [], []
    for part in parts:
        where, where_params = _conditions(part, filters, location_columns)
        if extra:
            where = (where + " and " if where else " where ") + extra
        selects.append(f"select * from {source}{where}")
        params.extend([part.start] if bind == "at" else [part.start, part.end])
        params.extend(where_params)
    body = "\nunion all\n".join(selects)
    return f"select * from (\n{body}\n) as answer order by {order_by}", params


def _parts_json(parts: Sequence[Part], as_of: bool) -> list[dict[str, object]]:
    out = []
    for part in parts:
        entry: dict[str, object] = {"zones": list(part.zones), "facilities": part.facilities}
        if as_of:
            entry["at"] = part.start
        else:
            entry["from"], entry["to"] = part.start, part.end
        out.append(entry)
    return out


def _answered(lines: list[str], filters: Filters, data: DataLoad) -> list[str]:
    described = filters.describe()
    return data.lines() + lines + ([described] if described else [])


def _call(macro: str, arguments: str, data: DataLoad) -> str:
    """A table macro call with ``?`` placeholders, and known_at when answering as of a load
    (a load id read from marts.dim_loads, an int)."""
    if data.known_at is None:
        return f"{macro}({arguments})"
    return f"{macro}({arguments}, known_at := {int(data.known_at)})"


def _period_parts(
    warehouse: Warehouse, args: argparse.Namespace, filters: Filters, data: DataLoad
) -> tuple[str, list[Part]]:
    window = known_window(warehouse, data)
    today = reader_today(args)
    label, parts = resolve_period(args, scopes(warehouse, filters.facility, args.tz), today, window)
    parts = _company_wide(parts, filters)
    flag, text = next(
        (
            (flag, value)
            for flag, value in (("--week", args.week), ("--on", args.on), ("--from", args.from_))
            if value is not None
        ),
        ("period", label),
    )
    check_in_window(parts, window, flag, text)
    return label, parts


# --- the reports ------------------------------------------------------------------------------


INVENTORY_COLUMNS = (
    Column("facility_code", "facility"),
    Column("location_code", "location"),
    Column("material_code", "material"),
    Column("material_sublot_code", "sublot", total="count_distinct"),
    Column("status", "status"),
    Column("quantity", "quantity", "int"),
    UNIT_COLUMN,
)


@report("inventory", "stock per location and sublot as of an instant", _add_inventory)
def run_inventory(args: argparse.Namespace) -> int:
    check_output_arguments(args)
    with open_warehouse(args.warehouse, POINT_IN_TIME_TABLES, POINT_IN_TIME_MACROS) as warehouse:
        filters = _filters(warehouse, args)
        data = data_load(warehouse, args)
        window = known_window(warehouse, data)
        today = reader_today(args)
        parts = resolve_as_of(args.as_of, scopes(warehouse, filters.facility, args.tz), today)
        parts = _company_wide(parts, filters)
        check_in_window(parts, window, "--as-of", args.as_of)
        order_by = "facility_code, location_code, material_code, material_sublot_code"
        sql, params = _union(parts, _call("inventory_as_of", "?", data), "at", filters, order_by)
        table = warehouse.query(with_unit_sql(sql, order_by), params)
        result = Result(
            "inventory",
            "Inventory",
            table,
            INVENTORY_COLUMNS,
            _answered(describe_as_of(args.as_of, parts, window), filters, data),
            {
                "as_of": args.as_of,
                "resolved": _parts_json(parts, True),
                **filters.as_dict(),
                "data": data.as_json(),
            },
            # quantities are totalled per unit of measure only, never across units
            [quantity_totals(table)],
        )
    emit(result, args)
    return 0


def _run_period_report(
    args: argparse.Namespace,
    name: str,
    title: str,
    macro: str | Callable[[int | None], str],
    columns: tuple[Column, ...],
    order_by: str,
    readable: dict[str, Any] | None = None,
    unit_totals: bool = False,
    **union_options: Any,
) -> int:
    """A report of one period table macro (``macro`` takes the period's two instants; or a
    function of the known-at load giving a relation with two ``?`` for them): the resolved
    period, per facility where the period is in local days, filtered and ordered."""
    check_output_arguments(args)
    with open_warehouse(args.warehouse, POINT_IN_TIME_TABLES, POINT_IN_TIME_MACROS) as warehouse:
        filters = _filters(warehouse, args)
        data = data_load(warehouse, args)
        label, parts = _period_parts(warehouse, args, filters, data)
        call = macro(data.known_at) if callable(macro) else _call(macro, "?, ?", data)
        sql, params = _union(parts, call, "period", filters, order_by, **union_options)
        if any(column.name == "unit_of_measure" for column in columns):
            sql = with_unit_sql(sql, order_by)
        if readable is not None:  # local times, supplier names (report/readable.py)
            sql = readable_sql(sql, order_by=order_by, **readable)
        table = warehouse.query(sql, params)
        result = Result(
            name,
            title,
            table,
            columns,
            _answered(describe_period(label, parts, known_window(warehouse, data)), filters, data),
            {
                "period": label,
                "resolved": _parts_json(parts, False),
                **filters.as_dict(),
                "data": data.as_json(),
            },
            # quantities are totalled per unit of measure only, never across units
            [quantity_totals(table)] if unit_totals else [],
        )
    emit(result, args)
    return 0


ARRIVAL_COLUMNS = (
    Column("arrived_at", "arrived (UTC)", "instant"),
    Column("arrived_at_local", "arrived (local)"),
    Column("facility_code", "facility"),
    Column("location_code", "location"),
    Column("material_code", "material"),
    Column("material_sublot_code", "sublot", total="count_distinct"),
    Column("status", "status"),
    Column("quantity", "quantity", "int"),
    UNIT_COLUMN,
    Column("arrival_kind", "kind"),
    Column("from_facility_code", "from"),
    Column("document_number", "document"),
    Column("supplier_name", "supplier"),
)


@report(
    "arrivals",
    "what entered each facility from outside it in a period (supplier receipts, transfers in, "
    "production receipts)",
    _add_arrivals,
)
def run_arrivals(args: argparse.Namespace) -> int:
    return _run_period_report(
        args,
        "arrivals",
        "Arrivals" + (f" ({args.kind})" if args.kind else ""),
        "arrivals_between",
        ARRIVAL_COLUMNS,
        "arrived_at, facility_code, material_sublot_code, transaction_id",
        readable={"instants": ["arrived_at"], "supplier": True},
        unit_totals=True,
        extra=ARRIVAL_KINDS[args.kind] if args.kind else "",
    )


MOVE_COLUMNS = (
    Column("moved_at", "moved (UTC)", "instant"),
    Column("moved_at_local", "moved (local)"),
    Column("facility_code", "facility"),
    Column("material_sublot_code", "sublot", total="count_distinct"),
    Column("material_code", "material"),
    Column("from_location_code", "from"),
    Column("to_location_code", "to"),
    Column("status", "status"),
    Column("quantity", "quantity", "int"),
    UNIT_COLUMN,
    Column("event_kind", "kind"),
)


@report("moves", "sublots that changed location within a facility in a period", _add_moves)
def run_moves(args: argparse.Namespace) -> int:
    return _run_period_report(
        args,
        "moves",
        "Status changes"
        if args.kind == "status"
        else "Moves within a facility" + (f" ({args.kind})" if args.kind else ""),
        status_changes if args.kind == "status" else "sublot_moves_between",
        MOVE_COLUMNS,
        "moved_at, facility_code, transaction_id",
        readable={"instants": ["moved_at"]},
        unit_totals=True,
        location_columns=("from_location_code", "to_location_code"),
        extra=(MOVE_KINDS[args.kind] or "") if args.kind else "",
    )


DWELL_COLUMNS = (
    Column("facility_code", "facility"),
    Column("conveyor_line_code", "line"),
    Column("location_code", "location"),
    Column("position_sequence", "pos", "int"),
    Column("stays", "stays", "int", total="sum"),
    Column("sublots", "sublots", "int"),
    Column("mean_dwell_seconds", "mean", "duration"),
    Column("p50_dwell_seconds", "p50", "duration"),
    Column("p90_dwell_seconds", "p90", "duration"),
    Column("max_dwell_seconds", "max", "duration"),
    Column("is_bottleneck", "bottleneck"),
)


@report(
    "dwell",
    "time sublots spend at each conveyor position (count, mean, p50, p90, max; bottlenecks)",
    _add_dwell,
)
def run_dwell(args: argparse.Namespace) -> int:
    return _run_period_report(
        args,
        "dwell",
        "Conveyor dwell (stays that arrived in the period)",
        "conveyor_dwell_between",
        DWELL_COLUMNS,
        "facility_code, conveyor_line_code, location_type, position_sequence",
        extra="stays > 0",
    )
