{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='source_timestamp',
    unique_key=['storage_location_id', 'tag_sequence'],
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

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
--   read in PLC order. Clean data has none (the server sees one tag's changes in PLC order).
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
    {%- if is_incremental() %}
        and {{ in_lookback('moved_at') }}
    {%- endif %}

),
{%- if is_incremental() %}

-- Incremental run (macros/incremental.sql): the rows from the lookback start on, numbered and
-- compared after each position's last row before it; and that position's last accepted row
-- before it again, whose next accepted event may be a late one.

rows_before as (

    select * from {{ this }}
    where source_timestamp < {{ lookback_start() }}

),

last_row_before as (

    select storage_location_id, tag_sequence, tag_value
    from rows_before
    qualify row_number() over (partition by storage_location_id order by tag_sequence desc) = 1

),

last_accepted_before as (

    select * from rows_before
    where not is_inferred_nil
    qualify row_number() over (partition by storage_location_id order by tag_sequence desc) = 1

),
{%- endif %}

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
    {%- if is_incremental() %}
    where {{ in_lookback('source_timestamp') }}
    {%- endif %}

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

numbered as (

    select
        events.*,
        row_number() over (
            partition by storage_location_id
            order by source_timestamp, plc_tag_event_id nulls first
        ) as position_row,
        lag(tag_value) over (
            partition by storage_location_id
            order by source_timestamp, plc_tag_event_id nulls first
        ) as value_before_row
    from events

),

ordered as (

    select
        {{ star_except('numbered', ['position_row', 'value_before_row']) }},
        {%- if is_incremental() %}
        coalesce(last_row_before.tag_sequence, 0) + numbered.position_row as tag_sequence,
        case
            when numbered.position_row = 1 then last_row_before.tag_value
            else numbered.value_before_row
        end as previous_value
        {%- else %}
        numbered.position_row as tag_sequence,
        numbered.value_before_row as previous_value
        {%- endif %}
    from numbered
    {%- if is_incremental() %}
    left join last_row_before
        on numbered.storage_location_id = last_row_before.storage_location_id
    {%- endif %}

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
{%- if is_incremental() %},

redone as (

    select
        {{ star_except('last_accepted_before', ['is_server_order_repaired']) }},
        coalesce(
            last_accepted_before.server_timestamp > next_accepted.server_timestamp, false
        ) as is_server_order_repaired
    from last_accepted_before
    left join (
        select storage_location_id, server_timestamp
        from final
        where not is_inferred_nil
        qualify row_number() over (
            partition by storage_location_id order by tag_sequence
        ) = 1
    ) as next_accepted
        on last_accepted_before.storage_location_id = next_accepted.storage_location_id

)

select * from final
union all
select * from redone
{%- else %}

select * from final
{%- endif %}
