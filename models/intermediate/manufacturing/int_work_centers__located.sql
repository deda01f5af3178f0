-- Every work centre with its facility's code and time zone (dim_work_centers).

with work_centers as (

    select * from {{ ref('stg_plantledger__work_centers') }}

),

facilities as (

    select facility_id, facility_code, timezone from {{ ref('stg_plantledger__facilities') }}

),

final as (

    select
        work_centers.work_center_id,
        work_centers.work_center_code,
        work_centers.work_center_name,
        work_centers.work_center_type,
        work_centers.facility_id,
        facilities.facility_code,
        facilities.timezone as facility_timezone,
        work_centers.capacity_per_day,
        work_centers.efficiency_rating,
        work_centers.hourly_rate_usd,
        work_centers.setup_time_mins,
        work_centers.is_active,
        work_centers.created_at
    from work_centers
    left join facilities
        on work_centers.facility_id = facilities.facility_id

)

select * from final
