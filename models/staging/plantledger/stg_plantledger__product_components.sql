with source as (

    select * from {{ source('plantledger', 'product_components') }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as product_component_id,
        product_id,
        part_id,
        quantity as quantity_per_unit,
        is_required,
        load_id
    from source

)

select * from renamed
