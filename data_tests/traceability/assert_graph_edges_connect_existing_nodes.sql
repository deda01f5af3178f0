-- Both ends of every edge of graph_edges are nodes of graph_nodes (same node_type and
-- node_key). Returns the edges with a missing end.

with nodes as (

    select node_type, node_key from {{ ref('graph_nodes') }}

),

edges as (

    select * from {{ ref('graph_edges') }}

)

select
    edges.relationship,
    edges.from_node_type,
    edges.from_node_key,
    edges.to_node_type,
    edges.to_node_key,
    from_nodes.node_key is null as from_node_missing,
    to_nodes.node_key is null as to_node_missing
from edges
left join nodes as from_nodes
    on edges.from_node_type = from_nodes.node_type
    and edges.from_node_key = from_nodes.node_key
left join nodes as to_nodes
    on edges.to_node_type = to_nodes.node_type
    and edges.to_node_key = to_nodes.node_key
where from_nodes.node_key is null
    or to_nodes.node_key is null
