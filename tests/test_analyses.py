"""The analyses that ask the DuckDB table macros' questions on any engine (analyses/, listed in
tests/table_macro_questions.py) give, compiled for DuckDB, the rows of their table macro on
``warehouse_small``; and their vars are checked to strict formats before they reach SQL. The
same analyses on Spark: tests/test_spark.py (slow)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.dbt_runner import REPO, dbt_executable
from tests.table_macro_questions import (
    QUESTIONS,
    analysis_parameters,
    compile_questions,
    reference_select,
)


def _env(raw: Path, duckdb_file: Path) -> dict[str, str]:
    return dict(
        os.environ,
        DBT_PROFILES_DIR=str(REPO),
        PLANTLEDGER_RAW=str(raw),
        PLANTLEDGER_DUCKDB=str(duckdb_file),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )


def test_each_analysis_gives_its_table_macros_rows_on_duckdb(warehouse_small, raw_small, tmp_path):
    # compiled against a file of the warehouse's name: the SQL names its catalog after the file
    env = _env(raw_small.path, tmp_path / "compile" / warehouse_small.duckdb.name)
    with warehouse_small.connect() as con:
        params = analysis_parameters(con, raw_small.params.end_date)
    compiled = compile_questions(env, "dev", params, tmp_path)
    problems = {}
    with warehouse_small.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        for name, reference, compared, known_at in QUESTIONS:
            macro = reference_select(reference, params, known_at)
            sql = compiled[(name, known_at)].read_text(encoding="utf-8")
            analysis = f"(select {compared} from ({sql}))"
            sizes = [
                con.execute(f"select count(*) from {rows}").fetchone()[0]
                for rows in (macro, analysis)
            ]
            only = [
                con.execute(f"select count(*) from ({a} except all {b})").fetchone()[0]
                for a, b in ((macro, analysis), (analysis, macro))
            ]
            if 0 in sizes or only != [0, 0]:
                problems[f"{name} known_at={known_at}"] = f"rows {sizes}, only on one side {only}"
    assert not problems, problems


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"from_at": "2026-02-30"}, "analysis var from_at: '2026-02-30' is not an instant"),
        ({"known_at": "0 or 1=1"}, "analysis var known_at: '0 or 1=1' is not a load id"),
        ({"sublot_code": "SL-1' or '1'='1"}, "analysis var sublot_code: 'SL-1' or '1'='1' is"),
    ],
)
def test_a_malformed_var_stops_the_compile(raw_small, tmp_path, bad, message):
    command = [
        dbt_executable(), "compile", "--no-populate-cache", "--project-dir", str(REPO),
        "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
        "--no-use-colors", "--select", "arrivals_between", "sublot_location_as_of",
        "--vars", json.dumps(bad),
    ]  # fmt: skip
    env = _env(raw_small.path, tmp_path / "warehouse.duckdb")
    proc = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert proc.returncode != 0
    assert message in proc.stdout + proc.stderr, (proc.stdout + proc.stderr)[-3000:]
    assert not (tmp_path / "target" / "compiled").exists()
