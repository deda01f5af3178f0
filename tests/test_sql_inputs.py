"""No value from a file, a path or the environment is pasted into SQL (issue 17, finding 1).

The dbt project reads two such values into SQL text: the raw folder (PLANTLEDGER_RAW, in
macros/raw/raw_data.sql and the sources' external_location) and the history's end date (the
manifest's parameters.end_date or var history_end_date, in macros/quarantine/quarantine.sql). A
path with a quote must work (escaped by the adapter's quoting); a path with glob or template
characters is refused in one line by generate, validate and dbt alike; an end date that is not a
real YYYY-MM-DD day inside dim_date's calendar stops the run before any node runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from plantledger import cli, generate
from tests.cli_output import one_error_line
from tests.dbt_runner import REPO, DbtRun, dbt_executable

PASSWD_PAYLOAD = (
    "2026-11-21'::date - (select 100 + 0 * count(*) from read_text('/etc/passwd'))::int || '"
)
ERROR_PAYLOAD = "2026-11-21' || error('screening switched off') || '"


def dbt(command: str, raw: Path, workdir: Path, *extra: str) -> DbtRun:
    """``dbt <command>`` of the repo's project from ``raw`` into ``workdir`` (as dbt_runner)."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        DBT_PROFILES_DIR=str(REPO),
        PLANTLEDGER_RAW=str(raw),
        PLANTLEDGER_DUCKDB=str(workdir / "warehouse.duckdb"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    command_line = [
        dbt_executable(),
        command,
        "--project-dir",
        str(REPO),
        "--target-path",
        str(workdir / "target"),
        "--log-path",
        str(workdir / "logs"),
        "--threads",
        "2",
        "--no-use-colors",
        *extra,
    ]
    proc = subprocess.run(
        command_line, cwd=workdir, env=env, capture_output=True, text=True, timeout=600
    )
    return DbtRun(
        proc.returncode, proc.stdout + proc.stderr, workdir / "warehouse.duckdb", workdir / "target"
    )


def _with_end_date(raw_small, folder: Path, end_date: object) -> Path:
    raw = folder / "raw"
    shutil.copytree(raw_small.path, raw)
    manifest = json.loads((raw / "_manifest.json").read_text())
    manifest["parameters"]["end_date"] = end_date
    (raw / "_manifest.json").write_text(json.dumps(manifest))
    return raw


SCREENED = "+int_plc_tag_events__screened"


def test_a_raw_folder_with_a_quote_builds(tmp_path, raw_small):
    """`.../o'q/raw` used to break dbt with a parser error; now every reader of the path works:
    the hook, the sources (external_location) and the manifest read of the end date."""
    raw = tmp_path / "o'q" / "raw"
    shutil.copytree(raw_small.path, raw)
    run = dbt("run", raw, tmp_path / "dbt", "--select", SCREENED)
    assert run.returncode == 0, run.tail()
    with duckdb.connect(str(run.duckdb), read_only=True) as con:
        screened = con.execute(
            "select count(*) from intermediate.int_plc_tag_events__screened"
        ).fetchall()
        raw_rows = con.execute(
            "select count(*) from read_parquet(?)", [str(raw / "plc_tag_events" / "*.parquet")]
        ).fetchall()
        assert screened == raw_rows and raw_rows[0][0] > 0
    compiled = next((run.target / "run").rglob("int_plc_tag_events__screened.sql")).read_text()
    assert "(cast('2026-11-21' as date) + interval 1 day)" in compiled


@pytest.mark.parametrize(
    "end_date",
    [PASSWD_PAYLOAD, ERROR_PAYLOAD, "2026-02-30", "1970-01-01", 20261121],
    ids=[
        "subquery reading /etc/passwd",
        "error() switch-off",
        "no such day",
        "before dim_date",
        "a number",
    ],
)
def test_a_hostile_manifest_end_date_stops_the_run_before_any_node(tmp_path, raw_small, end_date):
    raw = _with_end_date(raw_small, tmp_path, end_date)
    run = dbt("run", raw, tmp_path / "dbt", "--select", SCREENED)
    assert run.returncode != 0
    assert "parameters.end_date of" in run.output, run.tail()
    assert "not a day as YYYY-MM-DD" in run.output
    assert not run.with_status("success"), "a node ran despite the hostile end date"


def test_a_hostile_history_end_date_var_is_refused(tmp_path, raw_small):
    run = dbt(
        "run",
        raw_small.path,
        tmp_path / "dbt",
        "--select",
        SCREENED,
        "--vars",
        json.dumps({"history_end_date": ERROR_PAYLOAD}),
    )
    assert run.returncode != 0
    assert "--vars history_end_date is" in run.output, run.tail()
    assert not run.with_status("success")


@pytest.mark.parametrize("name", ["ra*w", "ra[w]", "ra{name}w"])
def test_a_raw_path_with_glob_characters_is_refused_alike(tmp_path, capsys, raw_small, name):
    raw = tmp_path / name
    shutil.copytree(raw_small.path, raw)
    run = dbt("run", raw, tmp_path / "dbt", "--select", "stg_plantledger__facilities")
    assert run.returncode != 0
    assert "is not a usable raw folder path" in run.output, run.tail()
    assert not run.with_status("success")
    assert cli.main(["validate", "--raw", str(raw), "--docs", str(tmp_path / "docs")]) == 2
    assert "dbt reads the raw folder through a glob pattern" in one_error_line(capsys)
    assert cli.main(["generate", "--out", str(tmp_path / f"new-{name}")]) == 2
    assert "dbt reads the raw folder through a glob pattern" in one_error_line(capsys)


def test_generate_and_validate_accept_a_quote(
    tmp_path, capsys, raw_small, monkeypatch, fake_pieces
):
    raw = tmp_path / "o'q" / "raw"
    shutil.copytree(raw_small.path, raw)
    argv = ["validate", "--raw", str(raw), "--docs", str(tmp_path / "docs"), "--tables", "parts"]
    assert cli.main(argv) == 0
    capsys.readouterr()
    monkeypatch.setattr(generate, "generate_pieces", lambda params: fake_pieces(rows=4))
    out = tmp_path / "o'q" / "again"
    assert cli.main(["generate", "--quiet", "--out", str(out)]) == 0
    assert (out / "_manifest.json").is_file()


@pytest.mark.parametrize(
    "name, value",
    [
        ("dim_date_start", "2020-01-01' as date) union select 1 --"),
        ("trace_max_depth", "1) or (select count(*) from read_text('/etc/passwd')) > (0"),
        ("issue_lead_hours", "4) or (1 = 1"),
    ],
)
def test_a_hostile_var_stops_the_run_before_any_node(tmp_path, raw_small, name, value):
    run = dbt(
        "run",
        raw_small.path,
        tmp_path / "dbt",
        "--select",
        "stg_plantledger__facilities",
        "--vars",
        json.dumps({name: value}),
    )
    assert run.returncode != 0
    assert f"var {name} is" in run.output, run.tail()
    assert not run.with_status("success")
