{{ config(unique_key='material_sublot_id') }}  {#- incremental on DuckDB: dbt_project.yml, staging #}

with source as (

    select * from {{ source('plantledger', 'material_sublots') }}
    where {{ in_loads_after_this() }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as material_sublot_id,
        sublot_code,
        material_lot_id,
        part_id,
        product_id,
        initial_quantity,
        facility_id,
        storage_location_id,
        quantity,
        status as sublot_status,
        cast(created_at as {{ type_timestamptz() }}) as created_at,
        cast(updated_at as {{ type_timestamptz() }}) as updated_at,
        load_id
    from source

)

select * from renamed
