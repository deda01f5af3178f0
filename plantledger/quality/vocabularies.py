"""The value sets of the raw columns, read from the dbt seeds: their one home.

``seeds/value_sets.csv`` holds one row per (vocabulary, value); ``seeds/location_types.csv`` the
storage location types (``in_raw_data``: the ones a raw ``storage_locations`` row may have; the
``production`` type is derived in dbt). The quality gate (``plantledger.quality.checks``), the
dbt tests (relationships rules to the seeds in the ``_*__models.yml`` files) and the test suite
all read them, so a value added to or removed from a seed changes every check at once.

``RAW_VOCABULARIES`` says which vocabulary each raw column's values belong to; values are typed
as the raw contract (``plantledger/schema.py``) types the column.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import polars as pl

from plantledger.params import ParameterError
from plantledger.schema import RAW_SCHEMAS

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"  # the dbt project's seed-paths
VALUE_SETS_SEED = "value_sets.csv"
LOCATION_TYPES_SEED = "location_types.csv"
LOCATION_TYPE = "location_type"  # the vocabulary read from LOCATION_TYPES_SEED

# (raw table, column) -> the vocabulary its values must belong to
RAW_VOCABULARIES: dict[tuple[str, str], str] = {
    ("suppliers", "tier"): "supplier_tier",
    ("supplier_relationships", "relationship_type"): "supplier_relationship_type",
    ("supplier_relationships", "relationship_status"): "supplier_relationship_status",
    ("parts", "base_uom"): "unit_of_measure",
    ("bill_of_materials", "unit"): "unit_of_measure",
    ("facilities", "facility_type"): "facility_type",
    ("transport_routes", "transport_mode"): "transport_mode",
    ("transport_routes", "route_status"): "route_status",
    ("customers", "customer_type"): "customer_type",
    ("orders", "status"): "order_status",
    ("shipments", "shipment_type"): "shipment_type",
    ("shipments", "status"): "shipment_status",
    ("work_centers", "work_center_type"): "work_center_type",
    ("work_orders", "order_type"): "work_order_type",
    ("work_orders", "status"): "work_order_status",
    ("work_order_steps", "status"): "step_status",
    ("material_transactions", "transaction_type"): "transaction_type",
    ("material_transactions", "reason_code"): "scrap_reason",
    ("storage_locations", "location_type"): LOCATION_TYPE,
    ("material_sublots", "status"): "sublot_status",
    ("supplier_receipts", "status"): "stock_status",
    ("sublot_movements", "movement_type"): "sublot_movement_type",
    ("sublot_movements", "from_status"): "stock_status",
    ("sublot_movements", "to_status"): "stock_status",
    ("plc_tag_events", "quality"): "plc_quality",
}


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a seed CSV that must have ``columns``; one-line errors otherwise."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise ParameterError(
                    f"seed {path} has no column {', '.join(missing)}: restore it from the "
                    f"repository (the quality checks and dbt read their value sets from it)"
                )
            return list(reader)
    except OSError as exc:
        raise ParameterError(
            f"cannot read the seed {path} ({exc.strerror or exc}): the quality checks read "
            f"their value sets from the dbt project's seeds/; run from a checkout of plantledger"
        ) from None


def vocabularies(seeds: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Vocabulary -> its values as text, in the seeds' order (location_type: the raw ones).

    ``seeds`` is the seed folder, :data:`SEEDS_DIR` (read when called) by default."""
    seeds = SEEDS_DIR if seeds is None else seeds
    values: dict[str, list[str]] = {}
    for row in _rows(seeds / VALUE_SETS_SEED, ("vocabulary", "value")):
        values.setdefault(row["vocabulary"], []).append(row["value"])
    values[LOCATION_TYPE] = list(location_types("in_raw_data", seeds))
    return {name: tuple(vals) for name, vals in values.items()}


def location_types(flag: str, seeds: Path | None = None) -> tuple[str, ...]:
    """The location types whose boolean column ``flag`` of the location_types seed is true
    (is_physical, relocates_sublot, in_raw_data)."""
    seeds = SEEDS_DIR if seeds is None else seeds
    rows = _rows(seeds / LOCATION_TYPES_SEED, (LOCATION_TYPE, flag))
    return tuple(row[LOCATION_TYPE] for row in rows if row[flag].strip() == "true")


def _typed(text: str, dtype: pl.DataType, where: str) -> Any:
    """A seed value as the raw contract types its column (integers for integer columns)."""
    if dtype.is_integer():
        try:
            return int(text)
        except ValueError:
            raise ParameterError(
                f"{where}: value {text!r} is not a whole number, but the raw column is "
                f"{dtype}: fix {VALUE_SETS_SEED}"
            ) from None
    return text


def raw_value_set(table: str, column: str, seeds: Path | None = None) -> list[Any]:
    """The accepted values of a raw column, typed as its contract type."""
    name = RAW_VOCABULARIES[(table, column)]
    found = vocabularies(seeds)
    if not found.get(name):
        raise ParameterError(
            f"seeds/{VALUE_SETS_SEED} has no value of vocabulary {name!r} "
            f"({table}.{column} needs it): add its rows"
        )
    dtype = RAW_SCHEMAS[table][column]
    return [_typed(text, dtype, f"{name} of {table}.{column}") for text in found[name]]


def raw_value_sets(seeds: Path | None = None) -> dict[tuple[str, str], list[Any]]:
    """Every raw column's accepted values (:func:`raw_value_set`)."""
    return {key: raw_value_set(*key, seeds=seeds) for key in RAW_VOCABULARIES}
