"""The operations data follows the distributions the plan gives, within sampling tolerance."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from plantledger.generator import generate_tables
from plantledger.params import GenerationParams


@pytest.fixture(scope="module")
def t() -> dict[str, pl.DataFrame]:
    params = GenerationParams(scale=0.1, seed=11, end_date=dt.date(2026, 11, 21))
    pieces: dict[str, list[pl.DataFrame]] = {}
    for table, frame in generate_tables(params):
        pieces.setdefault(table, []).append(frame)
    return {table: pl.concat(frames) for table, frames in pieces.items()}


def shares(frame: pl.DataFrame, column: str) -> dict[str, float]:
    counts = frame[column].value_counts(normalize=True)
    return dict(zip(counts[column], counts["proportion"], strict=True))


def assert_close(actual: dict[str, float], expected: dict[str, float], tolerance: float) -> None:
    assert set(actual) == set(expected)
    for key, share in expected.items():
        assert abs(actual[key] - share) <= tolerance, (key, actual[key], share)


def test_work_order_statuses_follow_the_plan(t):
    expected = {
        "released": 0.05,
        "in_progress": 0.10,
        "quality_hold": 0.02,
        "completed": 0.80,
        "cancelled": 0.03,
    }
    assert_close(shares(t["work_orders"], "status"), expected, 0.02)


def test_make_to_order_and_make_to_stock_split(t):
    assert_close(
        shares(t["work_orders"], "order_type"), {"make_to_order": 0.8, "make_to_stock": 0.2}, 0.03
    )
    mto = t["work_orders"].filter(pl.col("order_type") == "make_to_order")
    assert mto["order_id"].null_count() == 0
    assert (
        t["work_orders"].filter(pl.col("order_type") == "make_to_stock")["order_id"].null_count()
        == t["work_orders"].filter(pl.col("order_type") == "make_to_stock").height
    )
    per_order = mto.group_by("order_id").len()["len"]
    assert 1.1 <= per_order.mean() <= 1.3


def test_scrap_reasons_follow_the_plan(t):
    scrap = t["material_transactions"].filter(pl.col("transaction_type") == "scrap")
    expected = {
        "quality_defect": 0.40,
        "machine_error": 0.25,
        "operator_error": 0.20,
        "material_defect": 0.15,
    }
    assert_close(shares(scrap, "reason_code"), expected, 0.04)
    others = t["material_transactions"].filter(pl.col("transaction_type") != "scrap")
    assert others["reason_code"].null_count() == others.height


def test_three_to_five_steps_with_sap_style_gaps(t):
    steps = (
        t["work_order_steps"]
        .group_by("work_order_id")
        .agg(pl.len().alias("n"), pl.col("step_sequence"))
    )
    assert steps["n"].min() >= 3 and steps["n"].max() <= 5
    seqs = t["work_order_steps"]["step_sequence"]
    assert (seqs % 10 == 0).all()


def test_shipment_types_split_roughly_like_the_base_model(t):
    expected = {"order_fulfillment": 0.70, "transfer": 0.20, "replenishment": 0.10}
    assert_close(shares(t["shipments"], "shipment_type"), expected, 0.08)


def test_some_conveyor_positions_are_bottlenecks(t):
    plc = t["plc_tag_events"].sort("storage_location_id", "source_timestamp")
    stays = plc.with_columns(
        dwell=(
            pl.col("source_timestamp").shift(-1).over("storage_location_id")
            - pl.col("source_timestamp")
        ).dt.total_seconds()
    ).filter(pl.col("value").is_not_null() & pl.col("dwell").is_not_null())
    medians = stays.group_by("storage_location_id").agg(pl.col("dwell").median())["dwell"]
    assert medians.max() > 5 * medians.min()
    assert medians.min() >= 1
