"""The same dbt project on Apache Spark (profiles.yml output ``spark``, dbt-spark's session
method in a local Spark) gives the same marts as on DuckDB, and every data test passes there.

Slow: it builds the small data set (``raw_small``, scale 0.01) on local Spark in a subprocess
(about seven minutes on the 2-core machine) and compares it with ``warehouse_small``, the DuckDB
build of the same raw folder. Needs the ``spark`` extra and Java 17 (``make venv-spark``, which
``make test`` runs); skipped, with that reason, when the extra is not installed.

The comparison reads both sides with DuckDB: the DuckDB warehouse file, and the parquet files of
the Spark tables under the Spark warehouse folder. Every mart must hold the same multiset of rows
after a canonical form of each value (``canonical_select``):

- instants (timestamp, timestamptz) as microseconds since 1970 UTC; DuckDB's ``infinity`` (the
  open end of a current interval) as 9999-12-31 23:59:59.999999, Spark's stand-in for it;
- decimals and floating-point numbers as doubles rounded to 6 decimal places, -0.0 as 0.0;
- integers of any width as bigint; text, booleans and dates as they are; anything else as text.

The analyses that ask the DuckDB table macros' questions on any engine (analyses/) are run on
that Spark warehouse (compiled with ``dbt compile --target spark``, run in one SparkSession
configured as the profile: tests/spark_sql_runner.py), and their rows must equal the table
macro's answer on the DuckDB warehouse under the same rule; the trace and stock analyses, which
sum or select from what the macro lists, against that sum or selection of the macro's rows.

Rows that still differ are paired on every other column; their numbers must then agree within
the rounding rule for numbers computed in another order (a sum, a product, a percentile can
differ in the last bits between engines, and a cast to a decimal then by one unit at a rounding
boundary): within one unit of the last place of a decimal column (0.01 for decimal(14, 2)),
1e-5 relative for single-precision floats, 1e-9 relative for doubles (never less than 1e-6
absolute, the canonical rounding).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from plantledger.spark_vars import ManifestVarsError, main, manifest_vars
from tests.dbt_runner import REPO, dbt_executable, node_results
from tests.table_macro_questions import (
    QUESTIONS,
    analysis_parameters,
    compile_questions,
    reference_select,
)

pytestmark = pytest.mark.slow

HAS_SPARK = all(importlib.util.find_spec(name) for name in ("pyspark", "dbt.adapters.spark"))
needs_spark = pytest.mark.skipif(
    not HAS_SPARK,
    reason="the spark extra is not installed: make venv-spark (pip install -e .[spark])",
)

DECIMALS = 6  # the rounding rule for decimals and floating-point numbers
SPARK_INFINITY_US = 253402300799999999  # 9999-12-31 23:59:59.999999 UTC, in microseconds
SPARK_TIMEOUT = 2400  # seconds


class SparkBuild:
    def __init__(self, returncode: int, output: str, warehouse: Path, target: Path, seconds: float):
        self.returncode = returncode
        self.output = output
        self.warehouse = warehouse
        self.target = target
        self.seconds = seconds

    def statuses(self) -> dict[str, str]:
        return {r["unique_id"]: r["status"] for r in node_results(self.target)}


@pytest.fixture(scope="module")
def spark_build(raw_small, tmp_path_factory) -> SparkBuild:
    """``dbt build --target spark`` of the whole project from ``raw_small``, but its unit tests:
    they check model logic on fixed inputs (some written in DuckDB's SQL, some about
    incremental runs, which Spark does not make) and run on DuckDB."""
    if shutil.which("java") is None:
        pytest.fail("java is not installed: pyspark 4 needs Java 17 (make java)")
    work = tmp_path_factory.mktemp("spark_build")
    warehouse = work / "spark_warehouse"
    target = work / "target"
    env = dict(
        os.environ,
        DBT_PROFILES_DIR=str(REPO),
        PLANTLEDGER_RAW=str(raw_small.path),
        PLANTLEDGER_SPARK_WAREHOUSE=str(warehouse),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    command = [
        dbt_executable(), "build", "--target", "spark",
        "--project-dir", str(REPO), "--target-path", str(target),
        "--log-path", str(work / "logs"), "--quiet", "--no-use-colors",
        "--exclude", "resource_type:unit_test",
        "--vars", json.dumps(manifest_vars(raw_small.path)),
    ]  # fmt: skip
    started = time.monotonic()
    proc = subprocess.run(
        command, cwd=work, env=env, capture_output=True, text=True, timeout=SPARK_TIMEOUT,
        check=False,
    )  # fmt: skip
    seconds = time.monotonic() - started
    print(f"\nSpark build of raw_small: {seconds:.1f} s (exit {proc.returncode})")
    return SparkBuild(proc.returncode, proc.stdout + proc.stderr, warehouse, target, seconds)


def duckdb_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' "
        "order by table_name"
    ).fetchall()
    return [name for (name,) in rows]


def tolerances(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, tuple[float, float]]:
    """Numeric column -> (absolute, relative) tolerance of the rounding rule."""
    result = {}
    for name, dtype, *_ in con.execute(f"describe select * from {relation}").fetchall():
        kind = dtype.upper()
        if kind.startswith("DECIMAL"):
            scale = int(kind.split(",")[1].rstrip(")").strip())
            result[name] = (max(10.0**-scale, 1e-6) * 1.0001, 0.0)
        elif kind in {"FLOAT", "REAL"}:
            result[name] = (1e-6 * 1.0001, 1e-5)
        elif kind == "DOUBLE":
            result[name] = (1e-6 * 1.0001, 1e-9)
    return result


def canonical_select(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[list[str], str]:
    """(sorted column names, a select of ``relation`` with every value in canonical form)."""
    columns = con.execute(f"describe select * from {relation}").fetchall()
    expressions = []
    for name, dtype, *_ in sorted(columns):
        column = f'"{name}"'
        kind = dtype.upper()
        if kind.startswith("TIMESTAMP"):
            expression = (
                f"case when isinf({column}) then {SPARK_INFINITY_US} else epoch_us({column}) end"
            )
        elif kind.startswith(("DECIMAL", "DOUBLE", "FLOAT", "REAL")):
            expression = f"round(cast({column} as double), {DECIMALS}) + 0.0"
        elif kind in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UBIGINT", "UINTEGER"}:
            expression = f"cast({column} as hugeint)"
        elif kind in {"VARCHAR", "BOOLEAN", "DATE"}:
            expression = column
        else:
            expression = f"cast({column} as varchar)"
        expressions.append(f"{expression} as {column}")
    return sorted(name for name, *_ in columns), f"select {', '.join(expressions)} from {relation}"


def spark_table(warehouse: Path, schema: str, name: str) -> str | None:
    """DuckDB's read_parquet of a Spark table's files, or None when Spark has no such table."""
    folder = warehouse / f"{schema}.db" / name
    if not any(folder.glob("*.parquet")):
        return None
    return f"read_parquet('{folder}/*.parquet')"


def unpaired_rows(
    con: duckdb.DuckDBPyConnection,
    duck_sql: str,
    spark_sql: str,
    columns: list[str],
    numeric: dict[str, tuple[float, float]],
) -> int:
    """The rows found on one side only that pair with no row of the other side: same values in
    the other columns (the n-th of equal ones with the n-th), numbers within their tolerance."""
    others = [f'"{c}"' for c in columns if c not in numeric]
    order = ", ".join(f'"{c}"' for c in columns)
    key = ", ".join(others) if others else "1"
    numbered = (
        "select *, row_number() over (partition by {key} order by {order}) as pair_number "
        "from ({rows})"
    )
    only_duck = numbered.format(key=key, order=order, rows=f"{duck_sql} except all {spark_sql}")
    only_spark = numbered.format(key=key, order=order, rows=f"{spark_sql} except all {duck_sql}")
    conditions = [f"d.{c} is not distinct from s.{c}" for c in others]
    conditions.append("d.pair_number = s.pair_number")
    for column, (absolute, relative) in numeric.items():
        d, s = f'd."{column}"', f's."{column}"'
        conditions.append(
            f"(({d} is null and {s} is null) or abs({d} - {s}) <= "
            f"greatest({absolute}, {relative} * greatest(abs({d}), abs({s}))))"
        )
    paired = con.execute(
        f"select count(*) from ({only_duck}) as d inner join ({only_spark}) as s "
        f"on {' and '.join(conditions)}"
    ).fetchone()[0]
    total = con.execute(f"select count(*) from ({only_duck})").fetchone()[0]
    return int(total - paired)


def relation_difference(
    con: duckdb.DuckDBPyConnection, duck: str, spark: str, typed: str | None = None
) -> str | None:
    """What differs between two DuckDB relations (a DuckDB table or query and a Spark table's
    parquet files) after the canonical form and the rounding rule, or None when nothing does.
    ``typed`` is the relation whose column types set the tolerances (default ``duck``)."""
    duck_columns, duck_sql = canonical_select(con, duck)
    spark_columns, spark_sql = canonical_select(con, spark)
    if duck_columns != spark_columns:
        return f"columns differ: {sorted(set(duck_columns) ^ set(spark_columns))}"
    only_duck_rows = con.execute(
        f"select count(*) from ({duck_sql} except all {spark_sql})"
    ).fetchone()[0]
    only_spark_rows = con.execute(
        f"select count(*) from ({spark_sql} except all {duck_sql})"
    ).fetchone()[0]
    if only_duck_rows == only_spark_rows == 0:
        return None
    numeric = tolerances(con, typed or duck)
    unpaired = unpaired_rows(con, duck_sql, spark_sql, duck_columns, numeric)
    if only_duck_rows == only_spark_rows and not unpaired:
        return None
    sample = con.execute(f"{duck_sql} except all {spark_sql} limit 2").fetchall()
    sample_spark = con.execute(f"{spark_sql} except all {duck_sql} limit 2").fetchall()
    return (
        f"{only_duck_rows} rows only on DuckDB, {only_spark_rows} only on Spark, "
        f"{unpaired} not within the rounding rule; duckdb: {sample}; spark: {sample_spark}"
    )


def compare_marts(duck_file: Path, warehouse: Path) -> tuple[list[str], dict[str, str]]:
    """(the marts compared, mart -> what differs) between the DuckDB file and the Spark tables."""
    problems: dict[str, str] = {}
    with duckdb.connect(str(duck_file), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        marts = duckdb_marts(con)
        for name in marts:
            spark = spark_table(warehouse, "marts", name)
            if spark is None:
                problems[name] = "not built on Spark"
                continue
            difference = relation_difference(con, f"marts.{name}", spark)
            if difference is not None:
                problems[name] = difference
    return marts, problems


@needs_spark
def test_spark_build_passes_every_data_test(spark_build, warehouse_small):
    errors = {uid: st for uid, st in spark_build.statuses().items() if st in ("error", "fail")}
    assert spark_build.returncode == 0, f"Spark build exited {spark_build.returncode}: {errors}"
    duck = {r["unique_id"]: r["status"] for r in node_results(warehouse_small.target)}
    spark = spark_build.statuses()
    duck_tests = {uid for uid in duck if uid.startswith("test.")}
    assert duck_tests and all(duck[uid] == "pass" for uid in duck_tests)
    not_passed = {uid: spark.get(uid, "not run") for uid in duck_tests if spark.get(uid) != "pass"}
    assert not not_passed, f"data tests not green on Spark: {not_passed}"


@needs_spark
def test_every_mart_has_the_same_rows_on_spark_and_duckdb(spark_build, warehouse_small):
    # a failing data test is the other test's finding; the marts built are compared anyway
    assert spark_build.statuses(), spark_build.output[-6000:]
    marts, problems = compare_marts(warehouse_small.duckdb, spark_build.warehouse)
    assert len(marts) > 30, marts
    assert not problems, "\n".join(f"{name}: {what}" for name, what in problems.items())


@needs_spark
def test_every_table_macro_question_has_the_same_rows_on_spark(
    spark_build, warehouse_small, raw_small
):
    assert spark_build.statuses(), spark_build.output[-6000:]
    started = time.monotonic()
    work = spark_build.warehouse.parent
    env = dict(
        os.environ,
        DBT_PROFILES_DIR=str(REPO),
        PLANTLEDGER_RAW=str(raw_small.path),
        PLANTLEDGER_SPARK_WAREHOUSE=str(spark_build.warehouse),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        PYTHONPATH=str(REPO),
    )
    with duckdb.connect(str(warehouse_small.duckdb), read_only=True) as con:
        params = analysis_parameters(con, raw_small.params.end_date)
    vars_ = {**manifest_vars(raw_small.path), **params}
    compiled = compile_questions(env, "spark", vars_, work)
    out = work / "analyses_rows"
    proc = subprocess.run(
        [sys.executable, "-m", "tests.spark_sql_runner", str(out)]
        + [f"{name}__{known_at}={sql}" for (name, known_at), sql in compiled.items()],
        cwd=work, env=env, capture_output=True, text=True, timeout=SPARK_TIMEOUT, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-6000:]
    problems: dict[str, str] = {}
    with duckdb.connect(str(warehouse_small.duckdb), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        for name, reference, compared, known_at in QUESTIONS:
            key = f"{name}__{known_at}"
            duck = reference_select(reference, params, known_at)
            spark = f"(select {compared} from read_parquet('{out / key}/*.parquet'))"
            sizes = [
                con.execute(f"select count(*) from {rows}").fetchone()[0] for rows in (duck, spark)
            ]
            if 0 in sizes:
                problems[key] = f"no rows to compare (DuckDB {sizes[0]}, Spark {sizes[1]})"
                continue
            difference = relation_difference(con, duck, spark)
            if difference is not None:
                problems[key] = difference
    print(f"\nanalyses on Spark against the table macros: {time.monotonic() - started:.1f} s")
    assert not problems, "\n".join(f"{key}: {what}" for key, what in problems.items())


def test_spark_vars_are_the_manifest_facts(raw_small):
    facts = manifest_vars(raw_small.path)
    assert facts["history_end_date"] == raw_small.manifest.parameters["end_date"]
    assert [load["load_id"] for load in facts["raw_loads"]] == [0]
    seed = raw_small.manifest.parameters["seed"]
    assert facts["raw_generation"] == f"0.01/{seed}/{raw_small.manifest.loads[0]['first_day']}"


def test_spark_vars_without_a_manifest_is_one_line(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("plantledger: error: no manifest") and err.count("\n") == 1
    with pytest.raises(ManifestVarsError):
        manifest_vars(tmp_path / "missing")
