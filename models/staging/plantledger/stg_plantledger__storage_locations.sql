with source as (

    select * from {{ source('plantledger', 'storage_locations') }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as storage_location_id,
        location_code,
        name as location_name,
        facility_id,
        parent_location_id as parent_storage_location_id,
        location_type,
        is_physical,
        position_sequence,
        cast(created_at as {{ type_timestamptz() }}) as created_at,
        load_id
    from source

)

select * from renamed
