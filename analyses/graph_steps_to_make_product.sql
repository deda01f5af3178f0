-- RoutesThrough (Product -> ProductionRouting): "Steps to make Product X". The product's
-- current routing (effective now: no end of effectivity), step by step.
--   dbt compile -s graph_steps_to_make_product --vars '{sku: TURBO-001}'

with routes_through as (

    select
        to_node_key as routing_key,
        valid_from as effective_from,
        edge_detail as routing_status
    from {{ ref('graph_edges') }}
    where relationship = 'RoutesThrough'
        and from_node_key = '{{ var("sku", "TURBO-001") }}'
        and valid_to is null

),

routings as (

    select node_key as routing_key, node_label as operation_name
    from {{ ref('graph_nodes') }}
    where node_type = 'ProductionRouting'

)

select
    cast(split_part(routes_through.routing_key, '/', 2) as integer) as step_sequence,
    routings.operation_name,
    routes_through.routing_status,
    routes_through.effective_from,
    routes_through.routing_key
from routes_through
inner join routings
    on routes_through.routing_key = routings.routing_key
order by step_sequence
