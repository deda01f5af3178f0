"""Outputs never replace inputs (issue 17, finding 5), checked before any work starts, and a
failed write (disk full) ends in one line leaving the previous output as it was."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from plantledger import cli
from plantledger.report.warehouse import Warehouse
from tests.cli_output import one_error_line


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def wh(warehouse_small) -> Path:
    return Path(warehouse_small.duckdb)


@pytest.fixture
def no_query(monkeypatch):
    """A refused --output must be refused before the report queries the warehouse."""

    def forbidden(self, *args, **kwargs):
        raise AssertionError("the report queried the warehouse despite a bad --output")

    monkeypatch.setattr(Warehouse, "query", forbidden)


def _inventory(wh: Path, *extra: str) -> list[str]:
    return [
        "report",
        "inventory",
        "--as-of",
        "2026-11-13",
        "--today",
        "2026-11-22",
        "--warehouse",
        str(wh),
        *extra,
    ]


def _targets(wh: Path, raw: Path, tmp: Path) -> dict[str, tuple[str, str]]:
    link = tmp / "report.csv"
    link.symlink_to(wh)
    hard = tmp / "hard.csv"
    os.link(wh, hard)
    relative = os.path.relpath(wh, Path.cwd())
    dotted = str(wh.parent / "." / ".." / wh.parent.name / wh.name)
    return {
        "the warehouse": (str(wh), "is the warehouse"),
        "the warehouse, relative": (relative, "is the warehouse"),
        "the warehouse, with dots": (dotted, "is the warehouse"),
        "a symlink to the warehouse": (str(link), "is the warehouse"),
        "a hard link to the warehouse": (str(hard), "is the warehouse"),
        "the raw folder": (str(raw), "is the raw folder"),
        "a file in the raw folder": (str(raw / "orders" / "part-00000.parquet"), "inside the raw"),
        "a new file in the raw folder": (str(raw / "report.csv"), "inside the raw folder"),
        "a folder": (str(tmp), "is a folder"),
        "a missing folder": (str(tmp / "nope" / "x.csv"), "does not exist"),
    }


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_report_output_never_replaces_an_input(
    tmp_path, capsys, monkeypatch, wh, raw_small, no_query, fmt
):
    monkeypatch.setenv("PLANTLEDGER_RAW", str(raw_small.path))
    before = _digest(wh)
    raw_before = {p: _digest(p) for p in raw_small.path.rglob("*") if p.is_file()}
    for name, (output, message) in _targets(wh, raw_small.path, tmp_path).items():
        assert cli.main(_inventory(wh, "--format", fmt, "--output", output)) == 2, name
        assert message in one_error_line(capsys), name
    assert _digest(wh) == before
    assert {p: _digest(p) for p in raw_small.path.rglob("*") if p.is_file()} == raw_before


def test_report_output_never_replaces_another_duckdb_database(tmp_path, capsys, wh, no_query):
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    before = _digest(other)
    assert cli.main(_inventory(wh, "--format", "csv", "--output", str(other))) == 2
    assert "is a DuckDB database" in one_error_line(capsys)
    assert _digest(other) == before


def test_report_disk_full_leaves_the_previous_output(tmp_path, capsys, monkeypatch, wh):
    import pyarrow.csv as pacsv

    out = tmp_path / "stock.csv"
    assert cli.main(_inventory(wh, "--format", "csv", "--output", str(out))) == 0
    capsys.readouterr()
    previous = out.read_bytes()
    assert previous.count(b"\n") > 1

    def full(table, handle, *args, **kwargs):
        handle.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pacsv, "write_csv", full)
    assert cli.main(_inventory(wh, "--format", "csv", "--output", str(out))) == 2
    assert "No space left on device" in one_error_line(capsys)
    assert out.read_bytes() == previous
    assert [p.name for p in tmp_path.iterdir()] == ["stock.csv"]


# --- validate --docs ---------------------------------------------------------------------------


@pytest.fixture
def no_validation(monkeypatch):
    from plantledger.quality import validate

    def forbidden(*args, **kwargs):
        raise AssertionError("validation started despite an unusable --docs")

    monkeypatch.setattr(validate, "_run", forbidden)


def test_validate_docs_never_replaces_the_raw_folder(tmp_path, capsys, raw_small, no_validation):
    raw = tmp_path / "data" / "raw"
    shutil.copytree(raw_small.path, raw)
    before = {p: _digest(p) for p in raw.rglob("*") if p.is_file()}
    for docs, message in (
        (raw, "is the raw folder"),
        (raw / "docs", "is inside the raw folder"),
        (tmp_path / "data", "holds the raw folder"),
        (tmp_path, "holds the raw folder"),
    ):
        assert cli.main(["validate", "--raw", str(raw), "--docs", str(docs)]) == 2
        assert message in one_error_line(capsys)
    assert {p: _digest(p) for p in raw.rglob("*") if p.is_file()} == before


def test_validate_unwritable_docs_fails_before_validating(
    tmp_path, capsys, monkeypatch, raw_small, no_validation
):
    """The Data Docs folder is probed first (a read-only file system refuses even root)."""
    real_mkdir = Path.mkdir

    def read_only(self, *args, **kwargs):
        if ".tmp-" in self.name:
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    docs = tmp_path / "docs"
    assert cli.main(["validate", "--raw", str(raw_small.path), "--docs", str(docs)]) == 2
    line = one_error_line(capsys)
    assert "cannot write the Data Docs" in line and "Read-only file system" in line
    assert list(tmp_path.iterdir()) == []


def test_validate_disk_full_while_writing_docs_is_one_line(
    tmp_path, capsys, monkeypatch, raw_small
):
    """Great Expectations catches a failed page write and logs a traceback per page (48 on a
    full 200 KB tmpfs); validate turns them into one line, exit 2, previous docs unchanged."""
    from great_expectations.data_context.store.tuple_store_backend import (
        TupleFilesystemStoreBackend,
    )

    docs = tmp_path / "docs"
    argv = ["validate", "--raw", str(raw_small.path), "--docs", str(docs), "--tables", "parts"]
    assert cli.main(argv) == 0
    capsys.readouterr()
    previous = {p: _digest(p) for p in docs.rglob("*") if p.is_file()}

    def full(self, key, value, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(TupleFilesystemStoreBackend, "_set", full)
    assert cli.main(argv) == 2
    line = one_error_line(capsys)
    assert "cannot write the Data Docs" in line and "No space left on device" in line
    assert {p: _digest(p) for p in docs.rglob("*") if p.is_file()} == previous
    assert [p.name for p in tmp_path.iterdir()] == ["docs"]


# --- bench -------------------------------------------------------------------------------------


@pytest.fixture
def no_bench(monkeypatch):
    from plantledger.bench import command as bench

    def forbidden(*args, **kwargs):
        raise AssertionError("the benchmark ran despite a bad output option")

    monkeypatch.setattr(bench, "run_bench", forbidden)


def test_bench_outputs_are_checked_before_running(tmp_path, capsys, raw_small, no_bench):
    readme = tmp_path / "README.md"
    readme.write_text("x\n<!-- bench:start -->\n<!-- bench:end -->\n")
    parquet = str(next(raw_small.path.glob("orders/*.parquet")))
    cases = [
        (["--markdown", str(readme), "--update-readme", str(readme)], "is the --update-readme"),
        (["--markdown", str(tmp_path)], "is a folder"),
        (["--update-readme", parquet], "not UTF-8 text"),
        (["--update-readme", str(tmp_path / "nope.md")], "No such file"),
    ]
    for argv, message in cases:
        assert cli.main(["bench", "--scales", "0.01", "--quiet", *argv]) == 2
        assert message in one_error_line(capsys)
