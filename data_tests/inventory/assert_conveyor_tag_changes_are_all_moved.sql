-- Every PLC tag change (a value different from the tag's previous value, in source_timestamp
-- order, read from the accepted events with the inferred nils put back:
-- int_plc_tag_events__sequenced) is used by a conveyor move: as the arrival of its new value
-- and/or the departure of its old value (an inferred nil by a move with departure_inferred
-- from its position at its instant). Returns the tag changes no move explains, with what is
-- missing.
--
-- A full build checks every change; an incremental run the changes of the window it
-- reprocessed (source_timestamp at or after the lookback start: the rows both models restated),
-- against the moves that name those changes (by event id, or, for an inferred departure, by
-- its instant, which is a change's and so in the window). The changes go through the joins with their keys only; the failing ones
-- get their other columns at the end.

{%- set whole = proof_is_whole() %}

with changes as (

    select
        storage_location_id,
        tag_sequence,
        plc_tag_event_id,
        source_timestamp,
        tag_value,
        previous_value,
        is_inferred_nil
    from {{ ref('int_plc_tag_events__sequenced') }}
    where is_value_change
        and {{ proof_in_lookback('source_timestamp') }}

),

arrivals as (

    select arrival_event_id as plc_tag_event_id, sublot_code
    from {{ ref('int_conveyor_movements') }}
    where arrival_event_id is not null
        {% if not whole -%}
        and arrival_event_id in (select plc_tag_event_id from changes)
        {%- endif %}

),

departures as (

    select departure_event_id as plc_tag_event_id, sublot_code
    from {{ ref('int_conveyor_movements') }}
    where departure_event_id is not null
        {% if not whole -%}
        and departure_event_id in (select plc_tag_event_id from changes)
        {%- endif %}

),

inferred_departures as (

    select sublot_code, moved_at, from_storage_location_id
    from {{ ref('int_conveyor_movements') }}
    where departure_inferred
        {% if not whole -%}
        and moved_at >= {{ lookback_start_constant() }}
        {%- endif %}

),

unexplained as (

    select
        changes.storage_location_id,
        changes.tag_sequence,
        changes.tag_value is not null and arrivals.plc_tag_event_id is null as arrival_missing,
        changes.previous_value is not null
            and departures.plc_tag_event_id is null
            and inferred_departures.sublot_code is null as departure_missing
    from changes
    left join arrivals
        on changes.plc_tag_event_id = arrivals.plc_tag_event_id
        and changes.tag_value = arrivals.sublot_code
    left join departures
        on changes.plc_tag_event_id = departures.plc_tag_event_id
        and changes.previous_value = departures.sublot_code
    left join inferred_departures
        on changes.is_inferred_nil
        and changes.previous_value = inferred_departures.sublot_code
        and changes.source_timestamp = inferred_departures.moved_at
        and changes.storage_location_id = inferred_departures.from_storage_location_id
    where (changes.tag_value is not null and arrivals.plc_tag_event_id is null)
        or (
            changes.previous_value is not null
            and departures.plc_tag_event_id is null
            and inferred_departures.sublot_code is null
        )

)

select
    sequenced.*,
    unexplained.arrival_missing,
    unexplained.departure_missing
from unexplained
inner join {{ ref('int_plc_tag_events__sequenced') }} as sequenced
    on unexplained.storage_location_id = sequenced.storage_location_id
    and unexplained.tag_sequence = sequenced.tag_sequence
