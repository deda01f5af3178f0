-- Work centres with their facility's code and time zone (the joins: int_work_centers__located).

with work_centers as (

    select * from {{ ref('int_work_centers__located') }}

),

final as (

    select
        work_center_id,
        work_center_code,
        work_center_name,
        work_center_type,
        facility_id,
        facility_code,
        facility_timezone,
        capacity_per_day,
        efficiency_rating,
        hourly_rate_usd,
        setup_time_mins,
        is_active,
        created_at
    from work_centers

)

select * from final
