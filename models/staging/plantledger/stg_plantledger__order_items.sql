{{ config(unique_key='order_item_id') }}  {#- incremental on DuckDB: dbt_project.yml, staging #}

with source as (

    select * from {{ source('plantledger', 'order_items') }}
    where {{ in_loads_after_this() }}
    {{ latest_version('order_id, line_number') }}

),

renamed as (

    select
        {{ composite_key(['order_id', 'line_number']) }} as order_item_id,
        order_id,
        line_number,
        product_id,
        quantity,
        cast(unit_price as decimal(12, 2)) as unit_price,
        discount_percent,
        load_id
    from source

)

select * from renamed
