-- The daily snapshot has one row per day, location, material and status: the spans of one
-- location, material and status never overlap (each begins after the previous one ended).
-- Returns the overlapping pairs.

with ordered_spans as (

    select
        location_code,
        material_code,
        status,
        first_snapshot_date,
        last_snapshot_date,
        lag(last_snapshot_date) over (
            partition by location_code, material_code, status
            order by first_snapshot_date
        ) as previous_last_snapshot_date
    from {{ ref('fact_inventory_snapshot_spans') }}

)

select *
from ordered_spans
where previous_last_snapshot_date >= first_snapshot_date
