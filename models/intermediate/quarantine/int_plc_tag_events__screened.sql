{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='source_timestamp',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- Screening of plc_tag_events (docs/faults.md, "Rejected rows"): one row per staged (= raw)
-- row with its duplicate bookkeeping and its rejection reason, the first that applies:
-- conflicting_duplicate_id, future_timestamp (source_timestamp, the PLC clock),
-- unknown_sublot (a tag value that is no sublot code), unknown_location. Rows are rejected
-- here, before the tag sequences are read and repaired (int_conveyor_movements), so a
-- rejected event never counts as a value change. Accepted rows: int_plc_tag_events__accepted;
-- rejected: plc_tag_events_rejected.

{%- set columns = [
    'plc_tag_event_id', 'tag_name', 'storage_location_id', 'tag_value', 'source_timestamp',
    'server_timestamp', 'quality'] %}

with staged as (

    select * from {{ ref('stg_plantledger__plc_tag_events') }}
    {% if is_incremental() %}where {{ in_lookback('source_timestamp') }}{% endif %}

),

sublots as (

    select sublot_code from {{ ref('stg_plantledger__material_sublots') }}

),

locations as (

    select storage_location_id from {{ ref('stg_plantledger__storage_locations') }}

),

ranked as (

    {{ duplicate_ranked('plc_tag_event_id', 'source_timestamp', columns) | indent(4) }}

),

final as (

    select
        ranked.*,
        ranked.duplicate_rank > 1 as is_removed_duplicate,
        case
            when ranked.duplicate_rank > 1 then null
            when ranked.id_rank > 1 then 'conflicting_duplicate_id'
            when ranked.source_timestamp >= {{ history_end() }} then 'future_timestamp'
            when ranked.tag_value is not null and sublots.sublot_code is null then 'unknown_sublot'
            when locations.storage_location_id is null then 'unknown_location'
        end as rejection_reason
    from ranked
    left join sublots
        on ranked.tag_value = sublots.sublot_code
    left join locations
        on ranked.storage_location_id = locations.storage_location_id

)

select * from final
