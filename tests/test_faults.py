"""Fault injection: the manifest's record matches the data exactly, and clean rows are untouched.

``raw_faulty`` is ``raw_small`` regenerated with every fault kind at rate 0.02, so every table can
be compared with its clean twin: nothing may be lost or invented beyond what the manifest says.
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from plantledger import cli, generate
from plantledger.faults import ADDED, DUPLICATED, KINDS, REMOVED, REORDERED, parse_faults
from plantledger.params import ParameterError
from plantledger.rawfolder import Manifest
from plantledger.schema import RAW_SCHEMAS, TABLES
from tests.conftest import FAULTY_SPEC

RATE = float(FAULTY_SPEC)
NUMBERS = {
    "sublot_movements": ("movement_number", r"^MV-\d{9}$"),
    "material_transactions": ("transaction_number", r"^MTX-\d{4}-\d{5,}$"),
    "supplier_receipts": ("receipt_number", r"^GR-\d{8}$"),
}


def read(raw, table: str) -> pl.DataFrame:
    return pl.read_parquet(sorted((raw / table).glob("*.parquet")))


def faults_of(manifest: Manifest) -> dict:
    assert manifest.faults is not None
    return manifest.faults["kinds"]


def ids_of(manifest: Manifest, kind: str, table: str) -> list[int]:
    return faults_of(manifest)[kind]["tables"][table]["ids"]


def added_rows(raw, manifest: Manifest, kind: str, table: str, clean) -> pl.DataFrame:
    """The added rows of ``kind`` beside the clean rows they were copied from (suffix _src)."""
    entry = faults_of(manifest)[kind]["tables"][table]
    pairs = pl.DataFrame({"id": entry["ids"], "_from": entry["copied_from"]})
    rows = read(raw, table).join(pairs, on="id", how="inner")
    assert rows.height == entry["count"] > 0
    return rows.join(read(clean, table), left_on="_from", right_on="id", suffix="_src")


def changed_columns(rows: pl.DataFrame, table: str) -> set[str]:
    changed = set()
    for column in RAW_SCHEMAS[table]:
        if column != "id" and not rows[column].eq_missing(rows[f"{column}_src"]).all():
            changed.add(column)
    return changed


# --- the specification -------------------------------------------------------------------------


def test_parse_faults_forms():
    assert parse_faults("0.05").rates == dict.fromkeys(KINDS, 0.05)
    assert parse_faults("all").rates == dict.fromkeys(KINDS, 0.01)
    spec = parse_faults("plc_out_of_order, duplicate_events=0.2")
    assert spec.rates == {"duplicate_events": 0.2, "plc_out_of_order": 0.01}  # in KINDS order


BAD_FAULTS = {
    "unknown kind": ("duplicates", "unknown fault kind 'duplicates'"),
    "empty": ("", "--faults is empty"),
    "zero rate": ("0", "greater than 0 and at most 1"),
    "rate above 1": ("1.5", "greater than 0 and at most 1"),
    "negative rate": ("-0.1", "greater than 0 and at most 1"),
    "nan rate": ("bad_quantity=nan", "greater than 0 and at most 1"),
    "text rate": ("bad_quantity=lots", "must be a number such as 0.01"),
    "kind twice": ("bad_quantity,bad_quantity=0.1", "names bad_quantity twice"),
    "empty item": ("bad_quantity,,", "unknown fault kind '(empty)'"),
}


@pytest.mark.parametrize("spec, message", BAD_FAULTS.values(), ids=BAD_FAULTS.keys())
def test_bad_faults_is_one_line_exit_2_before_generating(
    tmp_path, capsys, monkeypatch, spec, message
):
    def forbidden(params):
        raise AssertionError("the generator was started despite bad input")
        yield  # pragma: no cover

    monkeypatch.setattr(generate, "generate_pieces", forbidden)
    out = tmp_path / "raw"
    assert cli.main(["generate", "--out", str(out), f"--faults={spec}"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == "" and len(lines) == 1, captured.err
    assert lines[0].startswith("plantledger: error: --faults")
    assert message in lines[0]
    assert not out.exists()
    with pytest.raises(ParameterError):
        parse_faults(spec)


# --- the record against the data ---------------------------------------------------------------


def test_manifest_records_every_kind_at_its_rate(raw_faulty, raw_small):
    kinds = faults_of(raw_faulty.manifest)
    assert raw_faulty.manifest.faults["spec"] == FAULTY_SPEC
    assert list(kinds) == list(KINDS)
    for kind, entry in kinds.items():
        assert entry["rate"] == RATE and entry["rows"] == KINDS[kind].rows
        assert set(entry["tables"]) == set(KINDS[kind].tables)
        assert entry["count"] == sum(t["count"] for t in entry["tables"].values())
        for table, item in entry["tables"].items():
            assert item["count"] == len(item["ids"]) == len(set(item["ids"])), (kind, table)
            assert item["eligible"] > 0, (kind, table)
            pieces = raw_small.manifest.tables[table].files  # rounding happens per piece
            expected = RATE * item["eligible"]
            low = 1 if kind == "plc_out_of_order" else max(1, math.floor(expected) - pieces + 1)
            assert low <= item["count"] <= max(1, math.ceil(expected) + pieces - 1), (kind, table)
            if KINDS[kind].rows == ADDED:
                assert len(item["copied_from"]) == item["count"]


def test_rows_add_up_and_other_tables_are_untouched(raw_faulty, raw_small):
    """faulty rows = clean rows + added + duplicated - removed, table by table."""
    delta = dict.fromkeys(TABLES, 0)
    for kind, entry in faults_of(raw_faulty.manifest).items():
        sign = {ADDED: 1, DUPLICATED: 1, REMOVED: -1, REORDERED: 0}[KINDS[kind].rows]
        for table, item in entry["tables"].items():
            delta[table] += sign * item["count"]
    for table in TABLES:
        faulty, clean = raw_faulty.manifest.tables[table], raw_small.manifest.tables[table]
        assert faulty.rows == clean.rows + delta[table] == read(raw_faulty.path, table).height
        if not any(table in kind.tables for kind in KINDS.values()):
            assert faulty.sha256 == clean.sha256, table


def test_clean_rows_are_all_kept_unchanged(raw_faulty, raw_small):
    """Removing added rows and duplicates, and putting back removed ones, gives the clean table
    (PLC events moved out of order differ in server_timestamp only)."""
    faults = faults_of(raw_faulty.manifest)
    for table in ("sublot_movements", "material_transactions", "supplier_receipts", PLC):
        added = [
            i
            for k, e in faults.items()
            if e["rows"] == ADDED
            for i in e["tables"].get(table, {}).get("ids", [])
        ]
        removed = ids_of(raw_faulty.manifest, "plc_missing_nil", PLC) if table == PLC else []
        faulty = (
            read(raw_faulty.path, table)
            .filter(~pl.col("id").is_in(added))
            .unique(maintain_order=True)
        )
        clean = read(raw_small.path, table).filter(~pl.col("id").is_in(removed))
        assert faulty["id"].is_unique().all()
        faulty, clean = faulty.sort("id"), clean.sort("id")
        if table == PLC:
            reordered = pl.col("id").is_in(ids_of(raw_faulty.manifest, "plc_out_of_order", PLC))
            moved = faulty.filter(reordered)
            assert (moved["server_timestamp"] > clean.filter(reordered)["server_timestamp"]).all()
            faulty, clean = faulty.drop("server_timestamp"), clean.drop("server_timestamp")
        assert faulty.equals(clean), table


PLC = "plc_tag_events"


def test_duplicates_are_exact_copies_right_after_the_original(raw_faulty):
    for table in KINDS["duplicate_events"].tables:
        frame = read(raw_faulty.path, table)
        ids = ids_of(raw_faulty.manifest, "duplicate_events", table)
        counts = frame["id"].value_counts().filter(pl.col("count") > 1)
        assert sorted(counts["id"].to_list()) == sorted(ids)
        assert counts["count"].max() == 2
        assert frame.unique().height == frame.height - len(ids)  # exact copies
        if table != PLC:  # PLC rows may move later on their own (plc_out_of_order)
            position = frame.with_row_index("pos").filter(pl.col("id").is_in(ids))
            gaps = position.group_by("id").agg(pl.col("pos").max() - pl.col("pos").min())
            assert (gaps["pos"] == 1).all()


def test_added_rows_carry_exactly_one_defect(raw_faulty, raw_small):
    raw, clean = raw_faulty.path, raw_small.path
    end = raw_faulty.params.end_instant()
    sublots = read(clean, "material_sublots")["id"].to_list()
    locations = read(clean, "storage_locations")["id"].to_list()
    work_orders = read(clean, "work_orders")["id"].to_list()

    def check(kind: str, table: str, allowed: set[str]) -> pl.DataFrame:
        rows = added_rows(raw, raw_faulty.manifest, kind, table, clean)
        number = {NUMBERS[table][0]} if table in NUMBERS else set()
        assert changed_columns(rows, table) <= allowed | number, (kind, table)
        if table in NUMBERS:
            column, pattern = NUMBERS[table]
            assert rows[column].str.contains(pattern).all()
            assert not rows[column].is_in(read(clean, table)[column].to_list()).any()
        return rows

    rows = check("unknown_sublot", "sublot_movements", {"material_sublot_id"})
    assert not rows["material_sublot_id"].is_in(sublots).any()
    rows = check("unknown_location", "sublot_movements", {"from_location_id", "to_location_id"})
    unknown = (~rows["from_location_id"].is_in(locations)).cast(pl.Int8) + (
        ~rows["to_location_id"].is_in(locations)
    ).cast(pl.Int8)
    assert (unknown == 1).all()
    for table in KINDS["bad_quantity"].tables:
        rows = check("bad_quantity", table, {"quantity"})
        assert (rows["quantity"] <= 0).all()
    for table in KINDS["future_timestamp"].tables:
        times = {"source_timestamp", "server_timestamp"} if table == PLC else set()
        column = {"sublot_movements": "moved_at", "material_transactions": "created_at"}.get(
            table, "received_at" if table == "supplier_receipts" else "source_timestamp"
        )
        rows = check("future_timestamp", table, times | {column})
        assert (rows[column] > end).all()
        assert (rows[column] <= end + dt.timedelta(days=30)).all()
    rows = check(
        "missing_work_order", "material_transactions", {"work_order_id", "reference_number"}
    )
    assert not rows["work_order_id"].is_in(work_orders).any()
    assert rows["reference_number"].str.contains(r"^WO-\d{4}-\d{5,}$").all()
    rows = check("over_quantity", "sublot_movements", {"quantity", "moved_at"})
    assert (rows["quantity"] > rows["quantity_src"]).all()
    assert (rows["moved_at_src"] - rows["moved_at"] == dt.timedelta(microseconds=1)).all()
    assert (
        rows["movement_type"].is_in(["putaway", "bin_transfer", "replenish_to_line", "pick"]).all()
    )


def test_repeated_values_repeat_the_current_value_before_the_next_change(raw_faulty, raw_small):
    rows = added_rows(
        raw_faulty.path, raw_faulty.manifest, "plc_repeated_values", PLC, raw_small.path
    )
    assert changed_columns(rows, PLC) <= {"source_timestamp", "server_timestamp"}
    assert (rows["source_timestamp"] > rows["source_timestamp_src"]).all()
    clean = read(raw_small.path, PLC).sort("storage_location_id", "source_timestamp", "id")
    following = clean.with_columns(
        next_ts=pl.col("source_timestamp").shift(-1).over("storage_location_id")
    ).select("id", "next_ts")
    rows = rows.join(following, left_on="_from", right_on="id")
    assert (rows["source_timestamp"] < rows["next_ts"]).all()


def test_missing_nils_are_dropped_where_the_sublot_moves_on(raw_faulty, raw_small):
    removed = ids_of(raw_faulty.manifest, "plc_missing_nil", PLC)
    assert not read(raw_faulty.path, PLC)["id"].is_in(removed).any()
    clean = read(raw_small.path, PLC).sort("storage_location_id", "source_timestamp", "id")
    clean = clean.with_columns(prev=pl.col("value").shift(1).over("storage_location_id"))
    nils = clean.filter(pl.col("id").is_in(removed))
    assert nils["value"].is_null().all() and nils["prev"].is_not_null().all()
    arrivals = clean.select(
        prev="value", source_timestamp="source_timestamp", to="storage_location_id"
    )
    moved = nils.join(arrivals, on=["prev", "source_timestamp"]).filter(
        pl.col("to") != pl.col("storage_location_id")
    )
    assert set(moved["id"]) == set(removed)


def test_out_of_order_events_arrive_late_and_are_seen_late(raw_faulty, raw_small):
    reordered = ids_of(raw_faulty.manifest, "plc_out_of_order", PLC)
    faulty = read(raw_faulty.path, PLC)
    added = faults_of(raw_faulty.manifest)
    extra = [
        i
        for k in ("plc_repeated_values", "future_timestamp")
        for i in added[k]["tables"][PLC]["ids"]
    ]
    real = faulty.filter(~pl.col("id").is_in(extra))
    # exactly the reordered events sit after an event with a larger id; the rest is in id order
    # (a duplicate stays where its original was, so it is not behind)
    behind = real.filter(pl.col("id") < pl.col("id").cum_max().shift(1))
    assert sorted(behind["id"]) == sorted(reordered)
    real = real.unique(maintain_order=True)
    by_source = real.sort("storage_location_id", "source_timestamp", "id").with_columns(
        next_server=pl.col("server_timestamp").shift(-1).over("storage_location_id")
    )
    late = by_source.filter(pl.col("id").is_in(reordered))
    assert (
        late["server_timestamp"] > late["next_server"]
    ).all()  # the server saw it after the next


def test_faulty_generation_is_deterministic_through_the_cli(tmp_path, raw_faulty, snapshot):
    out = tmp_path / "raw"
    argv = ["generate", "--scale", "0.01", "--seed", "7", "--end-date", "2026-11-21", "--quiet"]
    assert cli.main([*argv, "--out", str(out), "--faults", FAULTY_SPEC]) == 0
    assert Manifest.load(out) == raw_faulty.manifest
    assert snapshot(out) == snapshot(raw_faulty.path)


def test_named_kinds_only_touch_their_tables(tmp_path, raw_small, capsys):
    out = tmp_path / "raw"
    argv = ["generate", "--scale", "0.01", "--seed", "7", "--end-date", "2026-11-21"]
    assert cli.main([*argv, "--out", str(out), "--faults", "plc_missing_nil,bad_quantity=0.1"]) == 0
    assert "Injected faults (plc_missing_nil " in capsys.readouterr().err
    manifest = Manifest.load(out)
    kinds = faults_of(manifest)
    assert list(kinds) == ["plc_missing_nil", "bad_quantity"]
    assert kinds["plc_missing_nil"]["rate"] == 0.01 and kinds["bad_quantity"]["rate"] == 0.1
    touched = {"plc_tag_events", "sublot_movements", "material_transactions"}
    for table in TABLES:
        same = manifest.tables[table].sha256 == raw_small.manifest.tables[table].sha256
        assert same == (table not in touched), table
    # a clean generation has no faults key at all
    assert "faults" not in raw_small.manifest.to_dict()
