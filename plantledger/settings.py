"""Settings: the environment variables plantledger reads and the default paths, in one place.

The dbt side reads the same variables with the same defaults (``profiles.yml``, the sources YAML
and ``macros/raw/raw_data.sql``); ``tests/test_settings.py`` holds the two equal.
"""

from __future__ import annotations

import os
from pathlib import Path

RAW_ENV = "PLANTLEDGER_RAW"  # the raw parquet folder dbt builds from
DUCKDB_ENV = "PLANTLEDGER_DUCKDB"  # the DuckDB warehouse file dbt writes and reports read
DUCKDB_MEMORY_LIMIT_ENV = "PLANTLEDGER_DUCKDB_MEMORY_LIMIT"  # read by profiles.yml only

DEFAULT_RAW = "data/raw"
DEFAULT_WAREHOUSE = "warehouse/plantledger.duckdb"
DEFAULT_DUCKDB_MEMORY_LIMIT = "6GB"
DEFAULT_DATA_DOCS = "reports/data_docs"

# The spark output of profiles.yml (README, "Running on Apache Spark"); read by dbt only.
SPARK_MASTER_ENV = "PLANTLEDGER_SPARK_MASTER"
SPARK_WAREHOUSE_ENV = "PLANTLEDGER_SPARK_WAREHOUSE"
SPARK_DRIVER_MEMORY_ENV = "PLANTLEDGER_SPARK_DRIVER_MEMORY"
SPARK_SHUFFLE_PARTITIONS_ENV = "PLANTLEDGER_SPARK_SHUFFLE_PARTITIONS"
DEFAULT_SPARK_MASTER = "local[2]"
DEFAULT_SPARK_WAREHOUSE = "warehouse/spark"
DEFAULT_SPARK_DRIVER_MEMORY = "2g"
DEFAULT_SPARK_SHUFFLE_PARTITIONS = "4"


def raw_folder() -> Path:
    """The raw folder dbt builds from: ``$PLANTLEDGER_RAW``, else :data:`DEFAULT_RAW`."""
    return Path(os.environ.get(RAW_ENV) or DEFAULT_RAW)


def warehouse_file() -> str:
    """The warehouse file: ``$PLANTLEDGER_DUCKDB``, else :data:`DEFAULT_WAREHOUSE`."""
    return os.environ.get(DUCKDB_ENV) or DEFAULT_WAREHOUSE


def dbt_environment(raw: Path, warehouse: Path, **extra: str) -> dict[str, str]:
    """This process's environment with the raw folder and the warehouse file set for dbt
    (absolute paths), and ``extra`` variables."""
    return dict(
        os.environ,
        **{RAW_ENV: str(raw.resolve()), DUCKDB_ENV: str(warehouse.resolve())},
        **extra,
    )
