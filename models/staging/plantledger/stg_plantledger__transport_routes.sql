with source as (

    select * from {{ source('plantledger', 'transport_routes') }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as transport_route_id,
        origin_facility_id,
        destination_facility_id,
        transport_mode,
        distance_km,
        transit_time_hours,
        cast(cost_usd as decimal(12, 2)) as cost_usd,
        route_status,
        load_id
    from source

)

select * from renamed
