-- The transport-route edges of the supply group of graph_edges: RouteTo, origin facility ->
-- destination facility, one edge per transport mode; int_graph_edges__supply unions them with
-- the sourcing edges and the bills of materials.

with facilities as (

    select * from {{ ref('stg_plantledger__facilities') }}

),

transport_routes as (

    select * from {{ ref('stg_plantledger__transport_routes') }}

),

edges as (

    -- RouteTo: origin facility -> destination facility, one edge per transport mode
    select
        'RouteTo' as relationship,
        'Facility' as from_node_type, origins.facility_code as from_node_key,
        'Facility' as to_node_type, destinations.facility_code as to_node_key,
        cast(null as {{ type_timestamptz() }}) as valid_from,
        cast(null as {{ type_timestamptz() }}) as valid_to,
        cast(transport_routes.distance_km as double) as quantity,
        transport_routes.transport_mode || ', ' || transport_routes.route_status as edge_detail
    from transport_routes
    inner join facilities as origins
        on transport_routes.origin_facility_id = origins.facility_id
    inner join facilities as destinations
        on transport_routes.destination_facility_id = destinations.facility_id

)

select * from edges
