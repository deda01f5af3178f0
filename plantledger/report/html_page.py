"""The page of ``report html``: one self-contained HTML file (styles inline, charts as inline SVG
images, no script, no font or request from anywhere) with a table of the figures under every
chart, so the numbers can be read and checked.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal

from plantledger.report import html_charts as charts
from plantledger.report.html_data import TREND_DAYS, WEEK_DAYS, Figures, Rows
from plantledger.report.output import _cell

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem;
  color: #1a1a1a; max-width: 72rem; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
ul.answered { font-size: .9rem; color: #333; padding-left: 1.2rem; }
table { border-collapse: collapse; font-size: .85rem; margin: .6rem 0 1rem; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #e2e2e2; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
img.chart { display: block; max-width: 100%; height: auto; margin: .5rem 0; }
p.note { font-size: .85rem; color: #444; }
"""

Column = tuple[str, str, str]  # key, header, kind (text, int, float, money, duration, share)


def _format(value: object, kind: str) -> str:
    if kind == "share" and isinstance(value, float):
        return f"{value:.1%}"
    return _cell(value, kind)


def table(table_id: str, columns: Sequence[Column], rows: Rows) -> str:
    if not rows:
        return f'<p class="note" id="{table_id}">No rows.</p>'
    numeric = {"int", "float", "money", "duration", "share"}
    head = "".join(
        f"<th{' class=num' if kind in numeric else ''}>{html.escape(header)}</th>"
        for _, header, kind in columns
    )
    body = []
    for row in rows:
        cells = "".join(
            f"<td{' class=num' if kind in numeric else ''}>"
            f"{html.escape(_format(row.get(key), kind))}</td>"
            for key, _, kind in columns
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table id="{table_id}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _section(title: str, *pieces: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{''.join(pieces)}</section>"


def _note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def _stock(figures: Figures) -> str:
    by_facility: dict[tuple[str, str], float] = {}
    for row in figures.stock_by_place:
        key = (str(row["facility_code"]), str(row["status"]))
        by_facility[key] = by_facility.get(key, 0.0) + float(str(row["value"]))
    chart_rows = [
        {"facility_code": facility, "status": status, "value": value}
        for (facility, status), value in sorted(by_facility.items())
    ]
    return _section(
        "Stock as of the instant",
        charts.bar(
            chart_rows,
            "facility_code",
            "facility",
            "value",
            "value at standard cost (USD)",
            "status",
            "stock status",
            "Stock value by facility and status",
        )
        if chart_rows
        else "",
        _note("Totals per unit of measure (quantities never add across units):"),
        table(
            "stock-unit-totals",
            [
                ("unit_of_measure", "unit", "text"),
                ("items", "items", "int"),
                ("quantity", "quantity", "int"),
                ("value", "value (USD)", "money"),
            ],
            figures.unit_totals,
        ),
        _note("By facility, location type and status:"),
        table(
            "stock-by-place",
            [
                ("facility_code", "facility", "text"),
                ("location_type", "location type", "text"),
                ("status", "status", "text"),
                ("unit_of_measure", "unit", "text"),
                ("quantity", "quantity", "int"),
                ("value", "value (USD)", "money"),
            ],
            figures.stock_by_place,
        ),
    )


def _trend(figures: Figures) -> str:
    values: dict[tuple[str, str], float] = {}
    for row in figures.trend:
        key = (str(row["snapshot_date"]), str(row["facility_code"]))
        values[key] = values.get(key, 0.0) + float(str(row["value"]))
    value_rows = [
        {"snapshot_date": day, "facility_code": facility, "value": value}
        for (day, facility), value in sorted(values.items())
    ]
    # Facilities in other time zones end a local day at other instants: add quantities over
    # facilities only on days every facility of the page has ended by the instant.
    facilities = {str(row["facility_code"]) for row in figures.trend}
    on_day: dict[str, set[str]] = {}
    for row in figures.trend:
        on_day.setdefault(str(row["snapshot_date"]), set()).add(str(row["facility_code"]))
    complete = {day for day, present in on_day.items() if present == facilities}
    quantities: dict[tuple[str, str], int] = {}
    for row in figures.trend:
        key = (str(row["snapshot_date"]), str(row["unit_of_measure"]))
        if key[0] in complete:
            quantities[key] = quantities.get(key, 0) + int(str(row["quantity"]))
    quantity_rows = [
        {"snapshot_date": day, "unit_of_measure": unit, "quantity": quantity}
        for (day, unit), quantity in sorted(quantities.items())
    ]
    totals: dict[str, Decimal] = {}
    for row in figures.trend:
        day = str(row["snapshot_date"])
        if day in complete:
            totals[day] = totals.get(day, Decimal(0)) + Decimal(str(row["value"]))
    day_values: Rows = [
        {"snapshot_date": day, "value": value} for day, value in sorted(totals.items())
    ]
    if not value_rows:
        return _section(f"Daily stock, {TREND_DAYS} days before", _note("No stock in the period."))
    return _section(
        f"Daily stock, {TREND_DAYS} days before",
        charts.lines(
            value_rows,
            "snapshot_date",
            "end of local day",
            "value",
            "stock value (USD)",
            "facility_code",
            "facility",
            "End-of-day stock value per facility",
        ),
        charts.facets(
            quantity_rows,
            "snapshot_date",
            "end of local day",
            "quantity",
            "quantity (in its unit)",
            "unit_of_measure",
            "End-of-day stock quantity per unit of measure, the page's facilities together",
        ),
        _note(
            f"{len({row['snapshot_date'] for row in figures.trend})} days, from "
            f"{min(str(row['snapshot_date']) for row in figures.trend)} to "
            f"{max(str(row['snapshot_date']) for row in figures.trend)} "
            "(fact_inventory_snapshot_daily): each facility's local days that ended within the "
            "90 days up to the instant; quantities and values are added over facilities only on "
            "days every facility had ended."
        ),
        "<details><summary>Stock value per day, the page's facilities together</summary>",
        table(
            "trend",
            [("snapshot_date", "day", "text"), ("value", "value (USD)", "money")],
            day_values,
        ),
        "</details>",
    )


def _flows(figures: Figures) -> str:
    return _section(
        f"Arrivals and internal moves, {WEEK_DAYS} days before",
        charts.bar(
            figures.arrivals,
            "arrival_kind",
            "kind of arrival",
            "arrivals",
            "arrivals (count)",
            "facility_code",
            "facility",
            "Arrivals by kind",
        )
        if figures.arrivals
        else "",
        table(
            "arrivals",
            [
                ("facility_code", "facility", "text"),
                ("arrival_kind", "kind", "text"),
                ("arrivals", "arrivals", "int"),
                ("sublots", "sublots", "int"),
                ("quantity", "quantity (mixed units)", "int"),
            ],
            figures.arrivals,
        ),
        charts.bar(
            figures.moves,
            "event_kind",
            "kind of move",
            "moves",
            "moves (count)",
            "facility_code",
            "facility",
            "Internal moves by kind",
        )
        if figures.moves
        else "",
        table(
            "moves",
            [
                ("facility_code", "facility", "text"),
                ("event_kind", "kind", "text"),
                ("moves", "moves", "int"),
                ("sublots", "sublots", "int"),
            ],
            figures.moves,
        ),
    )


def _dwell(figures: Figures) -> str:
    return _section(
        f"Conveyor dwell per position, {WEEK_DAYS} days before",
        charts.dwell(figures.dwell, "Dwell per conveyor position (p50 to p90)")
        if figures.dwell
        else "",
        table(
            "dwell",
            [
                ("facility_code", "facility", "text"),
                ("conveyor_line_code", "line", "text"),
                ("location_code", "location", "text"),
                ("stays", "stays", "int"),
                ("p50_dwell_seconds", "p50", "duration"),
                ("p90_dwell_seconds", "p90", "duration"),
                ("max_dwell_seconds", "max", "duration"),
                ("is_bottleneck", "bottleneck", "text"),
            ],
            figures.dwell,
        ),
    )


def _production(figures: Figures) -> str:
    return _section(
        f"Work orders, {TREND_DAYS} days before",
        charts.bar(
            figures.work_orders,
            "week_start",
            "week (UTC, starting Monday)",
            "quantity_completed",
            "quantity completed (units)",
            None,
            "",
            "Throughput: quantity completed by work orders that ended in the week",
        )
        if figures.work_orders
        else "",
        table(
            "work-orders",
            [
                ("week_start", "week from", "text"),
                ("work_orders", "work orders ended", "int"),
                ("quantity_completed", "completed", "int"),
                ("quantity_scrapped", "scrapped", "int"),
                ("yield_rate", "yield", "share"),
            ],
            figures.work_orders,
        ),
        charts.pareto(figures.scrap, "Scrap by reason (Pareto, value)") if figures.scrap else "",
        table(
            "scrap",
            [
                ("reason_code", "reason", "text"),
                ("transactions", "scrap transactions", "int"),
                ("value", "value (USD)", "money"),
            ],
            figures.scrap,
        ),
    )


def _ageing(figures: Figures) -> str:
    rows = []
    for row in figures.ageing:
        for index, label in enumerate(figures.age_labels):
            rows.append(
                {
                    "bucket": f"{label} d",
                    "unit_of_measure": row["unit_of_measure"],
                    "value": row[f"value_{index}"],
                }
            )
    columns: list[tuple[str, str, str]] = [("unit_of_measure", "unit", "text")]
    for index, label in enumerate(figures.age_labels):
        columns.append((f"quantity_{index}", f"{label} d", "int"))
    for index, label in enumerate(figures.age_labels):
        columns.append((f"value_{index}", f"{label} d (USD)", "money"))
    return _section(
        "Ageing and reorder",
        charts.bar(
            rows,
            "bucket",
            "age since receipt or production (days)",
            "value",
            "stock value (USD)",
            "unit_of_measure",
            "unit of measure",
            "Stock value by age",
        )
        if rows
        else "",
        table("ageing", columns, figures.ageing),
        _note("Parts whose available stock is below their minimum stock level:"),
        table(
            "reorder",
            [
                ("material_code", "part", "text"),
                ("material_description", "description", "text"),
                ("unit_of_measure", "unit", "text"),
                ("min_stock_level", "min stock", "int"),
                ("available_quantity", "available", "int"),
                ("shortfall", "shortfall", "int"),
                ("shortfall_value", "shortfall value (USD)", "money"),
            ],
            figures.reorder,
        ),
    )


def render(title: str, answered: Sequence[str], figures: Figures) -> str:
    header = "".join(f"<li>{html.escape(line.strip())}</li>" for line in answered)
    body = "".join(
        [
            _stock(figures),
            _trend(figures),
            _flows(figures),
            _dwell(figures),
            _production(figures),
            _ageing(figures),
        ]
    )
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f'<body><header><h1>{html.escape(title)}</h1><ul class="answered">{header}</ul></header>'
        f"{body}</body></html>\n"
    )
