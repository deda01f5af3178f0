{{ config(unique_key='inventory_id') }}  {#- incremental on DuckDB: dbt_project.yml, staging #}

with source as (

    select * from {{ source('plantledger', 'inventory') }}
    where {{ in_loads_after_this() }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as inventory_id,
        facility_id,
        part_id,
        quantity_on_hand,
        quantity_reserved,
        quantity_on_order,
        reorder_point,
        cast(last_counted_at as {{ type_timestamptz() }}) as last_counted_at,
        load_id
    from source

)

select * from renamed
