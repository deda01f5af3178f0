"""Run compiled SQL files in one local SparkSession configured as profiles.yml's ``spark``
output (its ``server_side_parameters``, with their ``env_var`` defaults or the environment's
values): the same warehouse folder and Derby metastore as a ``dbt --target spark`` build, so
the queries read the tables that build left. Each query's rows are written as parquet to
``OUT/<name>/`` for DuckDB to read.

    python -m tests.spark_sql_runner OUT NAME=FILE.sql [NAME=FILE.sql ...]

Used by tests/test_spark.py in a subprocess, after the build's dbt process has ended (Derby
takes one JVM at a time), so the JVM and its memory leave with it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
ENV_VAR = re.compile(r"\{\{\s*env_var\('([A-Z0-9_]+)'(?:,\s*'([^']*)')?\)\s*\}\}")


def profile_spark_conf(env: Mapping[str, str], profiles: Path = REPO / "profiles.yml") -> dict:
    """The ``server_side_parameters`` of the ``spark`` output, env_var calls rendered."""
    profile = yaml.safe_load(profiles.read_text(encoding="utf-8"))
    parameters = profile["plantledger"]["outputs"]["spark"]["server_side_parameters"]

    def render(value: object) -> str:
        return ENV_VAR.sub(lambda m: env.get(m.group(1), m.group(2) or ""), str(value))

    return {name: render(value) for name, value in parameters.items()}


def main(argv: list[str]) -> int:
    from pyspark.sql import SparkSession

    out = Path(argv[0])
    builder = SparkSession.builder.enableHiveSupport()
    for name, value in profile_spark_conf(os.environ).items():
        builder = builder.config(name, value)
    spark = builder.getOrCreate()
    try:
        for pair in argv[1:]:
            name, sql_file = pair.split("=", 1)
            sql = Path(sql_file).read_text(encoding="utf-8")
            spark.sql(sql).write.mode("overwrite").parquet(str(out / name))
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
