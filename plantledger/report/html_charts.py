"""Charts of ``report html``: Vega-Lite specifications built with altair, drawn to SVG here with
vl-convert (no JavaScript in the page, no request at view time; external data is refused while
drawing). Colours are the Okabe-Ito palette, distinguishable with the common colour-vision
deficiencies.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import html
from collections.abc import Sequence

import altair as alt

# Okabe & Ito (2008), "Color Universal Design": safe for protanopia, deuteranopia, tritanopia.
OKABE_ITO = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
]
WIDTH = 560
HEIGHT = 220


def _plain(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _data(rows: Sequence[dict[str, object]]) -> alt.Data:
    return alt.Data(values=[{key: _plain(value) for key, value in row.items()} for row in rows])


def _colour(field: str, title: str) -> alt.Color:
    return alt.Color(f"{field}:N", title=title, scale=alt.Scale(range=OKABE_ITO))


def _svg(chart: alt.TopLevelMixin, label: str) -> str:
    """The chart as an <img> of an SVG data URI (its ids cannot clash with another chart's)."""
    import vl_convert

    spec = (
        chart.configure_view(stroke=None)
        .configure_axis(labelFontSize=11)
        .configure_legend(labelLimit=400)
        .to_dict()
    )
    # room for text the viewer's fonts draw wider than vl-convert's measured it
    spec["padding"] = {"left": 10, "top": 5, "right": 40, "bottom": 5}
    svg = vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img class="chart" alt="{html.escape(label)}" src="data:image/svg+xml;base64,{encoded}">'
    )


def bar(
    rows: Sequence[dict[str, object]],
    x: str,
    x_title: str,
    y: str,
    y_title: str,
    colour: str | None,
    colour_title: str,
    title: str,
    horizontal: bool = False,
) -> str:
    category = alt.X(f"{x}:N", title=x_title, sort=None)
    amount = alt.Y(f"{y}:Q", title=y_title)
    if horizontal:
        category = alt.Y(f"{x}:N", title=x_title, sort=None)
        amount = alt.X(f"{y}:Q", title=y_title)
    chart = alt.Chart(_data(rows), title=title, width=WIDTH, height=HEIGHT).mark_bar()
    encoding: dict[str, object] = (
        {"x": category, "y": amount}
        if not horizontal
        else {
            "y": category,
            "x": amount,
        }
    )
    if colour is not None:
        encoding["color"] = _colour(colour, colour_title)
    else:
        encoding["color"] = alt.value(OKABE_ITO[0])
    return _svg(chart.encode(**encoding), title)


def lines(
    rows: Sequence[dict[str, object]],
    x: str,
    x_title: str,
    y: str,
    y_title: str,
    colour: str,
    colour_title: str,
    title: str,
) -> str:
    chart = (
        alt.Chart(_data(rows), title=title, width=WIDTH, height=HEIGHT)
        .mark_line(point=False)
        .encode(
            x=alt.X(f"{x}:T", title=x_title),
            y=alt.Y(f"{y}:Q", title=y_title),
            color=_colour(colour, colour_title),
            strokeDash=alt.StrokeDash(f"{colour}:N", title=colour_title),
        )
    )
    return _svg(chart, title)


def facets(
    rows: Sequence[dict[str, object]],
    x: str,
    x_title: str,
    y: str,
    y_title: str,
    facet: str,
    title: str,
) -> str:
    """One small line chart per value of ``facet`` (such as a unit of measure), each with its
    own y scale: quantities in different units never share an axis."""
    chart = (
        alt.Chart(_data(rows), width=WIDTH, height=90)
        .mark_line(color=OKABE_ITO[0])
        .encode(x=alt.X(f"{x}:T", title=x_title), y=alt.Y(f"{y}:Q", title=y_title))
        .facet(row=alt.Row(f"{facet}:N", title=None), title=title)
        .resolve_scale(y="independent")
    )
    return _svg(chart, title)


def pareto(rows: Sequence[dict[str, object]], title: str) -> str:
    """Scrap value by reason, largest first, with the cumulative share on a second axis."""
    total = sum(float(str(row["value"])) for row in rows) or 1.0
    running = 0.0
    points = []
    for row in rows:
        running += float(str(row["value"]))
        points.append({**row, "cumulative_share": running / total})
    base = alt.Chart(_data(points), title=title, width=WIDTH, height=HEIGHT)
    order = [str(row["reason_code"]) for row in rows]
    bars = base.mark_bar(color=OKABE_ITO[0]).encode(
        x=alt.X("reason_code:N", title="scrap reason", sort=order),
        y=alt.Y("value:Q", title="scrapped value (USD)"),
    )
    share = base.mark_line(color=OKABE_ITO[5], point=alt.OverlayMarkDef(color=OKABE_ITO[5])).encode(
        x=alt.X("reason_code:N", sort=order),
        y=alt.Y(
            "cumulative_share:Q",
            title="cumulative share of scrap value",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
    )
    return _svg(alt.layer(bars, share).resolve_scale(y="independent"), title)


def dwell(rows: Sequence[dict[str, object]], title: str) -> str:
    """p50 and p90 dwell per conveyor position; bottlenecks in a second colour and marked."""
    points = [
        {
            "position": str(row["location_code"]),
            "p50_minutes": float(str(row["p50_dwell_seconds"])) / 60,
            "p90_minutes": float(str(row["p90_dwell_seconds"])) / 60,
            "bottleneck": "bottleneck" if row["is_bottleneck"] else "normal",
        }
        for row in rows
    ]
    base = alt.Chart(_data(points), title=title, width=WIDTH, height=max(HEIGHT, 14 * len(points)))
    order = [point["position"] for point in points]
    spread = base.mark_bar(height=8).encode(
        y=alt.Y("position:N", title="conveyor location (line, then its positions)", sort=order),
        x=alt.X("p50_minutes:Q", title="dwell (minutes): bar from p50 to p90"),
        x2="p90_minutes:Q",
        color=alt.Color(
            "bottleneck:N",
            title="position",
            scale=alt.Scale(domain=["normal", "bottleneck"], range=[OKABE_ITO[0], OKABE_ITO[5]]),
        ),
    )
    medians = base.mark_tick(color="#000000", thickness=2).encode(
        y=alt.Y("position:N", sort=order), x="p50_minutes:Q"
    )
    return _svg(alt.layer(spread, medians), title)
