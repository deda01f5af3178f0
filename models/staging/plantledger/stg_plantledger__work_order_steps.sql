{{ config(unique_key='work_order_step_id') }}  {#- incremental on DuckDB: dbt_project.yml, staging #}

with source as (

    select * from {{ source('plantledger', 'work_order_steps') }}
    where {{ in_loads_after_this() }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as work_order_step_id,
        work_order_id,
        routing_step_id,
        step_sequence,
        work_center_id,
        status as step_status,
        quantity_in,
        quantity_out,
        quantity_scrapped,
        cast(planned_start as {{ type_timestamptz() }}) as planned_start_at,
        cast(actual_start as {{ type_timestamptz() }}) as actual_start_at,
        cast(actual_end as {{ type_timestamptz() }}) as actual_end_at,
        labor_hours,
        machine_hours,
        load_id
    from source

)

select * from renamed
