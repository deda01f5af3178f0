"""Running ``dbt build`` from the tests: the repo's dbt project and profiles.yml, with everything a
run writes (the DuckDB file, target/, logs/) in a folder of the test's own, so test runs never
touch the repo's warehouse/, target/ or logs/ (nor each other's)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
DBT_THREADS = 2


def dbt_executable() -> str:
    """The dbt of this interpreter's environment (the venv), else the one on the path."""
    local = Path(sys.executable).with_name("dbt")
    if local.exists():
        return str(local)
    found = shutil.which("dbt")
    if found is None:
        raise RuntimeError("dbt is not installed in this environment (run `make venv`)")
    return found


def node_results(target: Path) -> list[dict]:
    """The results in ``target/run_results.json`` of the nodes dbt built or tested: exposures
    are left out (dbt lists them with status ``no-op``, as nothing is built for them). Empty
    when there is no run_results.json (the run stopped before any node)."""
    path = target / "run_results.json"
    if not path.exists():
        return []
    results = json.loads(path.read_text(encoding="utf-8"))["results"]
    return [result for result in results if not result["unique_id"].startswith("exposure.")]


class DbtRun(NamedTuple):
    returncode: int
    output: str  # stdout and stderr, without colours
    duckdb: Path  # the warehouse file of the run
    target: Path  # the run's target/ (manifest.json, run_results.json)

    def statuses(self) -> dict[str, str]:
        """Node name -> status (success, pass, fail, error, skipped, ...) from run_results.json.

        Names are the node's own (``assert_...`` for singular tests, the generated name without
        its hash for generic ones). Empty when the run stopped before running any node.
        Exposures are left out: dbt lists them with status ``no-op``, as nothing is built.
        """
        return {
            result["unique_id"].split(".")[2]: result["status"]
            for result in node_results(self.target)
        }

    def test_names(self) -> set[str]:
        """The names of every data test of the project (target/manifest.json), run or not."""
        manifest = json.loads((self.target / "manifest.json").read_text(encoding="utf-8"))
        return {
            node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "test"
        }

    def with_status(self, *statuses: str) -> set[str]:
        return {name for name, status in self.statuses().items() if status in statuses}

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def dbt_build(
    raw: Path,
    workdir: Path,
    *extra: str,
    timeout: float = 900,
    project: Path = REPO,
    debug_log: bool = True,
) -> DbtRun:
    """``dbt build`` of the whole project from the raw folder ``raw`` into ``workdir``.

    The warehouse is ``workdir/warehouse.duckdb``; target/ and logs/ are under ``workdir`` too.
    ``extra`` arguments go to ``dbt build`` (``--select ...``, for instance). ``project`` is the
    dbt project folder (with its profiles.yml): the repo's, or a test's edited copy of it.
    ``debug_log``: logs/dbt.log holds dbt's debug lines too, every statement (the project logs
    its info lines only, dbt_project.yml ``flags``), as tests/test_lean_statements.py reads them.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    duckdb_path = workdir / "warehouse.duckdb"
    target = workdir / "target"
    env = dict(
        os.environ,
        DBT_PROFILES_DIR=str(project),
        PLANTLEDGER_RAW=str(raw),
        PLANTLEDGER_DUCKDB=str(duckdb_path),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    command = [
        dbt_executable(),
        "build",
        "--project-dir",
        str(project),
        "--target-path",
        str(target),
        "--log-path",
        str(workdir / "logs"),
        "--threads",
        str(DBT_THREADS),
        "--quiet",
        "--no-use-colors",
        *(["--log-level-file", "debug"] if debug_log else []),
        *extra,
    ]
    proc = subprocess.run(
        command,
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return DbtRun(proc.returncode, proc.stdout + proc.stderr, duckdb_path, target)
