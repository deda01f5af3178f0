with source as (

    select * from {{ source('plantledger', 'work_centers') }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as work_center_id,
        wc_code as work_center_code,
        name as work_center_name,
        facility_id,
        work_center_type,
        capacity_per_day,
        efficiency_rating,
        cast(hourly_rate_usd as decimal(12, 2)) as hourly_rate_usd,
        setup_time_mins,
        is_active,
        cast(created_at as {{ type_timestamptz() }}) as created_at,
        load_id
    from source

)

select * from renamed
