{{ config(materialized='view' if target.type == 'spark' else 'ephemeral') }}

-- The execution edges of graph_edges (the manufacturing plan's relationships and RecordedFor),
-- each with the source row it comes from (source_table, source_id): a work order for
-- PerformedAt, FulfilledBy, Produces, HasStep and UsesWorkCenter
-- (int_execution_edges__work_orders); a material transaction for ConsumesPart,
-- ProducesProduct and RecordedFor (int_execution_edges__transactions); a work centre for
-- LocatedAt and a routing step for RoutesThrough (int_execution_edges__plan).
--
-- A union over the three, each an incremental table (strategy 'keys') that a daily build
-- updates for the rows its load changed. Read by graph_edges alone, with no test of its own:
-- ephemeral on DuckDB (a CTE of graph_edges, one node fewer per build); a view on Spark.

{%- set edge_models = [
    'int_execution_edges__work_orders',
    'int_execution_edges__transactions',
    'int_execution_edges__plan',
] %}

with edges as (
    {%- for edge_model in edge_models %}

    select
        relationship_group,
        source_table,
        source_id,
        relationship,
        from_node_type,
        from_node_key,
        to_node_type,
        to_node_key,
        valid_from,
        valid_to,
        quantity,
        edge_detail,
        input_load_id
    from {{ ref(edge_model) }}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

)

select * from edges
