with source as (

    select * from {{ source('plantledger', 'sublot_movements') }}

),

renamed as (

    select
        id as sublot_movement_id,
        movement_number,
        movement_type,
        material_sublot_id,
        facility_id,
        from_location_id,
        to_location_id,
        quantity,
        from_status,
        to_status,
        reason_code,
        cast(moved_at as {{ type_timestamptz() }}) as moved_at,
        recorded_by,
        load_id
    from source

)

select * from renamed
