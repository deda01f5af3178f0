{{ config(unique_key='shipment_id') }}  {#- incremental on DuckDB: dbt_project.yml, staging #}

with source as (

    select * from {{ source('plantledger', 'shipments') }}
    where {{ in_loads_after_this() }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as shipment_id,
        shipment_number,
        order_id,
        origin_facility_id,
        destination_facility_id,
        transport_route_id,
        shipment_type,
        carrier,
        status as shipment_status,
        cast(shipped_at as {{ type_timestamptz() }}) as shipped_at,
        cast(delivered_at as {{ type_timestamptz() }}) as delivered_at,
        weight_kg,
        cast(cost_usd as decimal(12, 2)) as cost_usd,
        load_id
    from source

)

select * from renamed
