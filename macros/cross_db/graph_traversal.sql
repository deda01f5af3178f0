{#
    Reachability in a directed graph with a recursive CTE: for every start node, every node
    reachable from it along the edges, with the length of the shortest path (the start itself
    at depth 0). Cycle protection: a node is expanded once per start node (a later path to a
    node already reached is dropped), and no path goes deeper than max_depth. Recursive CTEs
    differ between engines, hence a macro; the result is a plain select that can be wrapped in
    a subquery.

    start_nodes     a relation or CTE name with the start nodes in column node_id
    edges           a relation or CTE name with the edges
    from_column     edge column holding the node an edge leaves
    to_column       edge column holding the node an edge reaches
    max_depth       the longest path followed
#}
{% macro graph_reachability(start_nodes, edges, from_column='from_id', to_column='to_id', max_depth=32) -%}
    {{ return(adapter.dispatch('graph_reachability', 'plantledger')(start_nodes, edges, from_column, to_column, max_depth)) }}
{%- endmacro %}

{#
    DuckDB: USING KEY (start_node_id, node_id) keeps one row per reached node and start, and
    recurring.<cte> (the rows of all earlier iterations) tells which nodes were reached already.
#}
{% macro default__graph_reachability(start_nodes, edges, from_column, to_column, max_depth) -%}
    with recursive reachable (start_node_id, node_id, depth) using key (start_node_id, node_id) as (

        select
            node_id as start_node_id,
            node_id,
            0 as depth
        from {{ start_nodes }}

        union

        select
            reachable.start_node_id,
            edges.{{ to_column }} as node_id,
            reachable.depth + 1 as depth
        from reachable
        inner join {{ edges }} as edges
            on reachable.node_id = edges.{{ from_column }}
        where reachable.depth < {{ max_depth }}
            and not exists (
                select 1
                from recurring.reachable as reached
                where reached.start_node_id = reachable.start_node_id
                    and reached.node_id = edges.{{ to_column }}
            )

    )

    select start_node_id, node_id, depth
    from reachable
{%- endmacro %}
