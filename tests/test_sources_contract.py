"""The raw contract (``plantledger/schema.py``) and the dbt sources YAML declare the same raw
layer: the same tables, the same columns in the same order, the same types.

The contract's Polars types are mapped to the names DuckDB gives them by DuckDB itself: an empty
parquet file per table, written with the contract's schema, read back through DuckDB (what
dbt-duckdb's sources read), so the mapping cannot be wrong by hand.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
import yaml

from plantledger.schema import RAW_SCHEMAS

SOURCES_YAML = (
    Path(__file__).resolve().parents[1] / "models/staging/plantledger/_plantledger__sources.yml"
)
SOURCE = "plantledger"

Columns = list[tuple[str, str]]  # (column, type name), in order


def contract_columns(folder: Path) -> dict[str, Columns]:
    """Table -> its contract columns with the DuckDB type each reads as from parquet."""
    tables: dict[str, Columns] = {}
    with duckdb.connect() as con:
        for table, schema in RAW_SCHEMAS.items():
            path = folder / f"{table}.parquet"
            pl.DataFrame(schema=schema).write_parquet(path)
            relation = con.read_parquet(str(path))
            tables[table] = [
                (column, str(kind).lower())
                for column, kind in zip(relation.columns, relation.types, strict=True)
            ]
    return tables


def source_columns(sources: dict[str, Any]) -> dict[str, Columns]:
    """Table -> its columns and data_type as the sources YAML declares them."""
    (source,) = [s for s in sources["sources"] if s["name"] == SOURCE]
    return {
        table["name"]: [
            (column["name"], str(column.get("data_type", "")).lower())
            for column in table.get("columns", [])
        ]
        for table in source["tables"]
    }


def differences(contract: dict[str, Columns], declared: dict[str, Columns]) -> list[str]:
    """Every disagreement, one line each: tables on one side only, column lists that differ
    (names or order), types that differ."""
    found = [f"{t}: in schema.py, not in the sources YAML" for t in contract if t not in declared]
    found += [f"{t}: in the sources YAML, not in schema.py" for t in declared if t not in contract]
    for table in contract.keys() & declared.keys():
        ours, theirs = contract[table], declared[table]
        if [c for c, _ in ours] != [c for c, _ in theirs]:
            found.append(
                f"{table}: columns {[c for c, _ in ours]} in schema.py, "
                f"{[c for c, _ in theirs]} in the sources YAML"
            )
        types = dict(theirs)
        found += [
            f"{table}.{column}: {kind} in schema.py, {types[column] or 'no data_type'} in the "
            f"sources YAML"
            for column, kind in ours
            if column in types and types[column] != kind
        ]
    return sorted(found)


@pytest.fixture(scope="module")
def contract(tmp_path_factory) -> dict[str, Columns]:
    return contract_columns(tmp_path_factory.mktemp("contract"))


@pytest.fixture(scope="module")
def sources() -> dict[str, Any]:
    return yaml.safe_load(SOURCES_YAML.read_text(encoding="utf-8"))


def test_schema_py_and_the_sources_yaml_agree(contract, sources):
    assert differences(contract, source_columns(sources)) == []
    assert len(contract) == len(RAW_SCHEMAS) > 20


def test_a_deliberate_mismatch_is_reported(contract, sources):
    edited = copy.deepcopy(sources)
    (source,) = [s for s in edited["sources"] if s["name"] == SOURCE]
    tables = {table["name"]: table for table in source["tables"]}
    tier = next(c for c in tables["suppliers"]["columns"] if c["name"] == "tier")
    tier["data_type"] = "bigint"  # the contract says Int32
    tables["parts"]["columns"] = [c for c in tables["parts"]["columns"] if c["name"] != "base_uom"]
    source["tables"] = [t for t in source["tables"] if t["name"] != "customers"]
    source["tables"].append({"name": "pallets", "columns": [{"name": "id"}]})
    found = differences(contract, source_columns(edited))
    assert len(found) == 4, found
    assert "suppliers.tier: integer in schema.py, bigint in the sources YAML" in found
    assert "customers: in schema.py, not in the sources YAML" in found
    assert "pallets: in the sources YAML, not in schema.py" in found
    assert any(line.startswith("parts: columns [") for line in found)
