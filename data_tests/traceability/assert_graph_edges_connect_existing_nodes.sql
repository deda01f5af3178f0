-- Both ends of every edge of graph_edges are nodes of graph_nodes (same node_type and
-- node_key). Returns the edges with a missing end.
--
-- Every edge in every run (graph_edges has no column saying which edges a run wrote). The
-- ends are checked once as one column pair (every edge's two ends, against the nodes, an anti
-- join), and only the edges naming a missing end are then read again to report them: the same
-- rows as joining each end of each edge to the nodes, at about half the cost.

with nodes as (

    select node_type, node_key from {{ ref('graph_nodes') }}

),

edges as (

    select relationship, from_node_type, from_node_key, to_node_type, to_node_key
    from {{ ref('graph_edges') }}

),

edge_ends as (

    select from_node_type as node_type, from_node_key as node_key from edges
    union all
    select to_node_type, to_node_key from edges

),

missing_nodes as (

    -- an end with a null type or key matches no node, so it is missing too
    select distinct edge_ends.node_type, edge_ends.node_key
    from edge_ends
    where not exists (
        select 1
        from nodes
        where nodes.node_type = edge_ends.node_type
            and nodes.node_key = edge_ends.node_key
    )

),

flagged_missing_nodes as (

    select node_type, node_key, true as is_missing from missing_nodes

)

select
    edges.relationship,
    edges.from_node_type,
    edges.from_node_key,
    edges.to_node_type,
    edges.to_node_key,
    missing_from.is_missing is not null as from_node_missing,
    missing_to.is_missing is not null as to_node_missing
from edges
left join flagged_missing_nodes as missing_from
    on edges.from_node_type is not distinct from missing_from.node_type
    and edges.from_node_key is not distinct from missing_from.node_key
left join flagged_missing_nodes as missing_to
    on edges.to_node_type is not distinct from missing_to.node_type
    and edges.to_node_key is not distinct from missing_to.node_key
where exists (select 1 from missing_nodes)
    and (missing_from.is_missing is not null or missing_to.is_missing is not null)
