{{ config(unique_key='work_order_id') }}  {#- incremental on DuckDB: dbt_project.yml, staging #}

with source as (

    select * from {{ source('plantledger', 'work_orders') }}
    where {{ in_loads_after_this() }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as work_order_id,
        wo_number,
        product_id,
        facility_id,
        order_id,
        order_type,
        priority,
        quantity_planned,
        quantity_completed,
        quantity_scrapped,
        status as work_order_status,
        planned_start_date,
        planned_end_date,
        cast(actual_start_date as {{ type_timestamptz() }}) as actual_start_at,
        cast(actual_end_date as {{ type_timestamptz() }}) as actual_end_at,
        cast(created_at as {{ type_timestamptz() }}) as created_at,
        cast(updated_at as {{ type_timestamptz() }}) as updated_at,
        load_id
    from source

)

select * from renamed
