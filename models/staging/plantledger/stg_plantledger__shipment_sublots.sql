with source as (

    select * from {{ source('plantledger', 'shipment_sublots') }}

),

renamed as (

    select
        id as shipment_sublot_id,
        shipment_id,
        material_sublot_id,
        from_location_id,
        to_location_id,
        quantity,
        load_id
    from source

)

select * from renamed
