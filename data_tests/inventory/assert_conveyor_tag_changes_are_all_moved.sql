-- Every PLC tag change (a value different from the tag's previous value, in source_timestamp
-- order) is used by a conveyor move: as the arrival of its new value and/or the departure of
-- its old value. Returns the tag changes no move explains, with what is missing.

with tag_values as (

    select
        plc_tag_event_id,
        tag_name,
        storage_location_id,
        tag_value,
        source_timestamp,
        lag(tag_value) over (
            partition by storage_location_id
            order by source_timestamp, plc_tag_event_id
        ) as previous_value
    from {{ ref('stg_plantledger__plc_tag_events') }}

),

changes as (

    select *
    from tag_values
    where tag_value is distinct from previous_value

),

arrivals as (

    select arrival_event_id as plc_tag_event_id, sublot_code
    from {{ ref('int_conveyor_movements') }}
    where arrival_event_id is not null

),

departures as (

    select departure_event_id as plc_tag_event_id, sublot_code
    from {{ ref('int_conveyor_movements') }}
    where departure_event_id is not null

)

select
    changes.*,
    changes.tag_value is not null and arrivals.plc_tag_event_id is null as arrival_missing,
    changes.previous_value is not null and departures.plc_tag_event_id is null as departure_missing
from changes
left join arrivals
    on changes.plc_tag_event_id = arrivals.plc_tag_event_id
    and changes.tag_value = arrivals.sublot_code
left join departures
    on changes.plc_tag_event_id = departures.plc_tag_event_id
    and changes.previous_value = departures.sublot_code
where (changes.tag_value is not null and arrivals.plc_tag_event_id is null)
    or (changes.previous_value is not null and departures.plc_tag_event_id is null)
