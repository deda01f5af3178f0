{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='moved_at',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- Screening of sublot_movements, row checks only (docs/faults.md, "Rejected rows", 1-5): one
-- row per staged (= raw) row with its duplicate bookkeeping and the first row defect found.
-- The balance check (exceeds_sublot_quantity) needs the running balance of the rows that pass
-- these: int_sublot_movements__over_quantity, then int_sublot_movements__screened.

{%- set columns = [
    'sublot_movement_id', 'movement_number', 'movement_type', 'material_sublot_id',
    'facility_id', 'from_location_id', 'to_location_id', 'quantity', 'from_status',
    'to_status', 'reason_code', 'moved_at', 'recorded_by'] %}

with staged as (

    select * from {{ ref('stg_plantledger__sublot_movements') }}
    {% if is_incremental() %}where {{ in_lookback('moved_at') }}{% endif %}

),

sublots as (

    select material_sublot_id from {{ ref('stg_plantledger__material_sublots') }}

),

locations as (

    select storage_location_id from {{ ref('stg_plantledger__storage_locations') }}

),

ranked as (

    {{ duplicate_ranked('sublot_movement_id', 'moved_at', columns) | indent(4) }}

),

final as (

    select
        ranked.*,
        ranked.duplicate_rank > 1 as is_removed_duplicate,
        case
            when ranked.duplicate_rank > 1 then null
            when ranked.id_rank > 1 then 'conflicting_duplicate_id'
            when ranked.quantity is null or ranked.quantity <= 0 then 'non_positive_quantity'
            when ranked.moved_at >= {{ history_end() }} then 'future_timestamp'
            when sublots.material_sublot_id is null then 'unknown_sublot'
            when (ranked.from_location_id is not null and from_location.storage_location_id is null)
                or (ranked.to_location_id is not null and to_location.storage_location_id is null)
                then 'unknown_location'
        end as rejection_reason
    from ranked
    left join sublots
        on ranked.material_sublot_id = sublots.material_sublot_id
    left join locations as from_location
        on ranked.from_location_id = from_location.storage_location_id
    left join locations as to_location
        on ranked.to_location_id = to_location.storage_location_id

)

select * from final
