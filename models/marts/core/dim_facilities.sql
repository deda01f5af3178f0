-- Facilities with their counts of work centres and locations (the joins: int_facilities__summarized).

with facilities as (

    select * from {{ ref('int_facilities__summarized') }}

),

final as (

    select
        facility_id,
        facility_code,
        facility_name,
        facility_type,
        is_factory,
        city,
        state,
        country,
        timezone,
        latitude,
        longitude,
        capacity_units,
        work_center_count,
        physical_location_count,
        conveyor_line_count,
        created_at
    from facilities

)

select * from final
