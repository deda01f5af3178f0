"""`plantledger report html` on the small warehouse: the page's tables say what the warehouse
answers for the same instant and filters (``report stock --format json``, the table macros and
the marts, queried here directly), the page is self-contained (no URL, no script, every chart an
inline SVG image), and bad paths end in one error line.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from plantledger import cli
from tests.cli_output import one_error_line

AS_OF = dt.datetime(2026, 11, 13, 23, 59, 59, 999999, tzinfo=dt.UTC)  # --as-of 2026-11-13, UTC
WEEK_BEFORE = AS_OF - dt.timedelta(days=7)
CENT = Decimal("0.01")


class _Tables(HTMLParser):
    """The text of every cell of every <table id=...>, by table id (header row excluded)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = dict(attrs)["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._table is not None and self._row:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _tables(page: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@pytest.fixture(scope="module")
def wh(warehouse_small) -> str:
    return str(warehouse_small.duckdb)


def _render(capsys, wh: str, out: Path, *extra: str) -> str:
    code = cli.main(
        ["report", "html", "--as-of", "2026-11-13", "--tz", "UTC", "--warehouse", wh]
        + ["--out", str(out), *extra]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(warehouse_small, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("html") / "plant.html"
    code = cli.main(
        ["report", "html", "--as-of", "2026-11-13", "--tz", "UTC"]
        + ["--warehouse", str(warehouse_small.duckdb), "--out", str(out)]
    )
    assert code == 0
    return out.read_text(encoding="utf-8")


def _query(warehouse_small, sql: str, params: list[object]) -> list[tuple]:
    con = warehouse_small.connect()
    con.execute("set TimeZone = 'UTC'")
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


STOCK_BY_PLACE = """
    select stock.facility_code, locations.location_type, stock.status,
        valuation.unit_of_measure, sum(stock.quantity),
        sum(stock.quantity * valuation.standard_unit_cost)
    from inventory_as_of(?) as stock
    inner join marts.dim_storage_locations as locations
        on stock.location_code = locations.location_code
    inner join marts.dim_material_valuation as valuation
        on stock.material_code = valuation.material_code
    where cast(? as varchar) is null or stock.facility_code = ?
    group by all
"""


def _stock_by_place(warehouse_small, facility: str | None) -> dict[tuple, tuple[int, Decimal]]:
    rows = _query(warehouse_small, STOCK_BY_PLACE, [AS_OF, facility, facility])
    return {tuple(row[:4]): (int(row[4]), Decimal(str(row[5]))) for row in rows}


def _page_stock_by_place(page: str) -> dict[tuple, tuple[int, Decimal]]:
    return {
        tuple(row[:4]): (_int(row[4]), _money(row[5])) for row in _tables(page)["stock-by-place"]
    }


def _assert_same_stock(shown: dict, expected: dict) -> None:
    assert shown.keys() == expected.keys()
    for key, (quantity, value) in expected.items():
        assert shown[key][0] == quantity, key
        assert abs(shown[key][1] - value) <= CENT, key


def test_stock_by_facility_location_type_and_status_equals_the_warehouse(page, warehouse_small):
    expected = _stock_by_place(warehouse_small, None)
    assert len({key[0] for key in expected}) > 1  # several facilities: the grouping matters
    _assert_same_stock(_page_stock_by_place(page), expected)


def test_totals_per_unit_equal_report_stock_json(page, capsys, wh):
    code = cli.main(
        ["report", "stock", "--as-of", "2026-11-13", "--tz", "UTC", "--format", "json"]
        + ["--warehouse", wh]
    )
    import json

    document = json.loads(capsys.readouterr().out)
    assert code == 0
    expected = {
        row["unit_of_measure"]: (row["items"], row["quantity"], Decimal(str(row["value"])))
        for row in document["totals_per_unit_of_measure"]["rows"]
    }
    shown = {
        row[0]: (_int(row[1]), _int(row[2]), _money(row[3]))
        for row in _tables(page)["stock-unit-totals"]
    }
    assert shown.keys() == expected.keys() and len(shown) > 1
    for unit, (items, quantity, value) in expected.items():
        assert shown[unit][:2] == (items, quantity), unit
        assert abs(shown[unit][2] - value) <= CENT, unit


def test_facility_filter_shows_that_facility_only(capsys, wh, warehouse_small, tmp_path):
    page = _render(capsys, wh, tmp_path / "chi.html", "--facility", "FAC-CHI")
    expected = _stock_by_place(warehouse_small, "FAC-CHI")
    assert expected
    _assert_same_stock(_page_stock_by_place(page), expected)
    assert {row[0] for row in _tables(page)["arrivals"]} <= {"FAC-CHI"}


def test_daily_stock_value_equals_the_snapshot_mart(page, warehouse_small):
    """Days whose end every facility reached within the 90 days up to the instant, valued at
    standard cost (each facility and unit rounded to the cent, as the page sums them)."""
    rows = _query(
        warehouse_small,
        """
        with days as (
            select snapshot.snapshot_date, snapshot.facility_code,
                round(sum(snapshot.quantity * valuation.standard_unit_cost), 2) as value
            from marts.fact_inventory_snapshot_daily as snapshot
            inner join marts.dim_material_valuation as valuation
                on snapshot.material_code = valuation.material_code
            where snapshot.snapshot_at <= ? and snapshot.snapshot_at > ?
            group by snapshot.snapshot_date, snapshot.facility_code, valuation.unit_of_measure
        )
        select cast(snapshot_date as varchar), sum(value) from days
        group by snapshot_date
        having count(distinct facility_code) = (select count(distinct facility_code) from days)
        """,
        [AS_OF, AS_OF - dt.timedelta(days=90)],
    )
    expected = {day: Decimal(str(value)) for day, value in rows}
    shown = {row[0]: _money(row[1]) for row in _tables(page)["trend"]}
    assert len(expected) >= 85 and shown == expected


def test_arrivals_of_the_week_before_equal_the_table_macro(page, warehouse_small):
    rows = _query(
        warehouse_small,
        "select facility_code, arrival_kind, count(*), sum(quantity) "
        "from arrivals_between(?, ?) group by all",
        [WEEK_BEFORE, AS_OF],
    )
    expected = {(row[0], row[1]): (row[2], int(row[3])) for row in rows}
    shown = {(row[0], row[1]): (_int(row[2]), _int(row[4])) for row in _tables(page)["arrivals"]}
    assert expected and shown == expected


def test_moves_of_the_week_before_equal_the_table_macro(page, warehouse_small):
    rows = _query(
        warehouse_small,
        "select facility_code, event_kind, count(*) from sublot_moves_between(?, ?) group by all",
        [WEEK_BEFORE, AS_OF],
    )
    expected = {(row[0], row[1]): row[2] for row in rows}
    shown = {(row[0], row[1]): _int(row[2]) for row in _tables(page)["moves"]}
    assert expected and shown == expected


def test_work_orders_and_scrap_equal_the_marts(page, warehouse_small):
    rows = _query(
        warehouse_small,
        "select count(*), sum(quantity_completed), sum(quantity_scrapped) "
        "from marts.fact_work_orders where actual_end_at < ? and actual_end_at >= ?",
        [AS_OF, AS_OF - dt.timedelta(days=90)],
    )
    count, completed, scrapped = rows[0]
    shown = _tables(page)["work-orders"]
    assert count > 0
    assert sum(_int(row[1]) for row in shown) == count
    assert sum(_int(row[2]) for row in shown) == completed
    assert sum(_int(row[3]) for row in shown) == scrapped
    scrap = _query(
        warehouse_small,
        "select coalesce(reason_code, '(no reason)'), count(*), sum(transaction_value_usd) "
        "from marts.fact_material_transactions where transaction_type = 'scrap' "
        "and transacted_at < ? and transacted_at >= ? group by all",
        [AS_OF, AS_OF - dt.timedelta(days=90)],
    )
    expected = {row[0]: (row[1], Decimal(str(row[2]))) for row in scrap}
    shown_scrap = [(row[0], _int(row[1]), _money(row[2])) for row in _tables(page)["scrap"]]
    assert expected and {reason: (n, value) for reason, n, value in shown_scrap} == expected
    values = [value for _, _, value in shown_scrap]
    assert values == sorted(values, reverse=True)  # a Pareto: largest reason first


def test_page_is_self_contained(page):
    assert re.search(r"https?://", page, re.IGNORECASE) is None
    assert "<script" not in page.lower() and "<link" not in page.lower()
    images = re.findall(r'<img class="chart" alt="[^"]+" src="([^"]+)"', page)
    assert len(images) >= 8
    for source in images:
        assert source.startswith("data:image/svg+xml;base64,")
        svg = base64.b64decode(source.split(",", 1)[1]).decode("utf-8")
        assert "<svg" in svg and "<text" in svg  # drawn, with titles and axis labels
        without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]*"', "", svg)
        assert re.search(r"https?://", without_namespaces) is None


def test_out_never_overwrites_the_warehouse(capsys, wh):
    before = Path(wh).stat().st_mtime_ns
    code = cli.main(["report", "html", "--as-of", "2026-11-13", "--warehouse", wh, "--out", wh])
    assert code == 2
    assert "outputs never replace inputs" in one_error_line(capsys)
    assert Path(wh).stat().st_mtime_ns == before
