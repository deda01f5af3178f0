"""`plantledger report stock|balance|ledger|ageing|abc|reorder` on the small warehouse, each
checked against figures the test computes itself: stock from a replay of the physical entries of
``fact_inventory_journal``, standard costs, units and descriptions from the raw parquet files
(parts; products rolled up from raw components, routings and work centers), sublot ages from the
raw receipts. Days are read in UTC (``--tz UTC``) so the test's instants are plain.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from plantledger import cli
from tests.cli_output import one_error_line

AS_OF = dt.datetime(2026, 11, 13, 23, 59, 59, 999999, tzinfo=dt.UTC)  # --as-of 2026-11-13, UTC
MONEY = 0.011  # one report row's value may differ from the test's by rounding to the cent
# the period balance rule, written out again: the journal's movement types per column, and the
# sign that shows the column as a positive amount
CATEGORY_OF = {
    "103": "receipts",
    "101": "receipts",
    "261": "issues",
    "262": "issues",
    "601": "issues",
    "941": "transfers_in",
    "641": "transfers_out",
    "701": "adjustments",
    "702": "adjustments",
    "551": "scrap",
}
SIGN = {
    "receipts": 1,
    "issues": -1,
    "transfers_in": 1,
    "transfers_out": -1,
    "adjustments": 1,
    "scrap": -1,
}


@pytest.fixture(scope="module")
def wh(warehouse_small) -> str:
    return str(warehouse_small.duckdb)


@pytest.fixture(scope="module")
def journal(small_journal) -> pl.DataFrame:
    return small_journal


def _raw(warehouse_small, table: str) -> pl.DataFrame:
    return pl.read_parquet(warehouse_small.raw / table / "*.parquet")


@pytest.fixture(scope="module")
def materials(warehouse_small) -> pl.DataFrame:
    """material_code, description, unit, standard cost (float), min_stock_level, from raw."""
    parts = _raw(warehouse_small, "parts")
    part_rows = parts.select(
        pl.col("part_number").alias("material_code"),
        pl.col("description"),
        pl.col("base_uom").alias("unit"),
        pl.col("unit_cost").round(2).alias("cost"),
        pl.col("min_stock_level"),
    )
    components = (
        _raw(warehouse_small, "product_components")
        .join(parts.select(pl.col("id").alias("part_id"), "unit_cost"), on="part_id")
        .group_by("product_id")
        .agg((pl.col("quantity") * pl.col("unit_cost").round(2)).sum().round(2).alias("material"))
    )
    conversion = (
        _raw(warehouse_small, "production_routings")
        .filter(pl.col("is_active") & pl.col("effective_to").is_null())
        .join(
            _raw(warehouse_small, "work_centers").select(
                pl.col("id").alias("work_center_id"), pl.col("hourly_rate_usd").round(2)
            ),
            on="work_center_id",
        )
        .group_by("product_id")
        .agg(
            (pl.col("run_time_per_unit_mins") * pl.col("hourly_rate_usd") / 60)
            .sum()
            .round(4)
            .alias("conversion")
        )
    )
    product_rows = (
        _raw(warehouse_small, "products")
        .rename({"id": "product_id"})
        .join(components, on="product_id", how="left")
        .join(conversion, on="product_id", how="left")
        .select(
            pl.col("sku").alias("material_code"),
            pl.col("name").alias("description"),
            pl.lit("each").alias("unit"),
            (pl.col("material").fill_null(0) + pl.col("conversion").fill_null(0)).alias("cost"),
            pl.lit(None, pl.Int32).alias("min_stock_level"),
        )
    )
    return pl.concat([part_rows, product_rows])


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["report", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json(capsys, wh: str, *argv: str) -> dict:
    code, out, err = _run(capsys, *argv, "--tz", "UTC", "--format", "json", "--warehouse", wh)
    assert code == 0, err
    return json.loads(out)


def _rows(document: dict) -> pl.DataFrame:
    return pl.DataFrame(document["rows"], infer_schema_length=None)


def _stock_at(journal: pl.DataFrame, at: dt.datetime) -> pl.DataFrame:
    """Replay: physical entries up to ``at`` summed per facility, location, sublot and status."""
    return (
        journal.filter(pl.col("is_physical") & (pl.col("entry_at") <= at))
        .group_by(
            "facility_code", "location_code", "material_code", "material_sublot_code", "status"
        )
        .agg(pl.col("quantity").sum())
        .filter(pl.col("quantity") != 0)
    )


def _assert_money(actual: pl.Series, expected: pl.Series) -> None:
    gap = (actual.cast(pl.Float64) - expected.cast(pl.Float64)).abs().max()
    assert gap is not None and gap <= MONEY, gap


# --- stock ----------------------------------------------------------------------------------


def test_stock_by_item_is_the_journal_replay_valued_at_raw_standard_costs(
    capsys, wh, journal, materials
):
    document = _json(capsys, wh, "stock", "--as-of", "2026-11-13")
    expected = (
        _stock_at(journal, AS_OF)
        .group_by("facility_code", "material_code")
        .agg(
            pl.col("quantity").sum(),
            pl.col("quantity").filter(pl.col("status") == "available").sum().alias("available"),
            pl.col("quantity").filter(pl.col("status") == "quality_hold").sum().alias("hold"),
            pl.col("material_sublot_code").n_unique().alias("sublots"),
        )
        .join(materials, on="material_code")
        .sort("facility_code", "material_code")
    )
    rows = _rows(document).sort("facility_code", "material_code")
    assert rows.height == expected.height > 0
    assert rows["facility_code"].to_list() == expected["facility_code"].to_list()
    assert rows["material_code"].to_list() == expected["material_code"].to_list()
    assert rows["quantity"].to_list() == expected["quantity"].to_list()
    assert rows["available_quantity"].to_list() == expected["available"].to_list()
    assert rows["quality_hold_quantity"].to_list() == expected["hold"].to_list()
    assert rows["sublots"].to_list() == expected["sublots"].to_list()
    assert rows["unit_of_measure"].to_list() == expected["unit"].to_list()
    assert rows["material_description"].to_list() == expected["description"].to_list()
    _assert_money(rows["value"], expected["quantity"] * expected["cost"])
    assert any("valuation: parts at standard cost" in line for line in document["answered"])


def test_grand_totals_never_add_different_units(capsys, wh, journal, materials):
    document = _json(capsys, wh, "stock", "--as-of", "2026-11-13", "--by", "sublot")
    # no grand total of a quantity: only money (and counts) add across items
    assert not {"quantity", "available_quantity", "quality_hold_quantity"} & set(document["totals"])
    per_unit = (
        _stock_at(journal, AS_OF)
        .join(materials, on="material_code")
        .group_by("unit")
        .agg(pl.col("quantity").sum(), (pl.col("quantity") * pl.col("cost")).sum().alias("value"))
        .sort("unit")
    )
    assert per_unit.height > 1  # the data set has several units: the test means something
    assert "quantity" not in document["totals_per_unit_of_measure"]["totals"]
    totals = pl.DataFrame(document["totals_per_unit_of_measure"]["rows"]).sort("unit_of_measure")
    assert totals["unit_of_measure"].to_list() == per_unit["unit"].to_list()
    assert totals["quantity"].to_list() == per_unit["quantity"].to_list()
    assert abs(document["totals"]["value"] - per_unit["value"].sum()) < 0.01 * len(document["rows"])
    # the readable table: the totals row carries no quantity, the per-unit table does
    code, out, _ = _run(
        capsys, "stock", "--as-of", "2026-11-13", "--tz", "UTC", "--warehouse", wh, "--limit", "0"
    )
    assert code == 0
    footer = next(line for line in out.splitlines() if "total (" in line)
    assert f"{per_unit['quantity'].sum():,}" not in footer


def _per_unit(rows: pl.DataFrame, materials: pl.DataFrame) -> pl.DataFrame:
    """Quantity, materials and sublots per unit of measure, the unit read from raw."""
    return (
        rows.join(materials.select("material_code", "unit"), on="material_code")
        .group_by("unit")
        .agg(
            pl.col("material_code").n_unique().alias("items"),
            pl.col("material_sublot_code").n_unique().alias("sublots"),
            pl.col("quantity").sum(),
        )
        .sort("unit")
    )


@pytest.mark.parametrize(
    "argv",
    [
        ("inventory", "--as-of", "2026-11-13"),
        ("arrivals", "--from", "2026-11-02", "--to", "2026-11-16"),
        ("moves", "--from", "2026-11-12", "--to", "2026-11-14", "--kind", "storage"),
    ],
    ids=lambda argv: argv[0],
)
def test_point_in_time_totals_never_add_different_units(capsys, wh, journal, materials, argv):
    """inventory, arrivals and moves: each row carries its material's unit of measure, and
    quantities are totalled per unit only (json totals, the table's totals row)."""
    document = _json(capsys, wh, *argv)
    assert "quantity" not in document["totals"]
    rows = pl.DataFrame(document["rows"])
    units = rows.join(materials.select("material_code", "unit"), on="material_code", how="left")
    assert units["unit_of_measure"].to_list() == units["unit"].to_list()
    if argv[0] == "inventory":  # the stock itself from the journal replay, not from the report
        expected = _per_unit(_stock_at(journal, AS_OF), materials)
    else:
        expected = _per_unit(rows, materials)
    assert expected.height > 1  # several units in the answer: the test means something
    totals = pl.DataFrame(document["totals_per_unit_of_measure"]["rows"]).sort("unit_of_measure")
    assert totals["unit_of_measure"].to_list() == expected["unit"].to_list()
    assert totals["quantity"].to_list() == expected["quantity"].to_list()
    assert totals["items"].to_list() == expected["items"].to_list()
    assert totals["sublots"].to_list() == expected["sublots"].to_list()
    # the readable table: the totals row carries no quantity across units
    code, out, _ = _run(capsys, *argv, "--tz", "UTC", "--warehouse", wh, "--limit", "0")
    assert code == 0
    footer = next(line for line in out.splitlines() if "total (" in line)
    assert f"{expected['quantity'].sum():,}" not in footer
    for unit, quantity in zip(expected["unit"], expected["quantity"], strict=True):
        assert any(unit in line and f"{quantity:,}" in line for line in out.splitlines())


# --- balance --------------------------------------------------------------------------------


def _boundary_entries(journal: pl.DataFrame) -> pl.DataFrame:
    """Physical entries whose other entry is not physical in the same facility."""
    other = journal.select(
        "transaction_id",
        pl.col("entry_side").replace({"credit": "debit", "debit": "credit"}),
        pl.col("is_physical").alias("other_physical"),
        pl.col("facility_code").alias("other_facility"),
    )
    entries = journal.filter(pl.col("is_physical")).join(other, on=["transaction_id", "entry_side"])
    return entries.filter(
        ~(pl.col("other_physical") & (pl.col("other_facility") == pl.col("facility_code")))
    ).with_columns(pl.col("movement_type").replace_strict(CATEGORY_OF).alias("category"))


def _expected_balance(journal: pl.DataFrame, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    physical = journal.filter(pl.col("is_physical"))
    key = ["facility_code", "material_code"]
    opening = (
        physical.filter(pl.col("entry_at") < start)
        .group_by(key)
        .agg(pl.col("quantity").sum().alias("opening_quantity"))
    )
    closing = (
        physical.filter(pl.col("entry_at") < end)
        .group_by(key)
        .agg(pl.col("quantity").sum().alias("closing_quantity"))
    )
    moves = _boundary_entries(journal).filter(
        (pl.col("entry_at") >= start) & (pl.col("entry_at") < end)
    )
    columns = moves.group_by(key).agg(
        *(
            (pl.col("quantity").filter(pl.col("category") == name).sum() * sign).alias(
                f"{name}_quantity"
            )
            for name, sign in SIGN.items()
        ),
        pl.len().alias("movements"),
    )
    return (
        opening.join(closing, on=key, how="full", coalesce=True)
        .join(columns, on=key, how="full", coalesce=True)
        .fill_null(0)
        .filter(
            (pl.col("opening_quantity") != 0)
            | (pl.col("closing_quantity") != 0)
            | (pl.col("movements") > 0)
        )
        .sort(key)
    )


QUANTITIES = [
    "opening_quantity",
    *(f"{name}_quantity" for name in SIGN),
    "closing_quantity",
]


def test_balance_is_computed_from_the_journal_and_rolls_forward(capsys, wh, journal, materials):
    october = _json(capsys, wh, "balance", "--from", "2026-10-01", "--to", "2026-10-31")
    november = _json(capsys, wh, "balance", "--from", "2026-11-01", "--to", "2026-11-21")
    oct_start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    nov_start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    nov_end = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    for document, (start, end) in (
        (october, (oct_start, nov_start)),
        (november, (nov_start, nov_end)),
    ):
        rows = _rows(document).sort("facility_code", "material_code")
        expected = _expected_balance(journal, start, end)
        assert rows.height == expected.height > 0
        for column in ["facility_code", "material_code", *QUANTITIES]:
            assert rows[column].to_list() == expected[column].to_list(), column
        costs = expected.join(materials, on="material_code", how="left")["cost"]
        _assert_money(rows["closing_value"], expected["closing_quantity"] * costs)
        assert rows["transfers_in_quantity"].sum() > 0 and rows["issues_quantity"].sum() > 0
    # every row adds up, and October's closing is November's opening
    rows = _rows(october)
    signed = sum(SIGN[name] * rows[f"{name}_quantity"] for name in SIGN)
    assert (rows["opening_quantity"] + signed == rows["closing_quantity"]).all()
    closing = {
        (r["facility_code"], r["material_code"]): r["closing_quantity"]
        for r in october["rows"]
        if r["closing_quantity"] != 0
    }
    opening = {
        (r["facility_code"], r["material_code"]): r["opening_quantity"]
        for r in november["rows"]
        if r["opening_quantity"] != 0
    }
    assert closing == opening


# --- ledger ---------------------------------------------------------------------------------


def test_ledger_running_balance_is_the_cumulative_sum_of_the_postings(capsys, wh, journal):
    busiest = (
        journal.filter(pl.col("is_physical"))
        .group_by("facility_code", "material_code")
        .len()
        .sort("len", "facility_code", "material_code", descending=True)
        .row(0, named=True)
    )
    facility, material = busiest["facility_code"], busiest["material_code"]
    start = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    document = _json(
        capsys, wh, "ledger", "--material", material, "--facility", facility, "--from", "2026-09-01"
    )
    postings = journal.filter(
        pl.col("is_physical")
        & (pl.col("facility_code") == facility)
        & (pl.col("material_code") == material)
    ).sort("entry_sequence")
    opening = postings.filter(pl.col("entry_at") < start)["quantity"].sum()
    in_period = postings.filter(pl.col("entry_at") >= start)
    rows = _rows(document)
    assert rows.height == in_period.height > 0
    assert rows["quantity"].to_list() == in_period["quantity"].to_list()
    expected_running = (in_period["quantity"].cum_sum() + opening).to_list()
    assert rows["running_balance"].to_list() == expected_running
    assert rows["movement_type"].to_list() == in_period["movement_type"].to_list()
    assert any(f"{facility} {opening:,}" in line for line in document["answered"])
    # the last balance is the stock at the end
    (final,) = (
        _stock_at(journal, dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
        .filter((pl.col("facility_code") == facility) & (pl.col("material_code") == material))
        .select(pl.col("quantity").sum())["quantity"]
    )
    assert expected_running[-1] == final


# --- ageing ---------------------------------------------------------------------------------


def test_ageing_buckets_count_days_since_the_raw_receipt(
    capsys, wh, warehouse_small, journal, materials
):
    document = _json(capsys, wh, "ageing", "--as-of", "2026-11-13", "--buckets", "15,45,120")
    receipts = (
        pl.concat(
            [
                _raw(warehouse_small, "supplier_receipts").select(
                    "material_sublot_id", pl.col("received_at").alias("at")
                ),
                _raw(warehouse_small, "material_transactions")
                .filter(pl.col("transaction_type") == "receipt_from_wo")
                .select("material_sublot_id", pl.col("created_at").alias("at")),
            ]
        )
        .group_by("material_sublot_id")
        .agg(pl.col("at").min())
    )
    codes = _raw(warehouse_small, "material_sublots").select(
        pl.col("id").alias("material_sublot_id"),
        pl.col("sublot_code").alias("material_sublot_code"),
    )
    aged = (
        _stock_at(journal, AS_OF)
        .join(codes, on="material_sublot_code")
        .join(receipts, on="material_sublot_id")
        .with_columns(((AS_OF - pl.col("at")).dt.total_seconds() // 86_400).alias("age"))
        .with_columns(
            pl.when(pl.col("age") <= 15)
            .then(0)
            .when(pl.col("age") <= 45)
            .then(1)
            .when(pl.col("age") <= 120)
            .then(2)
            .otherwise(3)
            .alias("bucket")
        )
    )
    assert aged["bucket"].n_unique() == 4  # every bucket holds stock: the test means something
    expected = (
        aged.group_by("facility_code", "material_code")
        .agg(
            *(
                pl.col("quantity")
                .filter(pl.col("bucket") == index)
                .sum()
                .alias(f"quantity_{index}")
                for index in range(4)
            ),
            pl.col("age").max().alias("oldest_days"),
        )
        .join(materials, on="material_code")
        .sort("facility_code", "material_code")
    )
    rows = _rows(document).sort("facility_code", "material_code")
    assert rows.height == expected.height
    for column in ["material_code", *(f"quantity_{i}" for i in range(4)), "oldest_days"]:
        assert rows[column].to_list() == expected[column].to_list(), column
    for index in range(4):
        _assert_money(rows[f"value_{index}"], expected[f"quantity_{index}"] * expected["cost"])
    assert "age buckets (days): 0-15, 16-45, 46-120, >120" in document["answered"]


# --- abc and reorder ------------------------------------------------------------------------


def test_abc_classes_follow_the_cumulative_consumption_value(capsys, wh, journal, materials):
    document = _json(capsys, wh, "abc", "--from", "2026-01-01", "--to", "2026-06-30")
    start, end = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    issued = (
        _boundary_entries(journal)
        .filter(
            (pl.col("category") == "issues") & pl.col("entry_at").is_between(start, end, "left")
        )
        .group_by("material_code")
        .agg((-pl.col("quantity").sum()).alias("consumed"))
        .join(materials, on="material_code")
        .with_columns((pl.col("consumed") * pl.col("cost")).alias("value"))
        .filter(pl.col("value") > 0)
        .sort(["value", "material_code"], descending=[True, False])
    )
    before = (issued["value"].cum_sum() - issued["value"]) / issued["value"].sum() * 100
    classes = ["A" if share < 80 else "B" if share < 95 else "C" for share in before]
    rows = _rows(document)
    assert rows["material_code"].to_list() == issued["material_code"].to_list()
    assert rows["consumed_quantity"].to_list() == issued["consumed"].to_list()
    assert rows["abc_class"].to_list() == classes
    assert set(classes) == {"A", "B", "C"}


def test_reorder_lists_parts_whose_available_stock_is_below_the_minimum(
    capsys, wh, journal, materials
):
    document = _json(capsys, wh, "reorder", "--as-of", "2026-11-13")
    available = (
        _stock_at(journal, AS_OF)
        .filter(pl.col("status") == "available")
        .group_by("material_code")
        .agg(pl.col("quantity").sum().alias("available"))
    )
    expected = (
        materials.filter(pl.col("min_stock_level").is_not_null())
        .join(available, on="material_code", how="left")
        .with_columns(pl.col("available").fill_null(0))
        .filter(pl.col("available") < pl.col("min_stock_level"))
    )
    rows = _rows(document)
    assert expected.height > 0
    assert sorted(rows["material_code"].to_list()) == sorted(expected["material_code"].to_list())
    shortfall = dict(zip(rows["material_code"], rows["shortfall"], strict=True))
    for row in expected.iter_rows(named=True):
        assert shortfall[row["material_code"]] == row["min_stock_level"] - row["available"]


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["ageing", "--as-of", "2026-11-13", "--buckets", "30,20"],
        ["ageing", "--as-of", "2026-11-13", "--buckets", "30;60"],
        ["abc", "--classes", "80"],
        ["abc", "--classes", "80,120"],
        ["ledger", "--material", "NO-SUCH-PART"],
        ["stock", "--as-of", "2019-01-01"],
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(capsys, wh, argv):
    code = cli.main(["report", *argv, "--warehouse", wh])
    assert code == 2
    one_error_line(capsys)


def test_every_report_and_table_macro_has_a_dbt_exposure(warehouse_small):
    from plantledger.report import REPORTS

    manifest = json.loads((warehouse_small.target / "manifest.json").read_text(encoding="utf-8"))
    exposures = {node["name"] for node in manifest["exposures"].values()}
    con = warehouse_small.connect()
    try:
        macros = {
            name
            for (name,) in con.execute(
                "select function_name from duckdb_functions() "
                "where function_type = 'table_macro' and schema_name = 'main' and not internal"
            ).fetchall()
        }
    finally:
        con.close()
    assert {"inventory_as_of", "trace_forward"} <= macros
    missing = {f"report_{name}" for name in REPORTS} | {f"macro_{name}" for name in macros}
    assert missing - exposures == set()
