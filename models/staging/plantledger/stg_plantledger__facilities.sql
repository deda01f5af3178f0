with source as (

    select * from {{ source('plantledger', 'facilities') }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as facility_id,
        facility_code,
        name as facility_name,
        facility_type,
        city,
        state,
        country,
        timezone,
        latitude,
        longitude,
        capacity_units,
        cast(created_at as {{ type_timestamptz() }}) as created_at,
        load_id
    from source

)

select * from renamed
