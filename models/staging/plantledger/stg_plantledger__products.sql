with source as (

    select * from {{ source('plantledger', 'products') }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as product_id,
        sku,
        name as product_name,
        category as product_category,
        cast(list_price as decimal(12, 2)) as list_price,
        is_active,
        launch_date,
        discontinued_date,
        load_id
    from source

)

select * from renamed
