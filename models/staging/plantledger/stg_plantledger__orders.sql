{{ config(unique_key='order_id') }}  {#- incremental on DuckDB: dbt_project.yml, staging #}

with source as (

    select * from {{ source('plantledger', 'orders') }}
    where {{ in_loads_after_this() }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as order_id,
        order_number,
        customer_id,
        order_date,
        required_date,
        shipped_date,
        status as order_status,
        shipping_facility_id,
        cast(total_amount as decimal(12, 2)) as total_amount,
        cast(created_at as {{ type_timestamptz() }}) as created_at,
        load_id
    from source

)

select * from renamed
