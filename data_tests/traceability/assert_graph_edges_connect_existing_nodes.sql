-- Both ends of every edge of graph_edges are nodes of graph_nodes (same node_type and
-- node_key). Returns the edges with a missing end.
--
-- Two passes: the first takes both ends of every edge (the two key columns only) and keeps
-- the ends no node matches; the second returns the edges with one of those ends (none when
-- the proof passes), with the columns the failing rows show. Both ends go through one lookup
-- of graph_nodes where two joins of every edge column each built it (at scale 1, runs
-- interleaved on a loaded machine: 1.4 s instead of 1.8 s; graph_edges is a view, each pass a
-- scan of its four tables).
--
-- A daily run (macros/proofs/proof_window.sql, docs block incremental_loads) checks the edges
-- it may have written (proof_graph_edges_written) and the edges that name a node key its
-- graph_nodes run removed or re-keyed: a node key of int_graph_nodes__replaced (the nodes
-- that run replaced, as they were) that graph_nodes no longer has. Every other edge was
-- written by an earlier run whose proof found both its ends, and those nodes are unchanged.
-- The removed keys are counted when the proof compiles: none on an ordinary day, and then
-- the edges are not read for them.

{%- set whole = proof_is_whole() %}
{%- set removed_keys_sql %}
    select replaced.node_type, replaced.node_key
    from {{ ref('int_graph_nodes__replaced') }} as replaced
    where not exists (
        select 1
        from {{ ref('graph_nodes') }} as nodes
        where nodes.node_type = replaced.node_type
            and nodes.node_key = replaced.node_key
    )
{%- endset %}
{%- set removed_count = 0 %}
{%- if not whole and execute %}
    {%- set removed_count = run_query("select count(*) from (" ~ removed_keys_sql ~ ") as removed")
        .columns[0].values()[0] | int %}
{%- endif %}

with
{%- if not whole %}

removed_keys as (
    {{ removed_keys_sql }}
),

checked_edges as {{ column_rules_materialized() }} (

    select relationship, from_node_type, from_node_key, to_node_type, to_node_key
    from {{ ref('graph_edges') }}
    where {{ proof_graph_edges_written() }}
    {%- if removed_count > 0 %}

    union

    select relationship, from_node_type, from_node_key, to_node_type, to_node_key
    from {{ ref('graph_edges') }}
    where (from_node_type, from_node_key) in (select node_type, node_key from removed_keys)
        or (to_node_type, to_node_key) in (select node_type, node_key from removed_keys)
    {%- endif %}

),
{%- endif %}
{%- set edges_relation = ref('graph_edges') if whole else 'checked_edges' %}

edge_ends as (

    select from_node_type as node_type, from_node_key as node_key
    from {{ edges_relation }}
    union all
    select to_node_type as node_type, to_node_key as node_key
    from {{ edges_relation }}

),

missing_nodes as (

    select distinct edge_ends.node_type, edge_ends.node_key
    from edge_ends
    where not exists (
        select 1
        from {{ ref('graph_nodes') }} as nodes
        where nodes.node_type = edge_ends.node_type
            and nodes.node_key = edge_ends.node_key
    )

),

edges_with_missing_ends as (

    select
        relationship,
        from_node_type,
        from_node_key,
        to_node_type,
        to_node_key,
        exists (
            select 1 from missing_nodes
            where missing_nodes.node_type = edges.from_node_type
                and missing_nodes.node_key = edges.from_node_key
        ) as from_node_missing,
        exists (
            select 1 from missing_nodes
            where missing_nodes.node_type = edges.to_node_type
                and missing_nodes.node_key = edges.to_node_key
        ) as to_node_missing
    from {{ edges_relation }} as edges

)

select *
from edges_with_missing_ends
where from_node_missing or to_node_missing
