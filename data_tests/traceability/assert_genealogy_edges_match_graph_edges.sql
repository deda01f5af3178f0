-- The integer-keyed genealogy edges the trace macros walk and the code-keyed genealogy edges
-- of graph_edges are the same edges: same count and total quantity per relationship and node
-- types. Returns the relationships where they differ.

with traced as (

    select
        relationship,
        from_node_type,
        to_node_type,
        count(*) as edge_count,
        sum(quantity) as total_quantity
    from {{ ref('int_genealogy_edges') }}
    group by relationship, from_node_type, to_node_type

),

graph as (

    select
        relationship,
        from_node_type,
        to_node_type,
        count(*) as edge_count,
        sum(quantity) as total_quantity
    from {{ ref('graph_edges') }}
    where relationship in ('SuppliedLot', 'HasSublot', 'ConsumedBy', 'ProducedSublot', 'ShippedIn', 'ShipsTo')
    group by relationship, from_node_type, to_node_type

)

select
    coalesce(traced.relationship, graph.relationship) as relationship,
    coalesce(traced.from_node_type, graph.from_node_type) as from_node_type,
    coalesce(traced.to_node_type, graph.to_node_type) as to_node_type,
    traced.edge_count as traced_edge_count,
    graph.edge_count as graph_edge_count,
    traced.total_quantity as traced_total_quantity,
    graph.total_quantity as graph_total_quantity
from traced
full outer join graph
    on traced.relationship = graph.relationship
    and traced.from_node_type = graph.from_node_type
    and traced.to_node_type = graph.to_node_type
where traced.edge_count is distinct from graph.edge_count
    or traced.total_quantity is distinct from graph.total_quantity
