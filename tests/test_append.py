"""Daily loads: ``plantledger generate --append-days N`` continues a raw folder (load 1, 2, ...).

The rules of the initial data hold after every append (tests/test_generator_consistency.py runs
them on ``raw_appended`` and ``raw_appended_twice`` too); here: files, manifest, load ids,
versions, late events, continuity with the existing state, determinism and errors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from plantledger import cli
from plantledger.generator.daily import LATE_DAYS, LATE_SHARE
from plantledger.rawfolder import MANIFEST_NAME, PENDING_NAME, Manifest
from plantledger.schema import EVENT_TABLES, KEYS, RAW_SCHEMAS, TABLES, VERSIONED_TABLES
from tests.cli_output import one_error_line
from tests.conftest import APPEND_DAYS, LATE_APPEND
from tests.raw_replay import entries, read, read_all, replayed_state

EVENT_TIME = {
    "supplier_receipts": "received_at",
    "sublot_movements": "moved_at",
    "material_transactions": "created_at",
    "plc_tag_events": "source_timestamp",
}


def _append(out: Path, days: int | str, *extra: str) -> int:
    return cli.main(["generate", "--out", str(out), "--append-days", str(days), "--quiet", *extra])


def _start(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), tzinfo=dt.UTC)


def _events(raw: Path, load_id: int) -> dict[str, pl.DataFrame]:
    """The event rows of one load with their event time as column ``t``."""
    out = {
        table: read_all(raw, table)
        .filter(pl.col("load_id") == load_id)
        .with_columns(t=pl.col(column))
        for table, column in EVENT_TIME.items()
    }
    shipped = read(raw, "shipments").select(pl.col("id").alias("shipment_id"), "shipped_at")
    out["shipment_sublots"] = (
        read_all(raw, "shipment_sublots")
        .filter(pl.col("load_id") == load_id)
        .join(shipped, on="shipment_id", how="left")
        .with_columns(t=pl.col("shipped_at"))
    )
    return out


# --- files and manifest ----------------------------------------------------------------------


def test_existing_files_are_never_modified(raw_small, raw_appended_twice):
    for table in TABLES:
        before = sorted((raw_small.path / table).glob("*.parquet"))
        after = sorted((raw_appended_twice.path / table).glob("*.parquet"))
        assert [p.name for p in after[: len(before)]] == [p.name for p in before], table
        for old, new in zip(before, after, strict=False):
            assert old.read_bytes() == new.read_bytes(), (table, old.name)
        # new part files continue the numbering, one per load that changed the table
        names = [p.name for p in after]
        assert names == [f"part-{i:05d}.parquet" for i in range(len(after))], table


def test_manifest_records_each_load(raw_small, raw_appended_twice):
    raw = raw_appended_twice.path
    manifest = Manifest.load(raw)
    loads = manifest.loads
    assert [(load["load_id"], load["kind"]) for load in loads] == [
        (0, "initial"),
        (1, "append"),
        (2, "append"),
    ]
    assert loads[0] == raw_small.manifest.loads[0]
    assert loads[0]["first_day"] == "2024-11-22" and loads[0]["last_day"] == "2026-11-21"
    for previous, load, days in zip(loads[:-1], loads[1:], APPEND_DAYS, strict=True):
        first = dt.date.fromisoformat(load["first_day"])
        assert first == dt.date.fromisoformat(previous["last_day"]) + dt.timedelta(days=1)
        assert load["days"] == days
        assert dt.date.fromisoformat(load["last_day"]) == first + dt.timedelta(days=days - 1)
    assert manifest.parameters == {
        "scale": raw_small.manifest.parameters["scale"],
        "seed": raw_small.manifest.parameters["seed"],
        "end_date": loads[-1]["last_day"],
    }
    for table in TABLES:
        frame = read_all(raw, table)
        entry = manifest.tables[table]
        assert entry.rows == frame.height == sum(load["rows"][table] for load in loads), table
        per_load = frame.group_by("load_id").agg(pl.len()).rows()
        assert dict(per_load) == {
            load["load_id"]: load["rows"][table] for load in loads if load["rows"][table]
        }, table
        files = sorted((raw / table).glob("part-*.parquet"))
        assert entry.files == len(files)
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.read_bytes())
        assert entry.sha256 == digest.hexdigest(), table
    assert not (raw / PENDING_NAME).exists()
    assert [p.name for p in raw.iterdir() if p.name.startswith(".")] == []


def test_every_row_carries_its_load(raw_appended_twice):
    raw = raw_appended_twice.path
    for table in TABLES:
        files = sorted((raw / table).glob("part-*.parquet"))
        loads = [set(pl.read_parquet(path)["load_id"].unique().to_list()) for path in files]
        assert all(len(found) == 1 for found in loads), table  # one load per file
        assert loads[0] == {0}, table
        assert sorted(next(iter(found)) for found in loads) == [
            next(iter(found)) for found in loads
        ], table


def test_keys_are_unique_within_a_load_and_events_are_never_repeated(raw_appended_twice):
    raw = raw_appended_twice.path
    for table in TABLES:
        frame = read_all(raw, table)
        key = list(KEYS[table])
        assert frame.select(*key, "load_id").is_duplicated().sum() == 0, table
        if table in EVENT_TABLES:
            assert frame.select(key).is_duplicated().sum() == 0, table


NUMBERS = {
    "work_orders": "wo_number",
    "orders": "order_number",
    "material_transactions": "transaction_number",
    "shipments": "shipment_number",
    "material_lots": "lot_code",
    "material_sublots": "sublot_code",
    "supplier_receipts": "receipt_number",
    "sublot_movements": "movement_number",
    "storage_locations": "location_code",
}


@pytest.mark.parametrize("table", list(NUMBERS))
def test_business_numbers_never_collide(raw_appended_twice, table):
    frame = read_all(raw_appended_twice.path, table).select("id", NUMBERS[table]).unique()
    assert frame["id"].is_duplicated().sum() == 0  # an id keeps its number in every version
    assert frame[NUMBERS[table]].is_duplicated().sum() == 0  # no number names two ids


def test_versions_are_changes_only(raw_appended_twice):
    """A versioned row is written again only when its content changed."""
    raw = raw_appended_twice.path
    rewritten = {}
    for table in VERSIONED_TABLES:
        frame = read_all(raw, table)
        key = list(KEYS[table])
        columns = [c for c in RAW_SCHEMAS[table] if c != "load_id"]
        same = frame.select(columns).is_duplicated().sum()
        assert same == 0, f"{table}: a version repeats an earlier one unchanged"
        rewritten[table] = frame.filter(pl.col(key[0]).is_duplicated()).height
    # what an append changes: sublots move and are consumed, work orders progress, orders
    # ship, stock on hand changes
    for table in ("material_sublots", "work_orders", "work_order_steps", "orders", "inventory"):
        assert rewritten[table] > 0, table
    for table in ("suppliers", "parts", "products", "facilities", "customers"):
        assert rewritten[table] == 0, table


# --- the appended data -----------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["raw_appended", "raw_appended_twice", "raw_appended_late"])
def test_replay_of_all_loads_gives_the_latest_versions(request, fixture):
    raw = request.getfixturevalue(fixture).path
    replay = replayed_state(entries(raw))
    stated = read(raw, "material_sublots").select(
        "id", "quantity", "storage_location_id", "facility_id", "status"
    )
    both = stated.join(replay, on="id", how="full", suffix="_replay", coalesce=True)
    for column in ("quantity", "storage_location_id", "facility_id", "status"):
        diff = both.filter(pl.col(column).ne_missing(pl.col(f"{column}_replay")))
        assert diff.height == 0, f"{column} differs for {diff.head(5).to_dicts()}"
    held = (
        both.filter(pl.col("quantity") > 0)
        .join(read(raw, "material_sublots").select("id", "part_id"), on="id")
        .filter(pl.col("part_id").is_not_null())
        .group_by("facility_id", "part_id")
        .agg(pl.col("quantity").sum().alias("held"))
    )
    inventory = read(raw, "inventory").join(
        held, on=["facility_id", "part_id"], how="full", coalesce=True
    )
    wrong = inventory.filter(
        pl.col("quantity_on_hand").fill_null(-1) != pl.col("held").fill_null(0)
    )
    assert wrong.height == 0, wrong.head(5).to_dicts()


def test_late_events_stay_within_the_lookback(raw_appended_twice):
    raw = raw_appended_twice.path
    for load in Manifest.load(raw).loads[1:]:
        start = _start(load["first_day"])
        end = _start(load["last_day"]) + dt.timedelta(days=1)
        events = _events(raw, load["load_id"])
        total = sum(frame.height for frame in events.values())
        late = sum(frame.filter(pl.col("t") < start).height for frame in events.values())
        earliest = min(frame["t"].min() for frame in events.values() if frame.height)
        latest = max(frame["t"].max() for frame in events.values() if frame.height)
        assert earliest >= start - dt.timedelta(days=LATE_DAYS), load["load_id"]
        assert latest < end
        assert late == load["late_events"]
        assert 1 <= late <= max(1, round(LATE_SHARE * total)) + 1, (late, total)
        # only receipts and movements come late: never transactions, shipments or PLC events
        for table in ("material_transactions", "shipment_sublots", "plc_tag_events"):
            assert events[table].filter(pl.col("t") < start).height == 0, table


@pytest.mark.parametrize("fixture", ["raw_appended_twice", "raw_appended_late"])
def test_late_events_keep_each_sublot_in_time_order(request, fixture):
    """A late event of an existing sublot comes after that sublot's events of earlier loads."""
    raw = request.getfixturevalue(fixture).path
    loads = Manifest.load(raw).loads
    moves = read_all(raw, "sublot_movements")
    for load in loads[1:]:
        k = load["load_id"]
        start = _start(load["first_day"])
        late = moves.filter((pl.col("load_id") == k) & (pl.col("moved_at") < start))
        before = (
            moves.filter(pl.col("load_id") < k)
            .group_by("material_sublot_id")
            .agg(pl.col("moved_at").max().alias("last_before"))
        )
        joined = late.join(before, on="material_sublot_id", how="inner")
        assert joined.filter(pl.col("moved_at") <= pl.col("last_before")).height == 0


def test_late_days_dates_late_events_up_to_that_many_days_back(raw_appended_late):
    """``--late-days 30``: late events older than the 3-day lookback, none older than 30 days;
    the load entry records the bound; the same kinds of events come late as by default."""
    raw = raw_appended_late.path
    days, late_days = LATE_APPEND
    load = Manifest.load(raw).loads[1]
    assert (load["days"], load["late_days"]) == (days, late_days)
    start = _start(load["first_day"])
    events = _events(raw, 1)
    late = {table: frame.filter(pl.col("t") < start) for table, frame in events.items()}
    assert sum(frame.height for frame in late.values()) == load["late_events"]
    earliest = min(frame["t"].min() for frame in late.values() if frame.height)
    assert start - dt.timedelta(days=late_days) <= earliest < start - dt.timedelta(days=LATE_DAYS)
    for table in ("material_transactions", "shipment_sublots", "plc_tag_events"):
        assert late[table].height == 0, table


def test_default_late_days_is_the_lookback(raw_small, raw_appended, tmp_path, snapshot):
    """``--late-days 3`` is the default: the same files and manifest as no option."""
    out = tmp_path / "raw"
    shutil.copytree(raw_small.path, out)
    assert _append(out, APPEND_DAYS[0], "--late-days", str(LATE_DAYS)) == 0
    assert snapshot(out) == snapshot(raw_appended.path)
    assert "late_days" not in Manifest.load(out).loads[1]


def test_late_days_append_is_deterministic(raw_small, raw_appended_late, tmp_path, snapshot):
    out = tmp_path / "raw"
    shutil.copytree(raw_small.path, out)
    assert _append(out, LATE_APPEND[0], "--late-days", str(LATE_APPEND[1])) == 0
    assert snapshot(out) == snapshot(raw_appended_late.path)


def test_appended_work_orders_consume_existing_stock_and_make_new_sublots(
    raw_small, raw_appended_twice
):
    raw = raw_appended_twice.path
    initial_ids = read_all(raw_small.path, "material_sublots")["id"].implode()
    mtx = read_all(raw, "material_transactions").filter(pl.col("load_id") > 0)
    issues = mtx.filter(pl.col("transaction_type") == "issue_to_wo")
    assert issues.filter(pl.col("material_sublot_id").is_in(initial_ids)).height > 0
    made = mtx.filter(pl.col("transaction_type") == "receipt_from_wo")
    assert (
        made.height > 0 and made.filter(pl.col("material_sublot_id").is_in(initial_ids)).is_empty()
    )
    # the new product sublots run the conveyors and are put away
    codes = read(raw, "material_sublots").filter(
        pl.col("id").is_in(made["material_sublot_id"].implode())
    )["sublot_code"]
    plc = read_all(raw, "plc_tag_events").filter(pl.col("load_id") > 0)
    assert plc.filter(pl.col("value").is_in(codes.implode())).height > 0
    moves = read_all(raw, "sublot_movements").filter(pl.col("load_id") > 0)
    putaway = moves.filter(
        (pl.col("movement_type") == "putaway")
        & pl.col("material_sublot_id").is_in(made["material_sublot_id"].implode())
    )
    assert putaway.height > 0
    # finished goods that existed before are shipped
    shipped = read_all(raw, "shipment_sublots").filter(pl.col("load_id") > 0)
    assert shipped.filter(pl.col("material_sublot_id").is_in(initial_ids)).height > 0
    # work orders that were open continue: new versions of work orders of load 0
    wos = read_all(raw, "work_orders")
    first = wos.filter(pl.col("load_id") == 0)
    later = wos.filter(pl.col("load_id") > 0)
    assert later.filter(pl.col("id").is_in(first["id"].implode())).height > 0  # continued
    assert later.filter(~pl.col("id").is_in(first["id"].implode())).height > 0  # new


def test_each_append_sets_up_a_location_its_moves_use(raw_appended_twice):
    raw = raw_appended_twice.path
    locations = read_all(raw, "storage_locations")
    moves = read_all(raw, "sublot_movements")
    for load in Manifest.load(raw).loads[1:]:
        k = load["load_id"]
        new = locations.filter(pl.col("load_id") == k)
        assert new.height >= 1
        assert new["location_code"].str.ends_with(f"/X{k:03d}-01").all()
        used = moves.filter(
            (pl.col("load_id") == k) & pl.col("to_location_id").is_in(new["id"].implode())
        )
        assert used.height > 0, k
        assert (used["moved_at"] >= new["created_at"].min()).all()


# --- determinism, failures, errors -------------------------------------------------------------


def test_append_is_deterministic(raw_small, tmp_path, snapshot):
    first, second = tmp_path / "a" / "raw", tmp_path / "b" / "raw"
    shutil.copytree(raw_small.path, first)
    shutil.copytree(raw_small.path, second)
    assert _append(first, 1) == 0
    assert _append(second, 1) == 0
    assert snapshot(first) == snapshot(second)
    assert snapshot(first) != snapshot(raw_small.path)


def test_appending_one_day_then_another_is_load_1_then_load_2(raw_small, tmp_path):
    out = tmp_path / "raw"
    shutil.copytree(raw_small.path, out)
    assert _append(out, 1) == 0
    assert _append(out, 1) == 0
    loads = Manifest.load(out).loads
    assert [(load["load_id"], load["first_day"], load["last_day"]) for load in loads[1:]] == [
        (1, "2026-11-22", "2026-11-22"),
        (2, "2026-11-23", "2026-11-23"),
    ]


def test_a_failed_append_leaves_the_folder_as_it_was(raw_small, tmp_path, monkeypatch, snapshot):
    out = tmp_path / "raw"
    shutil.copytree(raw_small.path, out)
    before = snapshot(out)
    real_write = pl.DataFrame.write_parquet
    calls = []

    def full_disk(self, file, *args, **kwargs):
        calls.append(file)
        if len(calls) > 3:
            raise OSError(28, "No space left on device", str(file))
        return real_write(self, file, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full_disk)
    assert _append(out, 1) == 2
    assert snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted([*TABLES, MANIFEST_NAME])


def test_a_failure_while_moving_files_in_is_rolled_back(raw_small, tmp_path, monkeypatch, snapshot):
    out = tmp_path / "raw"
    shutil.copytree(raw_small.path, out)
    before = snapshot(out)
    real_replace = os.replace
    moved = []

    def failing(source, target):
        if str(target).endswith(".parquet"):
            moved.append(target)
            if len(moved) == 4:
                raise OSError(5, "Input/output error", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing)
    assert _append(out, 1) == 2
    assert snapshot(out) == before


def test_what_a_killed_append_left_is_cleared(raw_small, tmp_path, snapshot):
    clean, out = tmp_path / "clean", tmp_path / "raw"
    shutil.copytree(raw_small.path, clean)
    shutil.copytree(raw_small.path, out)
    assert _append(clean, 1) == 0
    # killed after moving one new file in, before writing the manifest
    dead = 2**31 - 1
    stray = out / "orders" / "part-00001.parquet"
    shutil.copy(out / "orders" / "part-00000.parquet", stray)
    (out / f".append-tmp-{dead}").mkdir()
    record = {"pid": dead, "load_id": 1, "files": ["orders/part-00001.parquet"]}
    (out / PENDING_NAME).write_text(json.dumps(record))
    assert _append(out, 1) == 0
    assert snapshot(out) == snapshot(clean)


def test_changed_files_are_refused(raw_small, tmp_path, capsys, snapshot):
    out = tmp_path / "raw"
    shutil.copytree(raw_small.path, out)
    shutil.copy(out / "orders" / "part-00000.parquet", out / "orders" / "part-00001.parquet")
    before = snapshot(out)
    assert _append(out, 1) == 2
    assert "do not match its _manifest.json" in one_error_line(capsys)
    assert snapshot(out) == before


BAD_DAYS = ["0", "-1", "abc", "1.5", "400"]  # "" : tests/test_bad_inputs.py (blank options)


@pytest.mark.parametrize("days", BAD_DAYS)
def test_bad_day_count_is_one_line(raw_small, tmp_path, capsys, days, snapshot):
    out = tmp_path / "raw"
    shutil.copytree(raw_small.path, out)
    before = snapshot(out)
    assert _append(out, days) == 2
    assert "--append-days must be a whole number of days" in one_error_line(capsys)
    assert snapshot(out) == before


@pytest.mark.parametrize("late_days", ["0", "-3", "x", "2.5", "367"])
def test_bad_late_days_is_one_line(raw_small, tmp_path, capsys, late_days, snapshot):
    out = tmp_path / "raw"
    shutil.copytree(raw_small.path, out)
    before = snapshot(out)
    assert _append(out, 1, "--late-days", late_days) == 2
    assert "--late-days must be a whole number of days" in one_error_line(capsys)
    assert snapshot(out) == before


def test_late_days_without_append_days_is_one_line(tmp_path, capsys):
    out = tmp_path / "raw"
    assert cli.main(["generate", "--out", str(out), "--late-days", "30", "--quiet"]) == 2
    assert "use it with --append-days N" in one_error_line(capsys)
    assert not out.exists()


@pytest.mark.parametrize(
    "extra",
    [
        ["--scale", "0.01"],
        ["--seed", "7"],
        ["--end-date", "2026-11-21"],
        ["--faults", "0.01"],
        ["--seed", "7", "--scale", "1"],
    ],
)
def test_generation_options_conflict_with_append(raw_small, tmp_path, capsys, extra, snapshot):
    out = tmp_path / "raw"
    shutil.copytree(raw_small.path, out)
    before = snapshot(out)
    assert _append(out, 1, *extra) == 2
    line = one_error_line(capsys)
    assert "--append-days continues the folder" in line
    assert all(option in line for option in extra if option.startswith("--"))
    assert snapshot(out) == before


def test_a_folder_with_injected_faults_is_one_line(raw_faulty, tmp_path, capsys, snapshot):
    # the append continues the state of clean data; faulty rows would feed it impossible stock
    out = tmp_path / "raw"
    shutil.copytree(raw_faulty.path, out)
    before = snapshot(out)
    assert _append(out, 1) == 2
    line = one_error_line(capsys)
    assert "injected faults" in line and "without --faults" in line
    assert snapshot(out) == before


def test_no_folder_or_no_manifest_is_one_line(tmp_path, capsys):
    assert _append(tmp_path / "missing", 1) == 2
    assert "is not a raw data folder to append to" in one_error_line(capsys)
    (tmp_path / "empty").mkdir()
    assert _append(tmp_path / "empty", 1) == 2
    line = one_error_line(capsys)
    assert "has no _manifest.json" in line and "plantledger generate" in line
    assert list((tmp_path / "empty").iterdir()) == []


def test_a_folder_of_another_generator_version_is_one_line(raw_small, tmp_path, capsys, snapshot):
    out = tmp_path / "raw"
    shutil.copytree(raw_small.path, out)
    data = json.loads((out / MANIFEST_NAME).read_text())
    data["format"] = 1
    del data["loads"]
    (out / MANIFEST_NAME).write_text(json.dumps(data))
    before = snapshot(out)
    assert _append(out, 1) == 2
    assert "another version of the generator" in one_error_line(capsys)
    assert snapshot(out) == before
    (out / MANIFEST_NAME).write_text("{not json")
    assert _append(out, 1) == 2
    assert "is not a plantledger manifest" in one_error_line(capsys)


def test_append_reports_one_line(raw_small, tmp_path, capsys):
    out = tmp_path / "raw"
    shutil.copytree(raw_small.path, out)
    assert cli.main(["generate", "--out", str(out), "--append-days", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Appended load 1: 2026-11-22 to 2026-11-22 (1 day), ")
    assert "late events" in captured.err and "end_date is now 2026-11-22" in captured.err


def test_validate_passes_after_appends(raw_appended_twice, tmp_path):
    from plantledger.quality.validate import validate

    report = validate(raw_appended_twice.path, tmp_path / "docs")
    assert [f.check.id for f in report.failed] == []
    assert report.exit_code == 0
    # keys of versioned tables are checked per load
    ids = {f.check.id for f in report.findings}
    assert "material_sublots.id+load_id.unique" in ids
    assert "sublot_movements.id.unique" in ids


def test_same_parameters_as_the_manifest(raw_small, raw_appended):
    params = dataclasses.replace(raw_small.params, end_date=dt.date(2026, 11, 26))
    assert raw_appended.manifest.parameters == {
        "scale": params.scale,
        "seed": params.seed,
        "end_date": params.end_date.isoformat(),
    }


# --- conveyors across a load boundary ------------------------------------------------------------


def test_conveyor_sublots_continue_from_where_they_are():
    """A sublot at a position when the window starts leaves it with the window's first tag
    change there (its arrival is an old PLC event), one waiting on the line enters the next
    position, and new product sublots queue behind: the PLC tag changes, read with the design's
    rules together with the old arrival, give exactly the generator's conveyor moves."""
    import numpy as np

    from plantledger.generator.logistics import conveyor_events, simulate_conveyors
    from plantledger.generator.plc import plc_changes
    from tests.raw_replay import conveyor_moves

    ws = 1_800_000_000_000_000
    line, positions = 100, [101, 102, 103]
    pos = pl.DataFrame(
        {
            "line_loc": [line] * 3,
            "pos_loc": positions,
            "seq": [1, 2, 3],
            "median_s": [60.0, 600.0, 60.0],
        },
        schema_overrides={"line_loc": pl.Int64, "pos_loc": pl.Int64, "seq": pl.Int64},
    )
    entrants = pl.DataFrame(
        {
            "sublot_key": [1, 2, 3, 4],
            "line_loc": [line] * 4,
            "first_seq": [2, 2, 1, 1],  # 1 at P2; 2 left P1, waits for P2; 3 and 4 are new
            "a": [ws, ws + 5_000_000, ws + 10_000_000, ws + 11_000_000],
            "prio": [0, 1, 2, 2],
            "pre": [True, False, False, False],
        },
        schema_overrides={"sublot_key": pl.Int64, "first_seq": pl.Int64, "prio": pl.Int64},
    )
    stays = simulate_conveyors(entrants, pos, np.random.default_rng(3))
    end = ws + 86_400_000_000
    moves = conveyor_events(stays).filter(pl.col("t") <= end)
    # sublot 1 never arrives at P2 again; it leaves P2 first of all at P2
    assert moves.filter((pl.col("sublot_key") == 1) & (pl.col("to_loc") == 102)).is_empty()
    at_p2 = stays.filter(pl.col("pos_loc") == 102).sort("enter_us")
    assert at_p2["sublot_key"].to_list()[0] == 1 and at_p2["leave_us"][0] >= ws
    # FIFO at every position: a sublot enters after the previous one left
    for _, group in stays.sort("enter_us").group_by("pos_loc"):
        g = group.sort("enter_us")
        assert (g["enter_us"][1:] >= g["leave_us"][:-1]).all()

    codes = {1: "SL-000000001", 2: "SL-000000002", 3: "SL-000000003", 4: "SL-000000004"}
    changes = plc_changes(stays, end).sort("t", "pos_loc", "clear")
    old = pl.DataFrame(  # what load 0 left: sublot 1 arrived at P2 an hour before the window
        {
            "id": [1],
            "storage_location_id": [102],
            "value": [codes[1]],
            "source_timestamp": [ws - 3_600_000_000],
        }
    )
    new = changes.with_row_index("id", offset=2).select(
        pl.col("id").cast(pl.Int64),
        storage_location_id="pos_loc",
        value=pl.when(pl.col("clear"))
        .then(pl.lit(None, pl.String))
        .otherwise(pl.col("sublot_key").replace_strict(codes, return_dtype=pl.String)),
        source_timestamp="t",
    )
    plc = pl.concat([old, new], how="vertical_relaxed").with_columns(
        pl.from_epoch("source_timestamp", time_unit="us")
    )
    locations = pl.DataFrame(
        {"id": positions, "parent_location_id": [line] * 3},
        schema_overrides={"id": pl.Int64, "parent_location_id": pl.Int64},
    )
    replayed = (
        conveyor_moves(plc, locations)
        .with_columns(pl.col("t").dt.epoch("us"))
        .filter(pl.col("t") >= ws)
        .select(
            sublot_key=pl.col("sublot_code").str.slice(3).cast(pl.Int64),
            t="t",
            from_loc=pl.col("from_loc").cast(pl.Int64),
            to_loc=pl.col("to_loc").cast(pl.Int64),
        )
        .sort("sublot_key", "t", "to_loc")
    )
    generated = moves.select("sublot_key", "t", "from_loc", "to_loc").sort(
        "sublot_key", "t", "to_loc"
    )
    assert replayed.to_dicts() == generated.to_dicts()
