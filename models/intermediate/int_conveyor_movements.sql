{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='moved_at',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- Conveyor moves of sublots derived from the PLC tag changes (docs block conveyor_derivation
-- in models/docs.md). One row per move: a sublot going from the line to a position, from one
-- position to the next, or from a position back to the line. It reads the accepted tag events
-- (int_plc_tag_events__accepted: no rejected row, no removed duplicate) and repairs what can
-- be repaired safely (docs/faults.md, "Repaired PLC events"):
--
-- 1. Per position (tag), order the tag values by source_timestamp (the PLC clock), then id,
--    never by server_timestamp or file order (repairs out-of-order delivery).
-- 2. Missing nil: when sublot X appears at position P2 at instant t while another position P1
--    still shows X (its value since before t, not changed at t), infer the event P1: X -> null
--    at t (no raw row: id null, departure_inferred), so X moves P1 -> P2 at t as with the real
--    nil, and P1's next change does not make X leave a second time.
-- 3. A value equal to the previous one is not a change and is dropped (collapses repeats).
-- 4. Each change says "the previous value left the position" (when not null) and "the new
--    value arrived at it" (when not null), at source_timestamp.
-- 5. A sublot's departure and arrival at the same instant are one move from the old position
--    to the new one; an arrival alone comes from the line, a departure alone goes to the line.
--    (The line is the position's parent location.)

with accepted_tag_events as (

    select * from {{ ref('int_plc_tag_events__accepted') }}

),

{%- if is_incremental() %}

-- Incremental run (macros/incremental.sql): the moves from the lookback start on. They need,
-- per position, the last tag event before it (whose value is the one a new event changes,
-- and which holds its sublot until then) and the sublot the position held then after every
-- repair: the last move into or out of it already in this table.

last_tag_instants as (

    select storage_location_id, max(source_timestamp) as last_source_timestamp
    from accepted_tag_events
    where source_timestamp < {{ lookback_start() }}
    group by storage_location_id

),

tag_events as (

    select * from accepted_tag_events
    where {{ in_lookback('source_timestamp') }}

    union all

    -- the last event of each position before the window: among the events at its latest
    -- instant there (found on two columns, not by sorting every earlier event)
    select accepted_tag_events.*
    from accepted_tag_events
    inner join last_tag_instants
        on accepted_tag_events.storage_location_id is not distinct from last_tag_instants.storage_location_id
        and accepted_tag_events.source_timestamp = last_tag_instants.last_source_timestamp
    qualify row_number() over (
        partition by accepted_tag_events.storage_location_id
        order by accepted_tag_events.source_timestamp desc, accepted_tag_events.plc_tag_event_id desc
    ) = 1

),

position_ends as (

    select to_storage_location_id as position_location_id, sublot_code, moved_at, 1 as is_arrival
    from {{ this }}
    where moved_at < {{ lookback_start() }}
        and conveyor_move_kind <> 'position_to_line'

    union all

    select from_storage_location_id, null, moved_at, 0
    from {{ this }}
    where moved_at < {{ lookback_start() }}
        and conveyor_move_kind <> 'line_to_position'

),

last_move_instants as (

    -- each position's last move before the window (on two columns, not a sort of them all)
    select position_location_id as last_position_location_id, max(moved_at) as last_moved_at
    from position_ends
    group by position_location_id

),

held_at_lookback_start as (

    select
        cast(null as bigint) as plc_tag_event_id,
        position_location_id,
        sublot_code as tag_value,
        {{ dbt.dateadd('microsecond', -1, lookback_start()) }} as source_timestamp,
        false as is_inferred_nil
    from position_ends
    inner join last_move_instants
        on position_ends.position_location_id is not distinct from last_move_instants.last_position_location_id
        and position_ends.moved_at = last_move_instants.last_moved_at
    qualify row_number() over (
        partition by position_ends.position_location_id
        order by position_ends.moved_at desc, position_ends.is_arrival desc
    ) = 1

),
{%- else %}

tag_events as (

    select * from accepted_tag_events

),
{%- endif %}

positions as (

    select
        storage_location_id as position_location_id,
        parent_storage_location_id as line_location_id
    from {{ ref('stg_plantledger__storage_locations') }}
    where location_type = 'conveyor_position'

),

tag_values as (

    -- each event opens an interval of its tag's value: until the tag's next event
    select
        plc_tag_event_id,
        storage_location_id as position_location_id,
        tag_value,
        source_timestamp,
        lag(tag_value) over (
            partition by storage_location_id
            order by source_timestamp, plc_tag_event_id
        ) as value_before,
        lead(source_timestamp) over (
            partition by storage_location_id
            order by source_timestamp, plc_tag_event_id
        ) as next_timestamp
    from tag_events

),

appearances as (

    select tag_value as sublot_code, position_location_id, source_timestamp
    from tag_values
    where tag_value is not null
        and tag_value is distinct from value_before

),

inferred_nils as (

    -- X appears at P2 at t while P1 still shows it: P1 lost its X -> null at t
    select distinct
        cast(null as bigint) as plc_tag_event_id,
        held.position_location_id,
        cast(null as {{ dbt.type_string() }}) as tag_value,
        appearances.source_timestamp,
        true as is_inferred_nil
    from appearances
    inner join tag_values as held
        on appearances.sublot_code = held.tag_value
        and appearances.position_location_id <> held.position_location_id
        and held.source_timestamp < appearances.source_timestamp
        and (held.next_timestamp is null or held.next_timestamp > appearances.source_timestamp)

),

sequenced as (

    select
        plc_tag_event_id,
        position_location_id,
        tag_value,
        source_timestamp,
        false as is_inferred_nil
    from tag_values
    union all
    select * from inferred_nils

),
{%- if is_incremental() %}

windowed as (

    -- the window's values after the value each position held at its start
    select * from sequenced
    where {{ in_lookback('source_timestamp') }}
    union all
    select * from held_at_lookback_start

),
{%- endif %}

ordered_values as (

    select
        *,
        lag(tag_value) over (
            partition by position_location_id
            order by source_timestamp, plc_tag_event_id nulls first
        ) as previous_value
    from {% if is_incremental() %}windowed{% else %}sequenced{% endif %}

),

value_changes as (

    -- null -> null and X -> X are not changes; the first value of a tag changes from nothing
    select *
    from ordered_values
    where tag_value is distinct from previous_value

),

departures as (

    select
        previous_value as sublot_code,
        source_timestamp as moved_at,
        position_location_id as from_position_location_id,
        cast(null as bigint) as to_position_location_id,
        plc_tag_event_id as departure_event_id,
        cast(null as bigint) as arrival_event_id,
        is_inferred_nil as departure_inferred
    from value_changes
    where previous_value is not null

),

arrivals as (

    select
        tag_value as sublot_code,
        source_timestamp as moved_at,
        cast(null as bigint) as from_position_location_id,
        position_location_id as to_position_location_id,
        cast(null as bigint) as departure_event_id,
        plc_tag_event_id as arrival_event_id,
        false as departure_inferred
    from value_changes
    where tag_value is not null

),

sightings as (

    select * from departures
    union all
    select * from arrivals

),

moves as (

    -- a sublot leaves at most one position and reaches at most one position at an instant
    -- (tested: unique sublot_code + moved_at); max() picks the one non-null value of each side
    select
        sublot_code,
        moved_at,
        max(from_position_location_id) as from_position_location_id,
        max(to_position_location_id) as to_position_location_id,
        max(departure_event_id) as departure_event_id,
        max(arrival_event_id) as arrival_event_id,
        bool_or(departure_inferred) as departure_inferred,
        count(*) as sightings
    from sightings
    group by sublot_code, moved_at

),

final as (

    select
        moves.sublot_code || '@' || cast(coalesce(moves.arrival_event_id, moves.departure_event_id) as {{ dbt.type_string() }})
            as conveyor_movement_id,
        moves.sublot_code,
        moves.moved_at,
        coalesce(moves.from_position_location_id, to_position.line_location_id)
            as from_storage_location_id,
        coalesce(moves.to_position_location_id, from_position.line_location_id)
            as to_storage_location_id,
        case
            when moves.from_position_location_id is null then 'line_to_position'
            when moves.to_position_location_id is null then 'position_to_line'
            else 'position_to_position'
        end as conveyor_move_kind,
        coalesce(moves.arrival_event_id, moves.departure_event_id) as source_event_id,
        moves.arrival_event_id,
        moves.departure_event_id,
        moves.sightings,
        moves.departure_inferred
    from moves
    left join positions as from_position
        on moves.from_position_location_id = from_position.position_location_id
    left join positions as to_position
        on moves.to_position_location_id = to_position.position_location_id
    {%- if is_incremental() %}
    where {{ in_lookback('moves.moved_at') }}
    {%- endif %}

)

select * from final
