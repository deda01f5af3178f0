{{ config(unique_key='material_lot_id') }}  {#- incremental on DuckDB: dbt_project.yml, staging #}

with source as (

    select * from {{ source('plantledger', 'material_lots') }}
    where {{ in_loads_after_this() }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as material_lot_id,
        lot_code,
        part_id,
        product_id,
        supplier_id,
        work_order_id,
        supplier_lot_number,
        quantity as lot_quantity,
        cast(created_at as {{ type_timestamptz() }}) as created_at,
        load_id
    from source

)

select * from renamed
