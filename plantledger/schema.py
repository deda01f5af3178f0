"""The raw layer's contract: every table the generator writes, its columns and their types.

This module is the single source of truth shared by the generator (which casts to it before
writing), the tests (which check the written files against it) and the dbt sources (documented
from it). Times are UTC instants (``Datetime("us", "UTC")``); calendar dates are ``Date``.
"""

from __future__ import annotations

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
        "id": ID, "supplier_code": STR, "name": STR, "tier": INT, "country": STR, "city": STR,
        "contact_email": STR, "credit_rating": STR, "is_active": BOOL, "created_at": TS,
    },
    "supplier_relationships": {
        "id": ID, "seller_id": ID, "buyer_id": ID, "relationship_type": STR,
        "contract_start_date": DATE, "contract_end_date": DATE, "is_primary": BOOL,
        "relationship_status": STR,
    },
    "parts": {
        "id": ID, "part_number": STR, "description": STR, "category": STR, "unit_cost": MONEY,
        "weight_kg": FLOAT, "lead_time_days": INT, "primary_supplier_id": ID,
        "is_critical": BOOL, "min_stock_level": INT, "base_uom": STR, "created_at": TS,
    },
    "bill_of_materials": {
        "id": ID, "parent_part_id": ID, "child_part_id": ID, "quantity": FLOAT, "unit": STR,
        "is_optional": BOOL, "assembly_sequence": INT, "effective_from": DATE,
        "effective_to": DATE,
    },
    "part_suppliers": {
        "id": ID, "part_id": ID, "supplier_id": ID, "supplier_part_number": STR,
        "unit_cost": MONEY, "lead_time_days": INT, "is_approved": BOOL,
    },
    "products": {
        "id": ID, "sku": STR, "name": STR, "category": STR, "list_price": MONEY,
        "is_active": BOOL, "launch_date": DATE, "discontinued_date": DATE,
    },
    "product_components": {
        "id": ID, "product_id": ID, "part_id": ID, "quantity": INT, "is_required": BOOL,
    },
    "facilities": {
        "id": ID, "facility_code": STR, "name": STR, "facility_type": STR, "city": STR,
        "state": STR, "country": STR, "timezone": STR, "latitude": FLOAT, "longitude": FLOAT,
        "capacity_units": INT, "created_at": TS,
    },
    "transport_routes": {
        "id": ID, "origin_facility_id": ID, "destination_facility_id": ID,
        "transport_mode": STR, "distance_km": FLOAT, "transit_time_hours": FLOAT,
        "cost_usd": MONEY, "route_status": STR,
    },
    "inventory": {
        "id": ID, "facility_id": ID, "part_id": ID, "quantity_on_hand": INT,
        "quantity_reserved": INT, "quantity_on_order": INT, "reorder_point": INT,
        "last_counted_at": TS,
    },
    "customers": {
        "id": ID, "customer_code": STR, "name": STR, "customer_type": STR, "city": STR,
        "country": STR, "created_at": TS,
    },
    "orders": {
        "id": ID, "order_number": STR, "customer_id": ID, "order_date": DATE,
        "required_date": DATE, "shipped_date": DATE, "status": STR,
        "shipping_facility_id": ID, "total_amount": MONEY, "created_at": TS,
    },
    "order_items": {
        "order_id": ID, "line_number": INT, "product_id": ID, "quantity": INT,
        "unit_price": MONEY, "discount_percent": FLOAT,
    },
    "shipments": {
        "id": ID, "shipment_number": STR, "order_id": ID, "origin_facility_id": ID,
        "destination_facility_id": ID, "transport_route_id": ID, "shipment_type": STR,
        "carrier": STR, "status": STR, "shipped_at": TS, "delivered_at": TS,
        "weight_kg": FLOAT, "cost_usd": MONEY,
    },
    "supplier_certifications": {
        "id": ID, "supplier_id": ID, "certification_type": STR, "certification_number": STR,
        "issued_date": DATE, "expiry_date": DATE, "is_valid": BOOL,
    },
    # --- manufacturing execution layer -------------------------------------------------------
    "work_centers": {
        "id": ID, "wc_code": STR, "name": STR, "facility_id": ID, "work_center_type": STR,
        "capacity_per_day": INT, "efficiency_rating": FLOAT, "hourly_rate_usd": MONEY,
        "setup_time_mins": INT, "is_active": BOOL, "created_at": TS,
    },
    "production_routings": {
        "id": ID, "product_id": ID, "step_sequence": INT, "operation_name": STR,
        "work_center_id": ID, "setup_time_mins": INT, "run_time_per_unit_mins": FLOAT,
        "is_active": BOOL, "effective_from": DATE, "effective_to": DATE, "created_at": TS,
    },
    "work_orders": {
        "id": ID, "wo_number": STR, "product_id": ID, "facility_id": ID, "order_id": ID,
        "order_type": STR, "priority": INT, "quantity_planned": INT,
        "quantity_completed": INT, "quantity_scrapped": INT, "status": STR,
        "planned_start_date": DATE, "planned_end_date": DATE, "actual_start_date": TS,
        "actual_end_date": TS, "created_at": TS, "updated_at": TS,
    },
    "work_order_steps": {
        "id": ID, "work_order_id": ID, "routing_step_id": ID, "step_sequence": INT,
        "work_center_id": ID, "status": STR, "quantity_in": INT, "quantity_out": INT,
        "quantity_scrapped": INT, "planned_start": TS, "actual_start": TS, "actual_end": TS,
        "labor_hours": FLOAT, "machine_hours": FLOAT,
    },
    "material_transactions": {
        "id": ID, "transaction_number": STR, "transaction_type": STR, "work_order_id": ID,
        "part_id": ID, "product_id": ID, "facility_id": ID, "material_sublot_id": ID,
        "storage_location_id": ID, "quantity": INT, "unit_cost": MONEY, "reason_code": STR,
        "reference_number": STR, "created_at": TS, "created_by": STR,
    },
    # --- material sublot layer ---------------------------------------------------------------
    "storage_locations": {
        "id": ID, "location_code": STR, "name": STR, "facility_id": ID,
        "parent_location_id": ID, "location_type": STR, "is_physical": BOOL,
        "position_sequence": INT, "created_at": TS,
    },
    "material_lots": {
        "id": ID, "lot_code": STR, "part_id": ID, "product_id": ID, "supplier_id": ID,
        "work_order_id": ID, "supplier_lot_number": STR, "quantity": INT, "created_at": TS,
    },
    "material_sublots": {
        "id": ID, "sublot_code": STR, "material_lot_id": ID, "part_id": ID, "product_id": ID,
        "initial_quantity": INT, "facility_id": ID, "storage_location_id": ID,
        "quantity": INT, "status": STR, "created_at": TS, "updated_at": TS,
    },
    "supplier_receipts": {
        "id": ID, "receipt_number": STR, "material_sublot_id": ID, "supplier_id": ID,
        "part_id": ID, "facility_id": ID, "storage_location_id": ID, "quantity": INT,
        "status": STR, "purchase_order_number": STR, "received_at": TS,
    },
    "sublot_movements": {
        "id": ID, "movement_number": STR, "movement_type": STR, "material_sublot_id": ID,
        "facility_id": ID, "from_location_id": ID, "to_location_id": ID, "quantity": INT,
        "from_status": STR, "to_status": STR, "reason_code": STR, "moved_at": TS,
        "recorded_by": STR,
    },
    "shipment_sublots": {
        "id": ID, "shipment_id": ID, "material_sublot_id": ID, "from_location_id": ID,
        "to_location_id": ID, "quantity": INT,
    },
    "plc_tag_events": {
        "id": ID, "tag_name": STR, "storage_location_id": ID, "value": STR,
        "source_timestamp": TS, "server_timestamp": TS, "quality": STR,
    },
}

TABLES: tuple[str, ...] = tuple(RAW_SCHEMAS)


def cast_to_contract(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Select and cast ``frame`` to the contract of ``table``; missing or extra columns raise."""
    schema = RAW_SCHEMAS[table]
    missing = [c for c in schema if c not in frame.columns]
    extra = [c for c in frame.columns if c not in schema]
    if missing or extra:
        raise ValueError(f"{table}: columns missing {missing}, unexpected {extra}")
    return frame.select(pl.col(c).cast(t, strict=True) for c, t in schema.items())
