"""``plantledger report html``: one self-contained HTML page of the plant as of an instant (stock
by facility, location type and status; the daily trend; the week's arrivals, moves and conveyor
dwell; work-order throughput, yield and scrap; ageing and reorder), charts drawn offline.

Figures: :mod:`plantledger.report.html_data`; charts: :mod:`plantledger.report.html_charts`;
page: :mod:`plantledger.report.html_page`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from plantledger.output_paths import Input, check_output_file, raw_folder_input
from plantledger.report.html_data import TREND_DAYS, WEEK_DAYS, read_figures
from plantledger.report.html_page import render
from plantledger.report.known_at import data_load
from plantledger.report.output import _write
from plantledger.report.point_in_time import Filters, _answered, _company_wide
from plantledger.report.registry import report
from plantledger.report.stock_common import STOCK_TABLES, valuation_lines
from plantledger.report.timeframe import (
    add_time_zone_arguments,
    check_in_window,
    describe_as_of,
    reader_today,
    resolve_as_of,
    scopes,
)
from plantledger.report.warehouse import (
    POINT_IN_TIME_MACROS,
    POINT_IN_TIME_TABLES,
    add_warehouse_argument,
    default_warehouse,
    open_warehouse,
)

DEFAULT_OUT = "reports/plant_report.html"
HTML_TABLES = (
    *dict.fromkeys(
        (*POINT_IN_TIME_TABLES, *STOCK_TABLES, "fact_inventory_snapshot_daily", "fact_work_orders")
    ),
    "fact_material_transactions",
)


def _add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        required=True,
        metavar="WHEN",
        help="'last friday', 'yesterday', '2026-11-13' (end of that day), '2026-11-13 17:00', "
        "or an ISO timestamp with offset",
    )
    parser.add_argument(
        "--facility", default=None, metavar="CODE", help="one facility (default: all)"
    )
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="FILE",
        help=f"the HTML file to write (default: {DEFAULT_OUT}; its folder is created)",
    )
    add_time_zone_arguments(parser)
    add_warehouse_argument(parser)


def _check_out(args: argparse.Namespace) -> Path:
    """Fail before querying on an --out that is an input (the warehouse, the raw folder), a
    folder, a DuckDB file, or cannot be written."""
    warehouse = args.warehouse or default_warehouse()
    inputs = [Input("the warehouse", Path(warehouse)), raw_folder_input()]
    return check_output_file(args.out, "--out", inputs, create_parents=True)


@report(
    "html",
    "one self-contained HTML page of the plant as of an instant, with charts (no network)",
    _add,
)
def run_html(args: argparse.Namespace) -> int:
    target = _check_out(args)
    with open_warehouse(args.warehouse, HTML_TABLES, POINT_IN_TIME_MACROS) as warehouse:
        filters = Filters(warehouse.facility(args.facility).code if args.facility else None)
        parts = resolve_as_of(
            args.as_of, scopes(warehouse, filters.facility, args.tz), reader_today(args)
        )
        parts = _company_wide(parts, filters)
        check_in_window(parts, warehouse.window(), "--as-of", args.as_of)
        data = data_load(warehouse, args)
        answered = (
            _answered(describe_as_of(args.as_of, parts, warehouse.window()), filters, data)
            + [
                f"trend, work orders and scrap: the {TREND_DAYS} days up to the instant; "
                f"arrivals, moves and dwell: the {WEEK_DAYS} days up to it (per time zone)",
            ]
            + valuation_lines(warehouse)
        )
        figures = read_figures(warehouse, parts, filters, data)
    scope = f" — {filters.facility}" if filters.facility else " — all facilities"
    page = render(f"Plant report as of {args.as_of}{scope}", answered, figures)
    target.parent.mkdir(parents=True, exist_ok=True)
    _write(str(target), lambda handle: handle.write(page.encode("utf-8")))
    for line in answered:
        print(line, file=sys.stderr)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0
