{{ config(materialized='table') }}

-- Every tag's history as the warehouse reads it, with what was repaired (docs/faults.md,
-- "Repaired PLC events"): one row per accepted tag event (int_plc_tag_events__accepted) plus
-- one per inferred nil (the departures int_conveyor_movements inferred: id null), per
-- position in source_timestamp, then id order (an inferred nil has no other event of its
-- position at its instant).
-- - is_inferred_nil: a missing `X -> null` put back;
-- - is_collapsed_repeat: the value equals the tag's previous one: a no-op, no movement;
-- - is_value_change: the rest but a tag's first null value: each is a departure and/or arrival
--   of a conveyor move (assert_conveyor_tag_changes_are_all_moved);
-- - is_server_order_repaired: the OPC UA server saw the event after the tag's next event
--   (server_timestamp later than the next event's in source order): delivered out of order,
--   read in PLC order. Clean data has a few of these too.
-- fact_data_quality_repairs counts them.

with accepted as (

    select * from {{ ref('int_plc_tag_events__accepted') }}

),

inferred_nils as (

    select
        cast(null as bigint) as plc_tag_event_id,
        from_storage_location_id as storage_location_id,
        moved_at as source_timestamp,
        sublot_code as inferred_from_value
    from {{ ref('int_conveyor_movements') }}
    where departure_inferred

),

events as (

    select
        plc_tag_event_id,
        tag_name,
        storage_location_id,
        tag_value,
        source_timestamp,
        server_timestamp,
        false as is_inferred_nil,
        lead(server_timestamp) over (
            partition by storage_location_id
            order by source_timestamp, plc_tag_event_id
        ) as next_server_timestamp
    from accepted

    union all

    select
        inferred_nils.plc_tag_event_id,
        tags.tag_name,
        inferred_nils.storage_location_id,
        cast(null as {{ dbt.type_string() }}) as tag_value,
        inferred_nils.source_timestamp,
        cast(null as {{ type_timestamptz() }}) as server_timestamp,
        true as is_inferred_nil,
        cast(null as {{ type_timestamptz() }}) as next_server_timestamp
    from inferred_nils
    left join (
        select distinct storage_location_id, tag_name from accepted
    ) as tags
        on inferred_nils.storage_location_id = tags.storage_location_id

),

ordered as (

    select
        events.*,
        row_number() over (
            partition by storage_location_id
            order by source_timestamp, plc_tag_event_id nulls first
        ) as tag_sequence,
        lag(tag_value) over (
            partition by storage_location_id
            order by source_timestamp, plc_tag_event_id nulls first
        ) as previous_value
    from events

),

final as (

    select
        plc_tag_event_id,
        tag_name,
        storage_location_id,
        tag_sequence,
        tag_value,
        previous_value,
        source_timestamp,
        server_timestamp,
        is_inferred_nil,
        tag_sequence > 1 and tag_value is not distinct from previous_value as is_collapsed_repeat,
        tag_value is distinct from previous_value as is_value_change,
        coalesce(server_timestamp > next_server_timestamp, false) as is_server_order_repaired
    from ordered

)

select * from final
