{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='received_at',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- Screening of supplier_receipts (docs/faults.md, "Rejected rows"): one row per staged
-- (= raw) row with its duplicate bookkeeping and its rejection reason, the first that applies:
-- conflicting_duplicate_id, non_positive_quantity, future_timestamp, unknown_sublot,
-- unknown_location. Accepted rows: int_supplier_receipts__accepted; rejected:
-- supplier_receipts_rejected.

{%- set columns = [
    'supplier_receipt_id', 'receipt_number', 'material_sublot_id', 'supplier_id', 'part_id',
    'facility_id', 'storage_location_id', 'quantity', 'received_status',
    'purchase_order_number', 'received_at'] %}

with staged as (

    select * from {{ ref('stg_plantledger__supplier_receipts') }}
    {% if is_incremental() %}where {{ in_lookback('received_at') }}{% endif %}

),

sublots as (

    select material_sublot_id from {{ ref('stg_plantledger__material_sublots') }}

),

locations as (

    select storage_location_id from {{ ref('stg_plantledger__storage_locations') }}

),

ranked as (

    {{ duplicate_ranked('supplier_receipt_id', 'received_at', columns) | indent(4) }}

),

final as (

    select
        ranked.*,
        ranked.duplicate_rank > 1 as is_removed_duplicate,
        case
            when ranked.duplicate_rank > 1 then null
            when ranked.id_rank > 1 then 'conflicting_duplicate_id'
            when ranked.quantity is null or ranked.quantity <= 0 then 'non_positive_quantity'
            when ranked.received_at >= {{ history_end() }} then 'future_timestamp'
            when sublots.material_sublot_id is null then 'unknown_sublot'
            when locations.storage_location_id is null then 'unknown_location'
        end as rejection_reason
    from ranked
    left join sublots
        on ranked.material_sublot_id = sublots.material_sublot_id
    left join locations
        on ranked.storage_location_id = locations.storage_location_id

)

select * from final
