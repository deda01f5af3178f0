-- Every facility with its counts of work centres, physical locations and conveyor lines
-- (dim_facilities).

with facilities as (

    select * from {{ ref('stg_plantledger__facilities') }}

),

work_centers as (

    select facility_id, count(*) as work_center_count
    from {{ ref('stg_plantledger__work_centers') }}
    group by facility_id

),

storage_locations as (

    select
        facility_id,
        sum(case when is_physical then 1 else 0 end) as physical_location_count,
        sum(case when location_type = 'conveyor_line' then 1 else 0 end) as conveyor_line_count
    from {{ ref('stg_plantledger__storage_locations') }}
    group by facility_id

),

final as (

    select
        facilities.facility_id,
        facilities.facility_code,
        facilities.facility_name,
        facilities.facility_type,
        facilities.facility_type = 'factory' as is_factory,
        facilities.city,
        facilities.state,
        facilities.country,
        facilities.timezone,
        facilities.latitude,
        facilities.longitude,
        facilities.capacity_units,
        coalesce(work_centers.work_center_count, 0) as work_center_count,
        coalesce(storage_locations.physical_location_count, 0) as physical_location_count,
        coalesce(storage_locations.conveyor_line_count, 0) as conveyor_line_count,
        facilities.created_at
    from facilities
    left join work_centers
        on facilities.facility_id = work_centers.facility_id
    left join storage_locations
        on facilities.facility_id = storage_locations.facility_id

)

select * from final
