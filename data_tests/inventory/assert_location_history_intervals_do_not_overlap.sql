-- A sublot is at one place at a time: its intervals in fact_sublot_location_history, in
-- valid_from order, never begin before the previous one ended. Returns the overlapping pairs.
-- A sublot-grained proof: an incremental run rebuilt the whole history of the window's sublots
-- (int_window_sublots) and no other, so it checks exactly those; a full build every sublot.

with ordered_intervals as (

    select
        material_sublot_code,
        sublot_location_history_id,
        location_code,
        status,
        valid_from,
        valid_until,
        lag(sublot_location_history_id) over sublot_order as previous_history_id,
        lag(location_code) over sublot_order as previous_location_code,
        lag(valid_until) over sublot_order as previous_valid_until
    from {{ ref('fact_sublot_location_history') }}
    where {{ proof_in_window_sublots('material_sublot_id') }}
    window sublot_order as (partition by material_sublot_id order by valid_from, valid_until)

)

select *
from ordered_intervals
where previous_valid_until > valid_from
