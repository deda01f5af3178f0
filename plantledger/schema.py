"""The raw layer's contract: every table the generator writes, its columns and their types.

This module is the single source of truth shared by the generator (which casts to it before
writing), the tests (which check the written files against it) and the dbt sources (documented
from it). Times are UTC instants (``Datetime("us", "UTC")``); calendar dates are ``Date``.

Every table ends with ``load_id``: the load that wrote the row (0 for ``plantledger generate``,
k for the k-th ``plantledger generate --append-days``). Versioned tables hold a new version of a
row (same key, higher ``load_id``) whenever an append changed it; see ``VERSIONED_TABLES``,
``latest_versions`` and docs/raw_data_design.md, "Loads and appends".
"""

from __future__ import annotations

from typing import TypeVar

import polars as pl

TS = pl.Datetime("us", "UTC")
ID = pl.Int64
INT = pl.Int32
MONEY = pl.Float64
STR = pl.String
BOOL = pl.Boolean
DATE = pl.Date
FLOAT = pl.Float64

RAW_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    # --- base supply-chain model -------------------------------------------------------------
    "suppliers": {
        "id": ID,
        "supplier_code": STR,
        "name": STR,
        "tier": INT,
        "country": STR,
        "city": STR,
        "contact_email": STR,
        "credit_rating": STR,
        "is_active": BOOL,
        "created_at": TS,
        "load_id": INT,
    },
    "supplier_relationships": {
        "id": ID,
        "seller_id": ID,
        "buyer_id": ID,
        "relationship_type": STR,
        "contract_start_date": DATE,
        "contract_end_date": DATE,
        "is_primary": BOOL,
        "relationship_status": STR,
        "load_id": INT,
    },
    "parts": {
        "id": ID,
        "part_number": STR,
        "description": STR,
        "category": STR,
        "unit_cost": MONEY,
        "weight_kg": FLOAT,
        "lead_time_days": INT,
        "primary_supplier_id": ID,
        "is_critical": BOOL,
        "min_stock_level": INT,
        "base_uom": STR,
        "created_at": TS,
        "load_id": INT,
    },
    "bill_of_materials": {
        "id": ID,
        "parent_part_id": ID,
        "child_part_id": ID,
        "quantity": FLOAT,
        "unit": STR,
        "is_optional": BOOL,
        "assembly_sequence": INT,
        "effective_from": DATE,
        "effective_to": DATE,
        "load_id": INT,
    },
    "part_suppliers": {
        "id": ID,
        "part_id": ID,
        "supplier_id": ID,
        "supplier_part_number": STR,
        "unit_cost": MONEY,
        "lead_time_days": INT,
        "is_approved": BOOL,
        "load_id": INT,
    },
    "products": {
        "id": ID,
        "sku": STR,
        "name": STR,
        "category": STR,
        "list_price": MONEY,
        "is_active": BOOL,
        "launch_date": DATE,
        "discontinued_date": DATE,
        "load_id": INT,
    },
    "product_components": {
        "id": ID,
        "product_id": ID,
        "part_id": ID,
        "quantity": INT,
        "is_required": BOOL,
        "load_id": INT,
    },
    "facilities": {
        "id": ID,
        "facility_code": STR,
        "name": STR,
        "facility_type": STR,
        "city": STR,
        "state": STR,
        "country": STR,
        "timezone": STR,
        "latitude": FLOAT,
        "longitude": FLOAT,
        "capacity_units": INT,
        "created_at": TS,
        "load_id": INT,
    },
    "transport_routes": {
        "id": ID,
        "origin_facility_id": ID,
        "destination_facility_id": ID,
        "transport_mode": STR,
        "distance_km": FLOAT,
        "transit_time_hours": FLOAT,
        "cost_usd": MONEY,
        "route_status": STR,
        "load_id": INT,
    },
    "inventory": {
        "id": ID,
        "facility_id": ID,
        "part_id": ID,
        "quantity_on_hand": INT,
        "quantity_reserved": INT,
        "quantity_on_order": INT,
        "reorder_point": INT,
        "last_counted_at": TS,
        "load_id": INT,
    },
    "customers": {
        "id": ID,
        "customer_code": STR,
        "name": STR,
        "customer_type": STR,
        "city": STR,
        "country": STR,
        "created_at": TS,
        "load_id": INT,
    },
    "orders": {
        "id": ID,
        "order_number": STR,
        "customer_id": ID,
        "order_date": DATE,
        "required_date": DATE,
        "shipped_date": DATE,
        "status": STR,
        "shipping_facility_id": ID,
        "total_amount": MONEY,
        "created_at": TS,
        "load_id": INT,
    },
    "order_items": {
        "order_id": ID,
        "line_number": INT,
        "product_id": ID,
        "quantity": INT,
        "unit_price": MONEY,
        "discount_percent": FLOAT,
        "load_id": INT,
    },
    "shipments": {
        "id": ID,
        "shipment_number": STR,
        "order_id": ID,
        "origin_facility_id": ID,
        "destination_facility_id": ID,
        "transport_route_id": ID,
        "shipment_type": STR,
        "carrier": STR,
        "status": STR,
        "shipped_at": TS,
        "delivered_at": TS,
        "weight_kg": FLOAT,
        "cost_usd": MONEY,
        "load_id": INT,
    },
    "supplier_certifications": {
        "id": ID,
        "supplier_id": ID,
        "certification_type": STR,
        "certification_number": STR,
        "issued_date": DATE,
        "expiry_date": DATE,
        "is_valid": BOOL,
        "load_id": INT,
    },
    # --- manufacturing execution layer -------------------------------------------------------
    "work_centers": {
        "id": ID,
        "wc_code": STR,
        "name": STR,
        "facility_id": ID,
        "work_center_type": STR,
        "capacity_per_day": INT,
        "efficiency_rating": FLOAT,
        "hourly_rate_usd": MONEY,
        "setup_time_mins": INT,
        "is_active": BOOL,
        "created_at": TS,
        "load_id": INT,
    },
    "production_routings": {
        "id": ID,
        "product_id": ID,
        "step_sequence": INT,
        "operation_name": STR,
        "work_center_id": ID,
        "setup_time_mins": INT,
        "run_time_per_unit_mins": FLOAT,
        "is_active": BOOL,
        "effective_from": DATE,
        "effective_to": DATE,
        "created_at": TS,
        "load_id": INT,
    },
    "work_orders": {
        "id": ID,
        "wo_number": STR,
        "product_id": ID,
        "facility_id": ID,
        "order_id": ID,
        "order_type": STR,
        "priority": INT,
        "quantity_planned": INT,
        "quantity_completed": INT,
        "quantity_scrapped": INT,
        "status": STR,
        "planned_start_date": DATE,
        "planned_end_date": DATE,
        "actual_start_date": TS,
        "actual_end_date": TS,
        "created_at": TS,
        "updated_at": TS,
        "load_id": INT,
    },
    "work_order_steps": {
        "id": ID,
        "work_order_id": ID,
        "routing_step_id": ID,
        "step_sequence": INT,
        "work_center_id": ID,
        "status": STR,
        "quantity_in": INT,
        "quantity_out": INT,
        "quantity_scrapped": INT,
        "planned_start": TS,
        "actual_start": TS,
        "actual_end": TS,
        "labor_hours": FLOAT,
        "machine_hours": FLOAT,
        "load_id": INT,
    },
    "material_transactions": {
        "id": ID,
        "transaction_number": STR,
        "transaction_type": STR,
        "work_order_id": ID,
        "part_id": ID,
        "product_id": ID,
        "facility_id": ID,
        "material_sublot_id": ID,
        "storage_location_id": ID,
        "quantity": INT,
        "unit_cost": MONEY,
        "reason_code": STR,
        "reference_number": STR,
        "created_at": TS,
        "created_by": STR,
        "load_id": INT,
    },
    # --- material sublot layer ---------------------------------------------------------------
    "storage_locations": {
        "id": ID,
        "location_code": STR,
        "name": STR,
        "facility_id": ID,
        "parent_location_id": ID,
        "location_type": STR,
        "is_physical": BOOL,
        "position_sequence": INT,
        "created_at": TS,
        "load_id": INT,
    },
    "material_lots": {
        "id": ID,
        "lot_code": STR,
        "part_id": ID,
        "product_id": ID,
        "supplier_id": ID,
        "work_order_id": ID,
        "supplier_lot_number": STR,
        "quantity": INT,
        "created_at": TS,
        "load_id": INT,
    },
    "material_sublots": {
        "id": ID,
        "sublot_code": STR,
        "material_lot_id": ID,
        "part_id": ID,
        "product_id": ID,
        "initial_quantity": INT,
        "facility_id": ID,
        "storage_location_id": ID,
        "quantity": INT,
        "status": STR,
        "created_at": TS,
        "updated_at": TS,
        "load_id": INT,
    },
    "supplier_receipts": {
        "id": ID,
        "receipt_number": STR,
        "material_sublot_id": ID,
        "supplier_id": ID,
        "part_id": ID,
        "facility_id": ID,
        "storage_location_id": ID,
        "quantity": INT,
        "status": STR,
        "purchase_order_number": STR,
        "received_at": TS,
        "load_id": INT,
    },
    "sublot_movements": {
        "id": ID,
        "movement_number": STR,
        "movement_type": STR,
        "material_sublot_id": ID,
        "facility_id": ID,
        "from_location_id": ID,
        "to_location_id": ID,
        "quantity": INT,
        "from_status": STR,
        "to_status": STR,
        "reason_code": STR,
        "moved_at": TS,
        "recorded_by": STR,
        "load_id": INT,
    },
    "shipment_sublots": {
        "id": ID,
        "shipment_id": ID,
        "material_sublot_id": ID,
        "from_location_id": ID,
        "to_location_id": ID,
        "quantity": INT,
        "load_id": INT,
    },
    "plc_tag_events": {
        "id": ID,
        "tag_name": STR,
        "storage_location_id": ID,
        "value": STR,
        "source_timestamp": TS,
        "server_timestamp": TS,
        "quality": STR,
        "load_id": INT,
    },
}

TABLES: tuple[str, ...] = tuple(RAW_SCHEMAS)

LOAD_ID = "load_id"
"""Last column of every table: 0 for the rows of ``plantledger generate``, k for the k-th
``plantledger generate --append-days`` (see docs/raw_data_design.md, "Loads and appends")."""

EVENT_TABLES: tuple[str, ...] = (
    "material_transactions",
    "sublot_movements",
    "shipment_sublots",
    "plc_tag_events",
)
"""Tables of events: an append only adds rows with new ids, a row is never repeated."""

VERSIONED_TABLES: tuple[str, ...] = tuple(t for t in TABLES if t not in EVENT_TABLES)
"""Tables of things whose state can change: an append writes a new version of a changed row (same
key, the append's ``load_id``); the current state is, per key, the row of the highest load_id."""

KEYS: dict[str, tuple[str, ...]] = {
    table: ("order_id", "line_number") if table == "order_items" else ("id",) for table in TABLES
}
"""The key that identifies a row (and its versions) in each table."""


def cast_to_contract(table: str, frame: pl.DataFrame, load_id: int | None = None) -> pl.DataFrame:
    """Select and cast ``frame`` to the contract of ``table``; missing or extra columns raise.

    ``load_id`` fills the ``load_id`` column when ``frame`` has none (a frame that has one keeps
    it); without it a frame lacking ``load_id`` is missing a column like any other.
    """
    schema = RAW_SCHEMAS[table]
    if load_id is not None and LOAD_ID not in frame.columns:
        frame = frame.with_columns(pl.lit(load_id, INT).alias(LOAD_ID))
    missing = [c for c in schema if c not in frame.columns]
    extra = [c for c in frame.columns if c not in schema]
    if missing or extra:
        raise ValueError(f"{table}: columns missing {missing}, unexpected {extra}")
    return frame.select(pl.col(c).cast(t, strict=True) for c, t in schema.items())


FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)


def latest_versions(frame: FrameT, table: str) -> FrameT:
    """The current rows of ``table``: per key, the rows of its highest ``load_id``."""
    key = list(KEYS[table])
    return frame.filter(pl.col(LOAD_ID) == pl.col(LOAD_ID).max().over(key))
