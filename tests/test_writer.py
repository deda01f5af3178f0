"""The raw writer: layout, manifest, content hashes, atomic replacement and failure handling."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

import plantledger
from plantledger.params import GenerationParams, ParameterError
from plantledger.progress import RichProgress
from plantledger.rawfolder import MANIFEST_NAME, Manifest, RawFolder
from plantledger.schema import RAW_SCHEMAS, TABLES
from plantledger.writer import write_raw

END = dt.date(2026, 11, 21)


def _params(out: Path, seed: int = 3, scale: float = 0.5) -> GenerationParams:
    return GenerationParams(scale=scale, seed=seed, end_date=END, out=out)


def _siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f"{out.name}."))


def test_layout_and_manifest(tmp_path, fake_pieces):
    out = tmp_path / "raw"
    manifest = write_raw(_params(out), fake_pieces(rows=6))

    assert sorted(p.name for p in out.iterdir()) == sorted([*TABLES, MANIFEST_NAME])
    for table in TABLES:
        files = sorted(p.name for p in (out / table).iterdir())
        expected = 2 if table in ("orders", "material_transactions", "plc_tag_events") else 1
        assert files == [f"part-{i:05d}.parquet" for i in range(expected)]
        entry = manifest.tables[table]
        assert (entry.rows, entry.files) == (6, expected)
        assert entry.columns == {c: str(t) for c, t in RAW_SCHEMAS[table].items()}

    on_disk = json.loads((out / MANIFEST_NAME).read_text())
    assert on_disk == manifest.to_dict()
    assert Manifest.load(out) == manifest
    assert on_disk["generator_version"] == plantledger.__version__
    assert on_disk["parameters"] == {"scale": 0.5, "seed": 3, "end_date": "2026-11-21"}
    assert list(on_disk["tables"]) == list(TABLES)
    assert set(on_disk) == {"format", "generator_version", "parameters", "tables", "loads"}
    assert on_disk["format"] == 2
    assert on_disk["loads"] == [  # load 0 covers the two years; no wall-clock time anywhere
        {
            "load_id": 0,
            "kind": "initial",
            "first_day": "2024-11-22",
            "last_day": "2026-11-21",
            "days": 730,
            "rows": dict.fromkeys(TABLES, 6),
            "late_events": 0,
        }
    ]
    assert manifest.total_rows == 6 * len(TABLES)
    assert _siblings(out) == []


def test_files_hold_the_pieces_in_order(tmp_path, fake_pieces):
    out = tmp_path / "raw"
    pieces = list(fake_pieces(rows=7, seed=1))
    write_raw(_params(out), iter(pieces))
    for table in TABLES:
        expected = pl.concat([frame for name, frame in pieces if name == table])
        parts = sorted((out / table).glob("part-*.parquet"))
        got = pl.concat([pl.read_parquet(p) for p in parts])
        assert got.schema == pl.Schema(RAW_SCHEMAS[table])
        assert got.equals(expected)


def test_hash_is_sha256_of_the_files_in_order(tmp_path, fake_pieces):
    out = tmp_path / "raw"
    manifest = write_raw(_params(out), fake_pieces())
    for table in TABLES:
        digest = hashlib.sha256()
        for part in sorted((out / table).glob("part-*.parquet")):
            digest.update(part.read_bytes())
        assert manifest.tables[table].sha256 == digest.hexdigest()


def test_same_input_gives_identical_files_and_manifest(tmp_path, fake_pieces, snapshot):
    first, second = tmp_path / "a" / "raw", tmp_path / "b" / "raw"
    write_raw(_params(first), fake_pieces(rows=9, seed=5))
    write_raw(_params(second), fake_pieces(rows=9, seed=5))
    assert snapshot(first) == snapshot(second)  # includes _manifest.json, byte for byte


def test_different_data_gives_different_hashes(tmp_path, fake_pieces):
    one = write_raw(_params(tmp_path / "a"), fake_pieces(rows=4, seed=1))
    two = write_raw(_params(tmp_path / "b"), fake_pieces(rows=4, seed=2))
    for table in TABLES:
        assert one.tables[table].rows == two.tables[table].rows
        assert one.tables[table].sha256 != two.tables[table].sha256


def test_replaces_previous_output_atomically(tmp_path, fake_pieces):
    out = tmp_path / "raw"
    write_raw(_params(out, seed=1), fake_pieces(rows=3, seed=1))
    (out / "stray.txt").write_text("from the old output")
    manifest = write_raw(_params(out, seed=2), fake_pieces(rows=8, seed=2))
    assert Manifest.load(out) == manifest
    assert manifest.parameters["seed"] == 2
    assert not (out / "stray.txt").exists()
    assert pl.read_parquet(out / "suppliers" / "part-00000.parquet").height == 8
    assert _siblings(out) == []


@pytest.mark.parametrize("fail_after", [0, 1, 10, len(TABLES) + 1])
def test_failure_leaves_old_output_untouched(tmp_path, fake_pieces, snapshot, fail_after):
    out = tmp_path / "raw"
    write_raw(_params(out), fake_pieces(rows=3))
    before = snapshot(out)
    with pytest.raises(RuntimeError, match="mid-way"):
        write_raw(_params(out, seed=9), fake_pieces(rows=5, seed=9, fail_after=fail_after))
    assert snapshot(out) == before
    assert _siblings(out) == []


def test_failure_without_old_output_leaves_nothing(tmp_path, fake_pieces):
    out = tmp_path / "raw"
    with pytest.raises(RuntimeError):
        write_raw(_params(out), fake_pieces(fail_after=4))
    assert not out.exists()
    assert _siblings(out) == []


def test_missing_table_fails_loudly(tmp_path, fake_pieces, snapshot):
    out = tmp_path / "raw"
    write_raw(_params(out), fake_pieces())
    before = snapshot(out)
    with pytest.raises(ValueError, match="no piece for table.*bill_of_materials.*plc_tag_events"):
        write_raw(_params(out), fake_pieces(skip={"bill_of_materials", "plc_tag_events"}))
    assert snapshot(out) == before
    assert _siblings(out) == []


def test_empty_piece_is_a_written_empty_table(tmp_path, fake_pieces):
    def pieces():
        for table, frame in fake_pieces():
            yield table, frame.clear() if table == "plc_tag_events" else frame

    manifest = write_raw(_params(tmp_path / "raw"), pieces())
    assert manifest.tables["plc_tag_events"].rows == 0
    assert manifest.tables["plc_tag_events"].files == 2
    empty = pl.read_parquet(tmp_path / "raw" / "plc_tag_events" / "part-00000.parquet")
    assert empty.height == 0
    assert empty.schema == pl.Schema(RAW_SCHEMAS["plc_tag_events"])


def test_piece_off_contract_is_rejected(tmp_path, fake_pieces):
    def wrong_type():
        for table, frame in fake_pieces():
            if table == "parts":
                frame = frame.with_columns(pl.col("id").cast(pl.Int32))
            yield table, frame

    with pytest.raises(ValueError, match="parts: piece schema"):
        write_raw(_params(tmp_path / "raw"), wrong_type())
    assert not (tmp_path / "raw").exists()


def test_unknown_table_is_rejected(tmp_path, fake_pieces):
    def extra():
        yield from fake_pieces()
        yield "not_a_table", pl.DataFrame({"id": [1]})

    with pytest.raises(ValueError, match="unknown table 'not_a_table'"):
        write_raw(_params(tmp_path / "raw"), extra())
    assert not (tmp_path / "raw").exists()


def test_refuses_to_replace_a_folder_that_is_no_output(tmp_path, fake_pieces, snapshot):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("precious")
    with pytest.raises(ParameterError, match="not replaced"):
        write_raw(_params(out), fake_pieces())
    assert snapshot(out) == {"notes.txt": b"precious"}


def test_an_empty_existing_folder_is_used(tmp_path, fake_pieces):
    out = tmp_path / "raw"
    out.mkdir()
    write_raw(_params(out), fake_pieces())
    assert (out / MANIFEST_NAME).is_file()


def test_refuses_a_file(tmp_path, fake_pieces):
    out = tmp_path / "raw"
    out.write_text("a file")
    with pytest.raises(ParameterError, match="existing file"):
        write_raw(_params(out), fake_pieces())
    assert out.read_text() == "a file"


def test_pieces_start_only_after_the_temporary_folder_exists(tmp_path, fake_pieces):
    out = tmp_path / "raw"
    started = []

    def pieces():
        started.append(out.with_name(f"raw.tmp-{os.getpid()}").is_dir())
        yield from fake_pieces()

    write_raw(_params(out), pieces())
    assert started == [True]

    started.clear()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ParameterError):
        write_raw(_params(blocker), pieces())
    assert started == []  # a bad output is reported before any generation work


def test_leftovers_of_a_killed_run_are_cleared(tmp_path, fake_pieces):
    out = tmp_path / "raw"
    dead = 2**31 - 1  # above any Linux pid_max
    stale_tmp = tmp_path / f"raw.tmp-{dead}"
    (stale_tmp / "suppliers").mkdir(parents=True)
    write_raw(_params(out), fake_pieces())
    assert not stale_tmp.exists()

    # killed between renaming the old output aside and renaming the new one in
    old = tmp_path / f"raw.old-{dead}"
    out.rename(old)
    previous = Manifest.load(old)
    with pytest.raises(RuntimeError):
        write_raw(_params(out), fake_pieces(fail_after=2))
    assert Manifest.load(out) == previous
    assert _siblings(out) == []


def test_rich_progress_reports_tables_and_rate(tmp_path, fake_pieces):
    buffer = io.StringIO()
    progress = RichProgress(Console(file=buffer, width=120, force_terminal=False))
    write_raw(_params(tmp_path / "raw"), fake_pieces(rows=4), progress)
    text = buffer.getvalue()
    for table in TABLES:
        assert f" {table} " in text
    assert "Wrote 108 rows in 27 tables" in text
    assert "rows/s" in text


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    splits=st.lists(
        st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=3),
        min_size=len(TABLES),
        max_size=len(TABLES),
    )
)
def test_any_piece_split_is_counted_and_read_back(make_frame, splits):
    sizes = dict(zip(TABLES, splits, strict=True))
    pieces = []
    for table, parts in sizes.items():
        offset = 0
        for rows in parts:
            pieces.append((table, make_frame(table, rows, offset=offset)))
            offset += rows
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "raw"
        manifest = write_raw(_params(out), iter(pieces))
        for table, parts in sizes.items():
            assert manifest.tables[table].rows == sum(parts)
            assert manifest.tables[table].files == len(parts)
            read = pl.concat([pl.read_parquet(p) for p in sorted((out / table).glob("*.parquet"))])
            assert read.equals(make_frame(table, sum(parts)))


def test_append_adds_numbered_files_and_a_load(tmp_path, fake_pieces, make_frame, snapshot):
    from plantledger.writer import append_raw, load_entry

    out = tmp_path / "raw"
    first = write_raw(_params(out), fake_pieces(rows=4))
    before = snapshot(out)
    pieces = [
        ("orders", make_frame("orders", 3, offset=10)),
        ("orders", make_frame("orders", 2, offset=20)),
        ("parts", make_frame("parts", 1, offset=30)),
        ("suppliers", make_frame("suppliers", 0)),  # an empty piece writes no file
    ]
    load = load_entry(1, "append", dt.date(2026, 11, 22), dt.date(2026, 11, 23), {}, 2)
    parameters = {**first.parameters, "end_date": "2026-11-23"}
    folder = RawFolder.open(out, first)
    manifest = append_raw(folder, iter(pieces), parameters=parameters, load=load)
    assert Manifest.load(out) == manifest
    for name, data in before.items():  # nothing written before changed but the manifest
        if name != MANIFEST_NAME:
            assert (out / name).read_bytes() == data
    assert sorted(p.name for p in (out / "orders").iterdir()) == [
        "part-00000.parquet",
        "part-00001.parquet",
        "part-00002.parquet",
        "part-00003.parquet",
    ]
    assert (manifest.tables["orders"].rows, manifest.tables["orders"].files) == (9, 4)
    assert (manifest.tables["parts"].rows, manifest.tables["parts"].files) == (5, 2)
    assert manifest.tables["suppliers"] == first.tables["suppliers"]
    digest = hashlib.sha256()
    for part in sorted((out / "orders").glob("part-*.parquet")):
        digest.update(part.read_bytes())
    assert manifest.tables["orders"].sha256 == digest.hexdigest()
    assert manifest.parameters["end_date"] == "2026-11-23"
    assert manifest.loads[0] == first.loads[0]
    assert manifest.loads[1] == {
        "load_id": 1,
        "kind": "append",
        "first_day": "2026-11-22",
        "last_day": "2026-11-23",
        "days": 2,
        "rows": {table: {"orders": 5, "parts": 1}.get(table, 0) for table in TABLES},
        "late_events": 2,
    }
    assert sorted(p.name for p in out.iterdir()) == sorted([*TABLES, MANIFEST_NAME])
