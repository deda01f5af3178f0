{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='occurred_at',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- One row per stock event (one journal transaction) from every movement-bearing source, in the
-- design's mapping (docs/raw_data_design.md, "Events and what each one does to stock"): which
-- sublot, how much, from which location to which, when, and the sublot's stock status on
-- each side. fact_inventory_journal turns every row into a credit and a debit entry.
--
-- Status: receipts set it (supplier_receipts.status; receipt_from_wo: available), status
-- changes set it (to_status); every other event carries the status the sublot had just
-- before it: the last status set by an earlier event of the sublot, in event order
-- (occurred_at, then tie_break_rank, then source id).

{{ inventory_events_sql(
    supplier_receipts=ref('int_supplier_receipts__accepted'),
    sublot_movements=ref('int_sublot_movements__accepted'),
    material_transactions=ref('int_material_transactions__accepted'),
    conveyor_movements=ref('int_conveyor_movements')
) }}
