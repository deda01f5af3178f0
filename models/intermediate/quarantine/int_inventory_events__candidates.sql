{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='occurred_at',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- The stock events of the rows that passed the row checks (int_*__screened: not rejected,
-- not a removed duplicate), sublot movements included before their balance check: the same
-- mapping as int_inventory_events (macro inventory_events_sql). Only
-- int_sublot_movements__over_quantity reads it, to replay each sublot's balance at the
-- location a movement leaves; the journal is built from the accepted rows instead.

{{ inventory_events_sql(
    supplier_receipts=ref('int_supplier_receipts__accepted'),
    sublot_movements="(select * from " ~ ref('int_sublot_movements__prescreened') ~ " where rejection_reason is null and not is_removed_duplicate)",
    material_transactions=ref('int_material_transactions__accepted'),
    conveyor_movements=ref('int_conveyor_movements')
) }}
