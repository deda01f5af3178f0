"""The command line: one-line errors with exit code 2, and generation through the CLI."""

from __future__ import annotations

import datetime as dt
import errno
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import plantledger
from plantledger import cli, generate
from plantledger.rawfolder import MANIFEST_NAME, Manifest
from plantledger.schema import TABLES
from tests.cli_output import one_error_line

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_generation(monkeypatch):
    """Bad input must be reported before any generation work starts."""

    def forbidden(params):
        raise AssertionError("the generator was started despite bad input")
        yield  # pragma: no cover

    monkeypatch.setattr(generate, "generate_pieces", forbidden)


@pytest.fixture
def fake_generation(monkeypatch, fake_pieces):
    monkeypatch.setattr(generate, "generate_pieces", lambda params: fake_pieces(rows=4))


def _assert_nothing_complete(out: Path) -> None:
    assert not (out / MANIFEST_NAME).exists()
    leftovers = [p.name for p in out.parent.glob(f"{out.name}.*")] if out.parent.exists() else []
    assert leftovers == []


BAD_INPUT = {
    "scale zero": (["--scale", "0"], "--scale must be greater than 0"),
    "scale negative": (["--scale", "-1"], "--scale must be greater than 0"),
    "scale negative fraction": (["--scale=-0.5"], "--scale must be greater than 0"),
    "scale not a number": (["--scale", "lots"], "--scale must be a number"),
    "scale nan": (["--scale", "nan"], "--scale must be a number"),
    "scale too large": (["--scale", "5000"], "too large"),
    "seed negative": (["--seed", "-1"], "--seed must be a non-negative integer"),
    "seed fraction": (["--seed", "1.5"], "--seed must be a non-negative integer"),
    "seed text": (["--seed", "abc"], "--seed must be a non-negative integer"),
    "end date garbage": (["--end-date", "tomorrow"], "--end-date must be a date as YYYY-MM-DD"),
    "end date impossible": (["--end-date", "2026-02-30"], "--end-date must be a date"),
    "end date other format": (["--end-date", "21/11/2026"], "--end-date must be a date"),
    "unknown option": (["--bogus"], "unrecognized arguments: --bogus"),
    "missing value": (["--scale"], "expected one argument"),
}


@pytest.mark.parametrize("argv, message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_generate_input_is_one_line_exit_2(tmp_path, capsys, no_generation, argv, message):
    out = tmp_path / "raw"
    assert cli.main(["generate", "--out", str(out), *argv]) == 2
    assert message in one_error_line(capsys)
    _assert_nothing_complete(out)


@pytest.mark.parametrize(
    "argv, message",
    [
        ([], "choose a command: generate"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_command_is_one_line_exit_2(capsys, argv, message):
    assert cli.main(argv) == 2
    assert message in one_error_line(capsys)


def test_out_is_an_existing_file(tmp_path, capsys, no_generation):
    target = tmp_path / "raw"
    target.write_text("not a folder")
    assert cli.main(["generate", "--out", str(target)]) == 2
    assert "is an existing file" in one_error_line(capsys)
    assert target.read_text() == "not a folder"
    assert [p.name for p in tmp_path.iterdir()] == ["raw"]


def test_out_below_a_file(tmp_path, capsys, no_generation):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["generate", "--out", str(blocker / "raw")]) == 2
    assert "cannot create the --out folder" in one_error_line(capsys)


@pytest.fixture
def unwritable_out(tmp_path):
    """An --out whose folder cannot be created; root ignores permissions, so it gets /proc."""
    if os.geteuid() == 0:
        yield Path("/proc/plantledger-test/raw")
        return
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        yield locked / "raw"
    finally:
        locked.chmod(0o700)


def test_out_unwritable(capsys, no_generation, unwritable_out):
    assert cli.main(["generate", "--out", str(unwritable_out)]) == 2
    line = one_error_line(capsys)
    assert "cannot create the --out folder" in line
    assert "choose a folder you can write to" in line
    assert not unwritable_out.exists()


def test_out_that_is_an_unrelated_folder_is_not_replaced(tmp_path, capsys, no_generation):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("precious")
    assert cli.main(["generate", "--out", str(mine)]) == 2
    assert "choose a new or empty folder" in one_error_line(capsys)
    assert [p.name for p in mine.iterdir()] == ["thesis.tex"]


def test_disk_full_mid_write_is_one_line_and_keeps_old_output(
    tmp_path, capsys, monkeypatch, fake_generation, snapshot
):
    out = tmp_path / "raw"
    assert cli.main(["generate", "--out", str(out), "--quiet", "--end-date", "2026-11-21"]) == 0
    before = snapshot(out)
    real_write = pl.DataFrame.write_parquet
    calls = []

    def full_disk(self, file, *args, **kwargs):
        calls.append(file)
        if len(calls) > 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))
        return real_write(self, file, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full_disk)
    assert cli.main(["generate", "--out", str(out), "--quiet", "--seed", "1"]) == 2
    line = one_error_line(capsys)
    assert "No space left on device" in line
    assert "previous output, if any, is unchanged" in line
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw", "raw.lock"]  # the folder's lock


def test_generate_quiet_prints_nothing(tmp_path, capsys, fake_generation):
    out = tmp_path / "data" / "raw"  # parents are created
    argv = ["generate", "--out", str(out), "--scale", "0.25", "--seed", "11"]
    assert cli.main([*argv, "--end-date", "2025-06-30", "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    manifest = Manifest.load(out)
    assert manifest.parameters == {"scale": 0.25, "seed": 11, "end_date": "2025-06-30"}
    assert set(manifest.tables) == set(TABLES)


def test_generate_reports_progress_on_stderr(tmp_path, capsys, fake_generation):
    assert cli.main(["generate", "--out", str(tmp_path / "raw")]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    for table in TABLES:
        assert table in captured.err
    assert "rows/s" in captured.err


def test_end_date_defaults_to_today(tmp_path, fake_generation):
    before = dt.date.today()
    assert cli.main(["generate", "--out", str(tmp_path / "raw"), "--quiet"]) == 0
    end_date = Manifest.load(tmp_path / "raw").parameters["end_date"]
    assert end_date in {before.isoformat(), dt.date.today().isoformat()}


def test_defaults(tmp_path, monkeypatch, fake_generation):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["generate", "--quiet", "--end-date", "2026-11-21"]) == 0
    parameters = Manifest.load(tmp_path / "data" / "raw").parameters
    assert parameters == {"scale": 1.0, "seed": 42, "end_date": "2026-11-21"}


def test_help_and_version(capsys):
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"plantledger {plantledger.__version__}"
    assert cli.main(["generate", "--help"]) == 0
    assert "--end-date" in capsys.readouterr().out


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "plantledger.cli", "generate"],
        [sys.executable, str(ROOT / "scripts" / "generate_data.py")],
    ],
    ids=["module", "script"],
)
def test_real_process_error_is_one_line(tmp_path, command):
    out = tmp_path / "raw"
    proc = subprocess.run(
        [*command, "--scale", "0", "--out", str(out)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("plantledger: error: --scale must be greater than 0")
    assert not out.exists()


# --- with the real generator ----------------------------------------------------------------


def test_cli_generation_is_deterministic(tmp_path, raw_small, snapshot):
    out = tmp_path / "raw"
    argv = ["generate", "--scale", "0.01", "--seed", "7", "--end-date", "2026-11-21"]
    assert cli.main([*argv, "--out", str(out), "--quiet"]) == 0
    assert Manifest.load(out) == raw_small.manifest
    assert snapshot(out) == snapshot(raw_small.path)


def test_small_generation_follows_the_contract(raw_small):
    from plantledger.schema import RAW_SCHEMAS

    manifest = raw_small.manifest
    assert list(manifest.tables) == list(TABLES)
    assert manifest.parameters == {"scale": 0.01, "seed": 7, "end_date": "2026-11-21"}
    assert manifest.total_rows > 0
    for table in TABLES:
        frame = pl.read_parquet(raw_small.path / table / "*.parquet")
        assert frame.schema == pl.Schema(RAW_SCHEMAS[table]), table
        assert frame.height == manifest.tables[table].rows, table
