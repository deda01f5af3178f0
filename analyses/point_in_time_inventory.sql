-- Point-in-time inventory (the sublot location history RFC's first use case: "what inventory
-- did we have in the warehouse on Friday last week?"): stock per facility, location, material
-- and status at the instant var('as_of'), from the running sum of the journal, with the
-- number of sublots in stock there: the rows of the table macro inventory_as_of(as_of)
-- summed per facility, location, material and status.
--   dbt compile -s point_in_time_inventory --vars '{as_of: "2026-11-13 18:00:00+00"}'

with journal as (

    select * from {{ ref('fact_inventory_journal') }}

),

as_of_entries as (

    select *
    from journal
    where is_physical
        and entry_at <= {{ analysis_instant('as_of', '2026-11-13 18:00:00+00') }}

),

sublot_balances as (

    -- the sublots in stock: a sublot that left a location has entries there summing to zero
    select
        facility_code,
        location_code,
        material_type,
        material_code,
        status,
        material_sublot_id,
        sum(quantity) as quantity
    from as_of_entries
    group by facility_code, location_code, material_type, material_code, status, material_sublot_id
    having sum(quantity) <> 0

)

select
    facility_code,
    location_code,
    material_type,
    material_code,
    status,
    count(*) as sublots,
    sum(quantity) as quantity
from sublot_balances
group by facility_code, location_code, material_type, material_code, status
order by facility_code, location_code, material_code, status
