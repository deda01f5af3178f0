"""PLC events reach the OPC UA server in the order the PLC made them, per tag (issue #16).

docs/raw_data_design.md: per tag, ``server_timestamp`` strictly increases in source order
(``source_timestamp``, then ``id``) and is never after the end of the history; across tags the
server order may differ from the source order. An event the server saw after the tag's next one
is the ``plc_out_of_order`` fault, which the warehouse counts as a repair, so clean data must
have none (seed 42 at scale 0.01 had two before the generator kept each tag's order).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from plantledger import cli
from plantledger.generator.plc import with_server_instants

SEED, SCALE, END_DATE = 42, 0.01, dt.date(2026, 11, 13)
APPEND_DAYS = 3


def _server_order_breaks(raw: Path) -> pl.DataFrame:
    """The PLC events whose server_timestamp is not before the tag's next event's, in source
    order, over every load of the folder."""
    return (
        pl.scan_parquet(raw / "plc_tag_events" / "*.parquet")
        .sort("storage_location_id", "source_timestamp", "id")
        .with_columns(next_server=pl.col("server_timestamp").shift(-1).over("storage_location_id"))
        .filter(pl.col("server_timestamp") >= pl.col("next_server"))
        .collect()
    )


def _end_instant(raw: Path) -> dt.datetime:
    parameters = json.loads((raw / "_manifest.json").read_text(encoding="utf-8"))["parameters"]
    end = dt.date.fromisoformat(parameters["end_date"])
    return dt.datetime.combine(end, dt.time(23, 59, 59, 999_999), tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def raw_initial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plc_order") / "raw"
    argv = ["generate", "--scale", str(SCALE), "--seed", str(SEED)]
    assert cli.main([*argv, "--end-date", END_DATE.isoformat(), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def raw_with_append(raw_initial: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plc_order_append") / "raw"
    shutil.copytree(raw_initial, out)
    assert cli.main(["generate", "--out", str(out), "--append-days", str(APPEND_DAYS)]) == 0
    return out


def test_server_instants_keep_each_tags_order_and_stop_at_the_end() -> None:
    changes = pl.DataFrame(
        {
            # rows deliberately not in time order; tag 2's arrival and clear share an instant
            "pos_loc": [1, 2, 1, 2, 1, 2],
            "t": [10, 500, 0, 500, 990, 0],
            "clear": [True, True, False, False, False, False],
        }
    )
    latency = pl.Series([5, 7, 1_000, 3, 20, 9])
    got = with_server_instants(changes, latency, end=1_005).sort("pos_loc", "t", "clear")
    # tag 1: 0+1000, then 10+5 is raised to 1001, then 990+20 is cut to the end 1005
    # tag 2: 0+9, then the arrival at 500 (503) before the clear at 500 (507)
    assert got.rows() == [
        (1, 0, False, 1_000),
        (1, 10, True, 1_001),
        (1, 990, False, 1_005),
        (2, 0, False, 9),
        (2, 500, False, 503),
        (2, 500, True, 507),
    ]


def test_initial_load_has_no_server_order_inversion(raw_initial: Path) -> None:
    breaks = _server_order_breaks(raw_initial)
    assert breaks.height == 0, breaks.head(5)


def test_appended_loads_keep_the_server_order_across_loads(raw_with_append: Path) -> None:
    events = pl.read_parquet(raw_with_append / "plc_tag_events" / "*.parquet")
    assert events.filter(pl.col("load_id") == 1).height > 0
    breaks = _server_order_breaks(raw_with_append)
    assert breaks.height == 0, breaks.head(5)


@pytest.mark.parametrize("which", ["initial", "appended"])
def test_server_sees_every_event_after_the_plc_and_within_the_history(
    which: str, raw_initial: Path, raw_with_append: Path
) -> None:
    raw = raw_initial if which == "initial" else raw_with_append
    events = pl.read_parquet(raw / "plc_tag_events" / "*.parquet")
    assert (events["server_timestamp"] > events["source_timestamp"]).all()
    assert events["server_timestamp"].max() <= _end_instant(raw)
