{{ config(unique_key='supplier_receipt_id') }}  {#- incremental on DuckDB: dbt_project.yml, staging #}

with source as (

    select * from {{ source('plantledger', 'supplier_receipts') }}
    where {{ in_loads_after_this() }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as supplier_receipt_id,
        receipt_number,
        material_sublot_id,
        supplier_id,
        part_id,
        facility_id,
        storage_location_id,
        quantity,
        status as received_status,
        purchase_order_number,
        cast(received_at as {{ type_timestamptz() }}) as received_at,
        load_id
    from source

)

select * from renamed
