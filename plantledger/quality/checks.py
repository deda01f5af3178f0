"""The raw layer's expectation suites, defined in code from the contract and the design notes.

One suite per raw table (``plantledger/schema.py``), built from the tables below, which restate
``docs/raw_data_design.md``. Nothing here imports Great Expectations: a :class:`Check` names the
GX expectation class and its arguments, and :mod:`plantledger.quality.gx` builds it. Every table
gets

- ``table.columns``: exactly the contract's columns, in order;
- ``<column>.type``: the pandas dtype the contract type arrives as (see ``PANDAS_DTYPES``);
- ``<column>.not_null`` for every column not in ``NULLABLE``;
- ``unique`` for its keys and document numbers (in a versioned table, ``schema.VERSIONED_TABLES``,
  unique within one load: the key plus ``load_id``, since an append writes a new version of a
  changed row under the same key), ``in_set`` for the value sets (read from the dbt seeds,
  ``plantledger.quality.vocabularies``),
  ``format`` for the code formats, ``range`` for quantities, prices, ``load_id`` and the like;
- ``<column>.not_future`` for every instant that records something that happened (not planned
  times): at most the end of the manifest's ``end_date`` (23:59:59.999999 UTC), not the clock;
- ``order`` for columns that must not be before another (``server_timestamp`` after
  ``source_timestamp``, delivery after shipping, ...);
- ``references``: every non-null value exists as a key of another table. These use the custom
  expectation ``ExpectColumnValuesToExistInReference`` (GX evaluates membership against the key
  set, which plantledger reads from the referenced table's parquet with column projection; the
  key set is not written into the suite, so the Data Docs stay small).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from plantledger.quality.severity import severity_of
from plantledger.quality.vocabularies import RAW_VOCABULARIES, raw_value_set
from plantledger.schema import LOAD_ID, RAW_SCHEMAS, TABLES, VERSIONED_TABLES

# pandas dtype of each contract type after the conversion in plantledger.quality.gx.to_pandas
PANDAS_DTYPES: dict[pl.DataType, str] = {
    pl.Int64(): "Int64",
    pl.Int32(): "Int32",
    pl.Float64(): "float64",
    pl.String(): "str",
    pl.Boolean(): "boolean",
    pl.Date(): "datetime64[ms]",
    pl.Datetime("us", "UTC"): "datetime64[us, UTC]",
}

NULLABLE: dict[str, frozenset[str]] = {
    table: frozenset(columns)
    for table, columns in {
        "bill_of_materials": ["effective_to"],
        "products": ["discontinued_date"],
        "facilities": ["state"],
        "orders": ["shipped_date"],
        "shipments": ["order_id", "destination_facility_id", "transport_route_id", "delivered_at"],
        "production_routings": ["effective_to"],
        "work_orders": ["order_id", "actual_start_date", "actual_end_date"],
        "work_order_steps": ["actual_start", "actual_end"],
        "material_transactions": ["part_id", "product_id", "reason_code"],
        "storage_locations": ["parent_location_id", "position_sequence"],
        "material_lots": [
            "part_id",
            "product_id",
            "supplier_id",
            "work_order_id",
            "supplier_lot_number",
        ],
        "material_sublots": ["part_id", "product_id"],
        "sublot_movements": ["reason_code"],
        "plc_tag_events": ["value"],
    }.items()
}

# unique keys (a tuple of several columns is a compound key); every table has `id` but order_items
UNIQUE: dict[str, list[tuple[str, ...]]] = {
    "suppliers": [("supplier_code",)],
    "parts": [("part_number",)],
    "products": [("sku",)],
    "facilities": [("facility_code",)],
    "customers": [("customer_code",)],
    "orders": [("order_number",)],
    "order_items": [("order_id", "line_number")],
    "shipments": [("shipment_number",)],
    "supplier_certifications": [("certification_number",)],
    "work_centers": [("wc_code",)],
    "work_orders": [("wo_number",)],
    "work_order_steps": [("work_order_id", "step_sequence")],
    "material_transactions": [("transaction_number",)],
    "storage_locations": [("location_code",)],
    "material_lots": [("lot_code",)],
    "material_sublots": [("sublot_code",)],
    "supplier_receipts": [("receipt_number",)],
    "sublot_movements": [("movement_number",)],
    "inventory": [("facility_id", "part_id")],
}

FORMATS: dict[tuple[str, str], str] = {
    ("suppliers", "supplier_code"): r"^SUP\d{5}$",
    ("parts", "part_number"): r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$",  # PRT-000001, CHIP-001
    ("products", "sku"): r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$",
    ("facilities", "facility_code"): r"^FAC-[A-Z]{2,4}$",
    ("customers", "customer_code"): r"^CUST-(\d{5}|[A-Z]+)$",
    ("orders", "order_number"): r"^ORD-\d{4}-\d{3,}$",
    ("shipments", "shipment_number"): r"^(SHP|TRF|REP)-\d{7,}$",
    ("work_centers", "wc_code"): r"^WC-[A-Z]{3,4}-\d{2,}$",  # WC-ASM-100 from scale 3 on
    ("work_orders", "wo_number"): r"^WO-\d{4}-\d{5,}$",
    ("material_transactions", "transaction_number"): r"^MTX-\d{4}-\d{5,}$",
    ("material_transactions", "reference_number"): r"^WO-\d{4}-\d{5,}$",
    ("storage_locations", "location_code"): r"^FAC-[A-Z]{2,4}(/[A-Za-z0-9_-]+)*$",
    ("material_lots", "lot_code"): r"^LOT-\d{8,}$",
    ("material_sublots", "sublot_code"): r"^SL-\d{9,}$",
    ("supplier_receipts", "receipt_number"): r"^GR-\d{8,}$",
    ("supplier_receipts", "purchase_order_number"): r"^PO-\d{7,}$",
    ("sublot_movements", "movement_number"): r"^MV-\d{9,}$",
    ("plc_tag_events", "tag_name"): r"^FAC-[A-Z]{2,4}(/[A-Za-z0-9_-]+)+\.SublotID$",
    ("plc_tag_events", "value"): r"^SL-\d{9,}$",
}

# (min, max), either may be None
RANGES: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("parts", "unit_cost"): (0, None),
    ("parts", "weight_kg"): (0, None),
    ("parts", "lead_time_days"): (0, None),
    ("parts", "min_stock_level"): (0, None),
    ("bill_of_materials", "quantity"): (0, None),
    ("part_suppliers", "unit_cost"): (0, None),
    ("part_suppliers", "lead_time_days"): (0, None),
    ("products", "list_price"): (0, None),
    ("product_components", "quantity"): (1, None),
    ("facilities", "latitude"): (-90, 90),
    ("facilities", "longitude"): (-180, 180),
    ("facilities", "capacity_units"): (0, None),
    ("transport_routes", "distance_km"): (0, None),
    ("transport_routes", "transit_time_hours"): (0, None),
    ("transport_routes", "cost_usd"): (0, None),
    ("inventory", "quantity_on_hand"): (0, None),
    ("inventory", "quantity_reserved"): (0, None),
    ("inventory", "quantity_on_order"): (0, None),
    ("orders", "total_amount"): (0, None),
    ("order_items", "line_number"): (1, None),
    ("order_items", "quantity"): (1, None),
    ("order_items", "unit_price"): (0, None),
    ("order_items", "discount_percent"): (0, 100),
    ("shipments", "weight_kg"): (0, None),
    ("shipments", "cost_usd"): (0, None),
    ("work_centers", "capacity_per_day"): (0, None),
    ("work_centers", "efficiency_rating"): (0, 1),
    ("work_centers", "hourly_rate_usd"): (0, None),
    ("work_orders", "priority"): (1, 5),
    ("work_orders", "quantity_planned"): (1, None),
    ("work_orders", "quantity_completed"): (0, None),
    ("work_orders", "quantity_scrapped"): (0, None),
    ("work_order_steps", "quantity_in"): (0, None),
    ("work_order_steps", "quantity_out"): (0, None),
    ("work_order_steps", "quantity_scrapped"): (0, None),
    ("work_order_steps", "labor_hours"): (0, None),
    ("work_order_steps", "machine_hours"): (0, None),
    ("material_transactions", "quantity"): (1, None),
    ("material_transactions", "unit_cost"): (0, None),
    ("storage_locations", "position_sequence"): (1, None),
    ("material_lots", "quantity"): (1, None),
    ("material_sublots", "initial_quantity"): (1, None),
    ("material_sublots", "quantity"): (0, None),
    ("supplier_receipts", "quantity"): (1, None),
    ("sublot_movements", "quantity"): (1, None),
    ("shipment_sublots", "quantity"): (1, None),
    **{(table, LOAD_ID): (0, None) for table in TABLES},
}

# (table, later column, earlier column): later >= earlier where both are set
ORDER: list[tuple[str, str, str]] = [
    ("plc_tag_events", "server_timestamp", "source_timestamp"),
    ("shipments", "delivered_at", "shipped_at"),
    ("orders", "required_date", "order_date"),
    ("work_orders", "actual_end_date", "actual_start_date"),
    ("work_order_steps", "actual_end", "actual_start"),
    ("material_sublots", "updated_at", "created_at"),
]

# instants that may lie after the end date (plans)
PLANNED: frozenset[tuple[str, str]] = frozenset({("work_order_steps", "planned_start")})

# rows of these tables must come in ascending order of this column in the files (the feed order)
FILE_ORDER: dict[str, str] = {"plc_tag_events": "id"}

_LOCATIONS = "storage_locations.id"
REFERENCES: dict[tuple[str, str], str] = {
    ("supplier_relationships", "seller_id"): "suppliers.id",
    ("supplier_relationships", "buyer_id"): "suppliers.id",
    ("parts", "primary_supplier_id"): "suppliers.id",
    ("bill_of_materials", "parent_part_id"): "parts.id",
    ("bill_of_materials", "child_part_id"): "parts.id",
    ("part_suppliers", "part_id"): "parts.id",
    ("part_suppliers", "supplier_id"): "suppliers.id",
    ("product_components", "product_id"): "products.id",
    ("product_components", "part_id"): "parts.id",
    ("transport_routes", "origin_facility_id"): "facilities.id",
    ("transport_routes", "destination_facility_id"): "facilities.id",
    ("inventory", "facility_id"): "facilities.id",
    ("inventory", "part_id"): "parts.id",
    ("orders", "customer_id"): "customers.id",
    ("orders", "shipping_facility_id"): "facilities.id",
    ("order_items", "order_id"): "orders.id",
    ("order_items", "product_id"): "products.id",
    ("shipments", "order_id"): "orders.id",
    ("shipments", "origin_facility_id"): "facilities.id",
    ("shipments", "destination_facility_id"): "facilities.id",
    ("shipments", "transport_route_id"): "transport_routes.id",
    ("supplier_certifications", "supplier_id"): "suppliers.id",
    ("work_centers", "facility_id"): "facilities.id",
    ("production_routings", "product_id"): "products.id",
    ("production_routings", "work_center_id"): "work_centers.id",
    ("work_orders", "product_id"): "products.id",
    ("work_orders", "facility_id"): "facilities.id",
    ("work_orders", "order_id"): "orders.id",
    ("work_order_steps", "work_order_id"): "work_orders.id",
    ("work_order_steps", "routing_step_id"): "production_routings.id",
    ("work_order_steps", "work_center_id"): "work_centers.id",
    ("material_transactions", "work_order_id"): "work_orders.id",
    ("material_transactions", "part_id"): "parts.id",
    ("material_transactions", "product_id"): "products.id",
    ("material_transactions", "facility_id"): "facilities.id",
    ("material_transactions", "material_sublot_id"): "material_sublots.id",
    ("material_transactions", "storage_location_id"): _LOCATIONS,
    ("storage_locations", "facility_id"): "facilities.id",
    ("storage_locations", "parent_location_id"): _LOCATIONS,
    ("material_lots", "part_id"): "parts.id",
    ("material_lots", "product_id"): "products.id",
    ("material_lots", "supplier_id"): "suppliers.id",
    ("material_lots", "work_order_id"): "work_orders.id",
    ("material_sublots", "material_lot_id"): "material_lots.id",
    ("material_sublots", "part_id"): "parts.id",
    ("material_sublots", "product_id"): "products.id",
    ("material_sublots", "facility_id"): "facilities.id",
    ("material_sublots", "storage_location_id"): _LOCATIONS,
    ("supplier_receipts", "material_sublot_id"): "material_sublots.id",
    ("supplier_receipts", "supplier_id"): "suppliers.id",
    ("supplier_receipts", "part_id"): "parts.id",
    ("supplier_receipts", "facility_id"): "facilities.id",
    ("supplier_receipts", "storage_location_id"): _LOCATIONS,
    ("sublot_movements", "material_sublot_id"): "material_sublots.id",
    ("sublot_movements", "facility_id"): "facilities.id",
    ("sublot_movements", "from_location_id"): _LOCATIONS,
    ("sublot_movements", "to_location_id"): _LOCATIONS,
    ("shipment_sublots", "shipment_id"): "shipments.id",
    ("shipment_sublots", "material_sublot_id"): "material_sublots.id",
    ("shipment_sublots", "from_location_id"): _LOCATIONS,
    ("shipment_sublots", "to_location_id"): _LOCATIONS,
    ("plc_tag_events", "storage_location_id"): _LOCATIONS,
    ("plc_tag_events", "value"): "material_sublots.sublot_code",
}


@dataclass(frozen=True)
class Check:
    """One expectation of one table's suite."""

    table: str
    target: str  # a column, "a+b" for several, or "table"
    kind: str
    expectation: str  # the GX expectation class name
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    description: str | None = None  # shown in the Data Docs instead of GX's own wording

    @property
    def id(self) -> str:
        return f"{self.table}.{self.target}.{self.kind}"

    @property
    def severity(self) -> str:
        return severity_of(self.id)

    @property
    def reference(self) -> str | None:
        """``table.column`` whose keys this check needs, for reference checks."""
        return self.kwargs.get("reference") if self.kind == "references" else None


def table_checks(table: str, end_instant: dt.datetime) -> list[Check]:
    """The suite of ``table``: every check, in a stable order."""
    schema = RAW_SCHEMAS[table]
    return [
        *_shape_checks(table, schema),
        *_column_checks(table, schema, end_instant),
        *_row_order_checks(table),
    ]


def _shape_checks(table: str, schema: dict[str, pl.DataType]) -> list[Check]:
    """The table's columns in order, each column's type and nulls, and its unique keys."""
    checks = [
        Check(
            table,
            "table",
            "columns",
            "ExpectTableColumnsToMatchOrderedList",
            {"column_list": list(schema)},
        )
    ]
    for column, dtype in schema.items():
        checks.append(
            Check(
                table,
                column,
                "type",
                "ExpectColumnTypeToBe",
                {"column": column, "type_": PANDAS_DTYPES[dtype]},
            )
        )
        if column not in NULLABLE.get(table, ()):
            checks.append(
                Check(
                    table, column, "not_null", "ExpectColumnValuesToNotBeNull", {"column": column}
                )
            )
    keys = ([("id",)] if "id" in schema else []) + UNIQUE.get(table, [])
    if table in VERSIONED_TABLES:
        keys = [(*key, LOAD_ID) for key in keys]
    for key in keys:
        if len(key) == 1:
            checks.append(
                Check(table, key[0], "unique", "ExpectColumnValuesToBeUnique", {"column": key[0]})
            )
        else:
            checks.append(
                Check(
                    table,
                    "+".join(key),
                    "unique",
                    "ExpectCompoundColumnsToBeUnique",
                    {"column_list": list(key)},
                )
            )
    return checks


def _column_checks(
    table: str, schema: dict[str, pl.DataType], end_instant: dt.datetime
) -> list[Check]:
    """Per column: value sets, formats, ranges, no instant after the history, references."""
    checks: list[Check] = []
    for column in schema:
        if (table, column) in RAW_VOCABULARIES:
            checks.append(
                Check(
                    table,
                    column,
                    "in_set",
                    "ExpectColumnValuesToBeInSet",
                    {"column": column, "value_set": raw_value_set(table, column)},
                )
            )
        if (table, column) in FORMATS:
            checks.append(
                Check(
                    table,
                    column,
                    "format",
                    "ExpectColumnValuesToMatchRegex",
                    {"column": column, "regex": FORMATS[(table, column)]},
                )
            )
        if (table, column) in RANGES:
            low, high = RANGES[(table, column)]
            checks.append(
                Check(
                    table,
                    column,
                    "range",
                    "ExpectColumnValuesToBeBetween",
                    {"column": column, "min_value": low, "max_value": high},
                )
            )
        if schema[column] == pl.Datetime("us", "UTC") and (table, column) not in PLANNED:
            checks.append(
                Check(
                    table,
                    column,
                    "not_future",
                    "ExpectColumnValuesToBeBetween",
                    {"column": column, "max_value": end_instant},
                    f"values of `{column}` must not be after the end of the history "
                    f"({end_instant.isoformat()})",
                )
            )
        if (table, column) in REFERENCES:
            reference = REFERENCES[(table, column)]
            checks.append(
                Check(
                    table,
                    column,
                    "references",
                    "ExpectColumnValuesToExistInReference",
                    {"column": column, "reference": reference},
                    f"every non-null `{column}` must exist as `{reference}`",
                )
            )
    return checks


def _row_order_checks(table: str) -> list[Check]:
    """Column pairs in order within a row, and rows in the feed's order in the files."""
    checks: list[Check] = []
    for order_table, later, earlier in ORDER:
        if order_table == table:
            checks.append(
                Check(
                    table,
                    f"{later}+{earlier}",
                    "order",
                    "ExpectColumnPairValuesAToBeGreaterThanB",
                    {
                        "column_A": later,
                        "column_B": earlier,
                        "or_equal": True,
                        "ignore_row_if": "either_value_is_missing",
                    },
                )
            )
    if table in FILE_ORDER:
        column = FILE_ORDER[table]
        checks.append(
            Check(
                table,
                column,
                "file_order",
                "ExpectColumnValuesToBeIncreasing",
                {"column": column},
                f"rows come in ascending `{column}` order in the files (the feed's order)",
            )
        )
    return checks


def all_checks(end_instant: dt.datetime) -> dict[str, list[Check]]:
    """Every table's suite, in contract order."""
    return {table: table_checks(table, end_instant) for table in TABLES}
