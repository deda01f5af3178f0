{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='transacted_at',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- Screening of material_transactions (docs/faults.md, "Rejected rows"): one row per staged
-- (= raw) row with its duplicate bookkeeping and its rejection reason, the first that applies:
-- conflicting_duplicate_id, non_positive_quantity, future_timestamp, unknown_sublot,
-- unknown_location, missing_work_order. Accepted rows: int_material_transactions__accepted;
-- rejected: material_transactions_rejected.

{%- set columns = [
    'material_transaction_id', 'transaction_number', 'transaction_type', 'work_order_id',
    'part_id', 'product_id', 'facility_id', 'material_sublot_id', 'storage_location_id',
    'quantity', 'unit_cost', 'reason_code', 'reference_number', 'transacted_at', 'created_by'] %}

with staged as (

    select * from {{ ref('stg_plantledger__material_transactions') }}
    {% if is_incremental() %}where {{ in_lookback('transacted_at') }}{% endif %}

),

sublots as (

    select material_sublot_id from {{ ref('stg_plantledger__material_sublots') }}

),

locations as (

    select storage_location_id from {{ ref('stg_plantledger__storage_locations') }}

),

work_orders as (

    select work_order_id from {{ ref('stg_plantledger__work_orders') }}

),

ranked as (

    {{ duplicate_ranked('material_transaction_id', 'transacted_at', columns) | indent(4) }}

),

final as (

    select
        ranked.*,
        ranked.duplicate_rank > 1 as is_removed_duplicate,
        case
            when ranked.duplicate_rank > 1 then null
            when ranked.id_rank > 1 then 'conflicting_duplicate_id'
            when ranked.quantity is null or ranked.quantity <= 0 then 'non_positive_quantity'
            when ranked.transacted_at >= {{ history_end() }} then 'future_timestamp'
            when sublots.material_sublot_id is null then 'unknown_sublot'
            when locations.storage_location_id is null then 'unknown_location'
            when work_orders.work_order_id is null then 'missing_work_order'
        end as rejection_reason
    from ranked
    left join sublots
        on ranked.material_sublot_id = sublots.material_sublot_id
    left join locations
        on ranked.storage_location_id = locations.storage_location_id
    left join work_orders
        on ranked.work_order_id = work_orders.work_order_id

)

select * from final
