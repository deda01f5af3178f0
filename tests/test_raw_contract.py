"""The raw folder's manifest is the contract, and one writer at a time (issue 17, findings 3, 4, 7).

``plantledger validate`` and ``plantledger build`` refuse a folder that holds files its manifest
does not list, or whose files do not hash to it, before anything runs; writers hold the folder's
lock (``<folder>.lock``) and refuse while another writer or a build holds it; what a killed
writer left is recovered by the next command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import polars as pl
import pytest

from plantledger import cli
from plantledger.rawfolder import MANIFEST_NAME, PENDING_NAME, Manifest, check_raw_folder
from plantledger.rawlock import lock_path, raw_lock
from tests.cli_output import one_error_line

DEAD_PID = 2**31 - 1
PLANTLEDGER = str(Path(sys.executable).with_name("plantledger"))


@pytest.fixture
def raw_copy(raw_small, tmp_path) -> Path:
    out = tmp_path / "raw"
    shutil.copytree(raw_small.path, out)
    return out


def _validate(raw: Path, docs: Path, table: str = "facilities") -> int:
    return cli.main(["validate", "--raw", str(raw), "--docs", str(docs), "--tables", table])


def _build(raw: Path, warehouse: Path) -> int:
    return cli.main(["build", "--raw", str(raw), "--warehouse", str(warehouse)])


# --- the manifest is the contract ----------------------------------------------------------


def test_a_copied_part_file_is_refused_by_validate_and_build(raw_copy, tmp_path, capsys):
    part = raw_copy / "facilities" / "part-00000.parquet"
    shutil.copy(part, part.with_name("part-00000 (copy).parquet"))
    assert _validate(raw_copy, tmp_path / "docs") == 2
    line = one_error_line(capsys)
    assert "facilities/part-00000 (copy).parquet is not listed in _manifest.json" in line
    warehouse = tmp_path / "wh" / "plantledger.duckdb"
    assert _build(raw_copy, warehouse) == 2
    assert "part-00000 (copy).parquet is not listed" in one_error_line(capsys)
    assert not warehouse.exists()
    assert not (tmp_path / "docs").exists()


def test_a_part_file_past_the_manifests_count_is_refused(raw_copy, tmp_path, capsys):
    # a part the manifest does not count, with no record of an unfinished append
    shutil.copy(
        raw_copy / "facilities" / "part-00000.parquet",
        raw_copy / "facilities" / "part-00001.parquet",
    )
    assert _validate(raw_copy, tmp_path / "docs") == 2
    assert "facilities/part-00001.parquet is not listed" in one_error_line(capsys)


def test_a_file_of_another_size_with_the_same_rows_is_refused(raw_copy, tmp_path, capsys):
    # the same rows written again with other compression: a valid file of another size and hash
    part = raw_copy / "facilities" / "part-00000.parquet"
    frame = pl.read_parquet(part)
    before = part.stat().st_size
    frame.write_parquet(part, compression="uncompressed")
    assert part.stat().st_size != before
    assert _validate(raw_copy, tmp_path / "docs") == 2
    line = one_error_line(capsys)
    assert "the files of table facilities do not match the sha256" in line


def test_a_truncated_file_is_refused_in_one_line(raw_copy, tmp_path, capsys):
    part = raw_copy / "facilities" / "part-00000.parquet"
    part.write_bytes(part.read_bytes()[:-100])
    assert _validate(raw_copy, tmp_path / "docs") == 2
    assert "do not match the sha256" in one_error_line(capsys)


def test_a_missing_part_file_and_a_stray_file_are_refused(raw_copy, tmp_path, capsys):
    (raw_copy / "notes.txt").write_text("mine")
    assert _validate(raw_copy, tmp_path / "docs") == 2
    assert "notes.txt is not part of the data set" in one_error_line(capsys)
    (raw_copy / "notes.txt").unlink()
    (raw_copy / "orders" / "part-00000.parquet").unlink()
    assert _validate(raw_copy, tmp_path / "docs") == 2
    assert "orders/part-00000.parquet is listed in _manifest.json but missing" in one_error_line(
        capsys
    )


def test_parts_of_a_killed_append_are_cleared_before_validate_reads(raw_copy, tmp_path, capsys):
    # killed after moving its files in, before its manifest: the files are not the data set's
    stray = raw_copy / "facilities" / "part-00001.parquet"
    shutil.copy(raw_copy / "facilities" / "part-00000.parquet", stray)
    record = {"pid": DEAD_PID, "load_id": 1, "files": ["facilities/part-00001.parquet"]}
    (raw_copy / PENDING_NAME).write_text(json.dumps(record))
    assert _validate(raw_copy, tmp_path / "docs") == 0
    assert not stray.exists()
    assert not (raw_copy / PENDING_NAME).exists()
    check_raw_folder(raw_copy, Manifest.load(raw_copy))


# --- one writer at a time -----------------------------------------------------------------


def test_an_append_is_refused_while_another_writer_holds_the_folder(raw_copy, capsys, snapshot):
    before = snapshot(raw_copy)
    with raw_lock(raw_copy, "an append"):
        assert cli.main(["generate", "--out", str(raw_copy), "--append-days", "1"]) == 2
        line = one_error_line(capsys)
        assert f"an append (process {os.getpid()}) is writing it" in line
        assert snapshot(raw_copy) == before
        # a full regeneration is refused as well, and leaves the folder as it was
        assert cli.main(["generate", "--out", str(raw_copy), "--scale", "0.01", "--quiet"]) == 2
        assert "is in use" in one_error_line(capsys)
        assert snapshot(raw_copy) == before
    assert cli.main(["generate", "--out", str(raw_copy), "--append-days", "1", "--quiet"]) == 0
    assert [load["load_id"] for load in Manifest.load(raw_copy).loads] == [0, 1]


def test_an_append_is_refused_while_a_build_reads_the_folder(raw_copy, capsys, snapshot):
    before = snapshot(raw_copy)
    with raw_lock(raw_copy, "a build", shared=True):  # what plantledger build holds
        assert cli.main(["generate", "--out", str(raw_copy), "--append-days", "1"]) == 2
        assert "a build or validate is reading it" in one_error_line(capsys)
    assert snapshot(raw_copy) == before


def test_a_build_is_refused_while_an_append_writes_the_folder(raw_copy, tmp_path, capsys):
    warehouse = tmp_path / "wh" / "plantledger.duckdb"
    with raw_lock(raw_copy, "an append"):
        assert _build(raw_copy, warehouse) == 2
        assert "an append (process" in one_error_line(capsys)
    assert not warehouse.exists()


_SLOW_APPEND = textwrap.dedent(
    """
    import sys, time
    from plantledger import append_command, cli
    real_append_raw = append_command.append_raw
    def slow_append_raw(*args, **kwargs):
        time.sleep(float(sys.argv[1]))  # the new load is simulated; its files not yet written
        return real_append_raw(*args, **kwargs)
    append_command.append_raw = slow_append_raw
    sys.exit(cli.main(sys.argv[2:]))
    """
)


def test_two_appends_at_once_lose_nothing(raw_copy):
    def start(days: int, pause: float) -> subprocess.Popen[str]:
        argv = ["generate", "--out", str(raw_copy), "--append-days", str(days), "--quiet"]
        return subprocess.Popen(
            [sys.executable, "-c", _SLOW_APPEND, str(pause), *argv],
            stderr=subprocess.PIPE,
            text=True,
        )

    slow = start(2, 6.0)
    deadline = time.monotonic() + 3.0  # until the slow one holds the lock (or 3 s)
    lock = lock_path(raw_copy)
    while time.monotonic() < deadline and not (lock.exists() and lock.read_bytes().strip()):
        time.sleep(0.05)
    fast = start(1, 0.0)
    results = [
        (run.wait(timeout=600), run.stderr.read() if run.stderr else "") for run in (slow, fast)
    ]
    succeeded = [code for code, _ in results if code == 0]
    refused = [err for code, err in results if code == 2]
    assert len(succeeded) == 1 and len(refused) == 1, results
    assert "is in use: an append (process" in refused[0], refused
    assert len(refused[0].splitlines()) == 1
    # the append that reported success is in the manifest, and the files are the manifest's
    manifest = Manifest.load(raw_copy)
    assert [load["load_id"] for load in manifest.loads] == [0, 1]
    assert manifest.loads[1]["days"] == 2
    check_raw_folder(raw_copy, manifest)


def test_the_lock_file_lives_beside_the_folder(raw_copy):
    with raw_lock(raw_copy, "an append"):
        pass
    assert lock_path(raw_copy) == raw_copy.with_name("raw.lock")
    assert lock_path(raw_copy).exists()
    assert sorted(p.name for p in raw_copy.iterdir() if not p.is_dir()) == [MANIFEST_NAME]


# --- killed writers are recovered by the next command ----------------------------------------

_KILL_AT = textwrap.dedent(
    """
    import os, sys
    from plantledger import cli
    real_replace = os.replace
    when, name = sys.argv[1], sys.argv[2]
    def replace(source, target, *args, **kwargs):
        if when == "before" and name in str(target):
            os._exit(9)  # killed just before this rename
        real_replace(source, target, *args, **kwargs)
        if when == "after" and name in str(target):
            os._exit(9)  # killed right after it
    os.replace = replace
    sys.exit(cli.main(sys.argv[3:]))
    """
)


def _killed(when: str, name: str, *argv: str) -> int:
    """Run the command in a process that is killed (exit 9) at a rename whose target has
    ``name`` in it, ``before`` or ``after`` it."""
    return subprocess.run(
        [sys.executable, "-c", _KILL_AT, when, name, *argv], capture_output=True, check=False
    ).returncode


def test_an_append_killed_before_its_manifest_rename_leaves_nothing_behind(
    raw_small, raw_copy, tmp_path, snapshot
):
    clean = tmp_path / "clean"
    shutil.copytree(raw_small.path, clean)
    argv = ["generate", "--out", str(raw_copy), "--append-days", "1", "--quiet"]
    assert _killed("before", MANIFEST_NAME, *argv) == 9
    # the next append clears what the killed one left and writes the same load
    assert cli.main(argv) == 0
    assert cli.main(["generate", "--out", str(clean), "--append-days", "1", "--quiet"]) == 0
    assert snapshot(raw_copy) == snapshot(clean)


def test_manifest_temporaries_of_killed_appends_are_cleared(raw_copy, tmp_path):
    # what appends of earlier versions left beside the manifest when killed while writing it
    left = raw_copy / f"{MANIFEST_NAME}.tmp-{DEAD_PID}"
    left.write_text("{")
    assert _validate(raw_copy, tmp_path / "docs") == 0
    assert not left.exists()


def test_generate_killed_between_its_renames_is_recovered_by_the_next_command(
    raw_copy, tmp_path, snapshot
):
    before = snapshot(raw_copy)
    argv = ["generate", "--out", str(raw_copy), "--scale", "0.01", "--seed", "8", "--quiet"]
    assert _killed("after", "raw.old-", *argv) == 9
    assert not raw_copy.exists()  # the old data waits in raw.old-<pid>
    # a reader puts the previous output back before it reads
    assert _validate(raw_copy, tmp_path / "docs") == 0
    assert snapshot(raw_copy) == before
    assert sorted(p.name for p in raw_copy.parent.iterdir()) == ["docs", "raw", "raw.lock"]
