"""``plantledger build``: readers are never locked out, only a complete build is published
(issue 11 item 3), and a regenerated raw folder is refused before any node runs (issue 17,
finding 2). Each scenario starts from a copy of the session's small warehouse and raw folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from plantledger.generator import generate_tables
from plantledger.params import GenerationParams
from plantledger.writer import write_raw
from tests.cli_output import one_error_line
from tests.conftest import SMALL_END_DATE, SMALL_SCALE
from tests.dbt_runner import REPO, DbtRun, dbt_build

PLANTLEDGER = str(Path(sys.executable).with_name("plantledger"))
LAST_DAY = SMALL_END_DATE.isoformat()
NEW_DAY = "2026-11-22"  # the day one append adds


@dataclass(frozen=True)
class Published:
    raw: Path  # a copy of raw_small
    warehouse: Path  # a copy of warehouse_small, the published file
    work: Path  # a folder for target/, logs/ and outputs


def _published_copy(warehouse_small, base: Path) -> Published:
    raw = base / "raw"
    shutil.copytree(warehouse_small.raw, raw)
    # the same file name: DuckDB names the database after it, and the views name the database
    warehouse = base / "wh" / warehouse_small.duckdb.name
    warehouse.parent.mkdir()
    shutil.copyfile(warehouse_small.duckdb, warehouse)
    return Published(raw, warehouse, base / "work")


@pytest.fixture
def published(warehouse_small, tmp_path) -> Published:
    return _published_copy(warehouse_small, tmp_path)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dbt_args(work: Path) -> list[str]:
    return [
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--threads",
        "2",
    ]


def _build_command(setup: Published, *options: str, dbt: tuple[str, ...] = ()) -> list[str]:
    return [
        PLANTLEDGER,
        "build",
        "--raw",
        str(setup.raw),
        "--warehouse",
        str(setup.warehouse),
        *options,
        "--",
        *_dbt_args(setup.work),
        "--no-use-colors",
        *dbt,
    ]


def _run(command: list[str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
    )


def _report(warehouse: Path, as_of: str) -> subprocess.CompletedProcess[str]:
    return _run(
        [
            PLANTLEDGER,
            "report",
            "inventory",
            "--as-of",
            as_of,
            "--warehouse",
            str(warehouse),
            "--tz",
            "UTC",
            "--format",
            "csv",
        ],
        timeout=300,
    )


def _build_leftovers(warehouse: Path) -> list[str]:
    """What the build folder holds besides its lock file (a working copy, its side files)."""
    folder = warehouse.parent / ".build"
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(part) for part in text.split()]


_DONE = re.compile(r"\d+ of \d+ (OK|PASS)")


def _wait_for_nodes(log: Path, proc: subprocess.Popen[bytes], nodes: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the build ended early ({proc.returncode}):\n{log.read_text()[-3000:]}")
        if len(_DONE.findall(log.read_text(errors="replace"))) >= nodes:
            return
        time.sleep(0.5)
    pytest.fail(f"fewer than {nodes} nodes done after {timeout} s:\n{log.read_text()[-3000:]}")


@dataclass(frozen=True)
class Interrupted:
    """A build killed midway (SIGKILL of dbt), and what was seen during and after it."""

    digest_before: str
    report_before: subprocess.CompletedProcess[str]
    report_during: subprocess.CompletedProcess[str]
    append_during: subprocess.CompletedProcess[str]
    build_code: int
    digest_after_kill: str
    beside_after_kill: list[str]  # the published file's folder: no write-ahead log beside it
    leftovers_after_kill: list[str]
    report_after_kill: subprocess.CompletedProcess[str]
    new_day_before: subprocess.CompletedProcess[str]
    next_build: subprocess.CompletedProcess[str]
    new_day_after: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def interrupted(warehouse_small, tmp_path_factory) -> Interrupted:
    setup = _published_copy(warehouse_small, tmp_path_factory.mktemp("interrupted"))
    digest_before = _digest(setup.warehouse)
    report_before = _report(setup.warehouse, LAST_DAY)
    appended = _run([PLANTLEDGER, "generate", "--out", str(setup.raw), "--append-days", "1"])
    assert appended.returncode == 0, appended.stderr
    new_day_before = _report(setup.warehouse, NEW_DAY)
    setup.work.mkdir()
    log = setup.work / "build.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            _build_command(setup), cwd=REPO, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_for_nodes(log, proc, nodes=60, timeout=600)
        report_during = _report(setup.warehouse, LAST_DAY)
        append_during = _run(
            [PLANTLEDGER, "generate", "--out", str(setup.raw), "--append-days", "1"]
        )
        for child in _children(proc.pid):  # dbt: SIGKILL, which it cannot catch
            os.kill(child, signal.SIGKILL)
        build_code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    digest_after_kill = _digest(setup.warehouse)
    beside_after_kill = sorted(p.name for p in setup.warehouse.parent.iterdir())
    leftovers = _build_leftovers(setup.warehouse)
    report_after_kill = _report(setup.warehouse, LAST_DAY)
    next_build = _run(_build_command(setup))
    return Interrupted(
        digest_before=digest_before,
        report_before=report_before,
        report_during=report_during,
        append_during=append_during,
        build_code=build_code,
        digest_after_kill=digest_after_kill,
        beside_after_kill=beside_after_kill,
        leftovers_after_kill=leftovers,
        report_after_kill=report_after_kill,
        new_day_before=new_day_before,
        next_build=next_build,
        new_day_after=_report(setup.warehouse, NEW_DAY),
    )


def test_a_report_during_a_build_answers_from_the_published_warehouse(interrupted):
    assert interrupted.report_before.returncode == 0, interrupted.report_before.stderr
    assert interrupted.report_during.returncode == 0, interrupted.report_during.stderr
    assert interrupted.report_during.stdout == interrupted.report_before.stdout
    assert interrupted.report_during.stdout.count("\n") > 10  # rows, not just a header
    # the appended day is not in the published warehouse until a build publishes it
    assert interrupted.new_day_before.returncode == 2
    assert interrupted.new_day_after.returncode == 0, interrupted.new_day_after.stderr


def test_an_append_during_a_build_is_refused(interrupted):
    assert interrupted.append_during.returncode == 2
    lines = interrupted.append_during.stderr.splitlines()
    assert len(lines) == 1 and "a build or validate is reading it" in lines[0], lines


def test_a_killed_build_leaves_the_published_warehouse_unchanged(interrupted):
    assert interrupted.build_code == 1
    assert interrupted.digest_after_kill == interrupted.digest_before
    assert interrupted.beside_after_kill == [".build", "warehouse.duckdb"]
    assert interrupted.leftovers_after_kill == []
    assert interrupted.report_after_kill.returncode == 0
    assert interrupted.report_after_kill.stdout == interrupted.report_before.stdout


def test_the_next_plain_build_after_a_killed_one_succeeds_and_publishes(interrupted):
    result = interrupted.next_build
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "Published" in result.stderr


def test_a_failing_build_does_not_publish(published):
    setup = published
    before = _digest(setup.warehouse)
    # issues are posted minutes before a work order's start: a lead of 0 hours fails the test
    result = _run(
        _build_command(
            setup,
            "--select",
            "+assert_wo_material_timing",
            dbt=("--vars", "{issue_lead_hours: 0}"),
        )
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr
    run = DbtRun(result.returncode, result.stdout, setup.warehouse, setup.work / "target")
    assert "assert_wo_material_timing" in run.with_status("fail")
    assert "the published warehouse" in result.stderr and "is unchanged" in result.stderr
    assert _digest(setup.warehouse) == before
    assert _build_leftovers(setup.warehouse) == []


@pytest.fixture
def regenerated(published) -> Path:
    """Another generation (seed 8) in the published raw folder's place."""
    out = published.raw.with_name("raw_regenerated")
    params = GenerationParams(scale=SMALL_SCALE, seed=8, end_date=SMALL_END_DATE, out=out)
    write_raw(params, generate_tables(params))
    return out


def test_a_regenerated_folder_is_refused_before_any_node_runs(published, regenerated):
    setup = Published(regenerated, published.warehouse, published.work)
    before = _digest(setup.warehouse)
    result = _run(_build_command(setup))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "another generation" in lines[0] and "--full-refresh" in lines[0]
    assert not (setup.work / "target" / "run_results.json").exists()
    assert _digest(setup.warehouse) == before


def test_a_plain_dbt_build_of_a_regenerated_folder_runs_no_node(published, regenerated):
    # the low-level path: dbt build on the warehouse file itself
    workdir = published.work
    workdir.mkdir()
    shutil.copyfile(published.warehouse, workdir / "warehouse.duckdb")
    before = _digest(workdir / "warehouse.duckdb")
    run = dbt_build(regenerated, workdir)
    assert run.returncode != 0
    assert run.statuses() == {}, run.tail()
    assert "another generation" in run.output
    assert _digest(workdir / "warehouse.duckdb") == before


def test_a_second_build_of_the_same_warehouse_is_refused(raw_small, tmp_path, capsys):
    import fcntl

    from plantledger import cli

    warehouse = tmp_path / "wh" / "plantledger.duckdb"
    lock = warehouse.parent / ".build" / "plantledger.duckdb.lock"
    lock.parent.mkdir(parents=True)
    with lock.open("w") as held:  # what a running build holds
        fcntl.flock(held, fcntl.LOCK_EX)
        argv = ["build", "--raw", str(raw_small.path), "--warehouse", str(warehouse)]
        assert cli.main(argv) == 2
    assert "another plantledger build of" in one_error_line(capsys)
    assert not warehouse.exists()


@pytest.mark.parametrize(
    "name, message",
    [("raw/plantledger.duckdb", "lies inside the raw folder"), ("wh/out.csv", "must be a .duckdb")],
)
def test_a_warehouse_path_that_cannot_be_published_is_one_line(
    raw_small, tmp_path, capsys, name, message
):
    from plantledger import cli

    raw = tmp_path / "raw"
    shutil.copytree(raw_small.path, raw)
    argv = ["build", "--raw", str(raw), "--warehouse", str(tmp_path / name)]
    assert cli.main(argv) == 2
    assert message in one_error_line(capsys)
    assert not (tmp_path / name).exists()
