-- Time sublots spend at each conveyor position (the RFC's second use case: "analyse the time
-- a sublot spends at various locations to help optimise the overall processing time").
-- A stay starts with a debit of the sublot at a conveyor position and ends with the next
-- credit of that sublot from the same position.

with conveyor_entries as (

    select
        material_sublot_id,
        location_code,
        entry_side,
        entry_at,
        entry_sequence
    from {{ ref('fact_inventory_journal') }}
    where location_type = 'conveyor_position'

),

stays as (

    select
        material_sublot_id,
        location_code,
        entry_side,
        entry_at as arrived_at,
        lead(entry_at) over (
            partition by material_sublot_id, location_code
            order by entry_at, entry_sequence
        ) as left_at
    from conveyor_entries

)

select
    location_code,
    count(*) as stays,
    avg({{ hours_between('arrived_at', 'left_at') }}) * 60 as avg_dwell_minutes,
    max({{ hours_between('arrived_at', 'left_at') }}) * 60 as max_dwell_minutes
from stays
where entry_side = 'debit'
    and left_at is not null
group by location_code
order by avg_dwell_minutes desc
