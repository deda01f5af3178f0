{{ config(materialized='view' if target.type == 'spark' else 'ephemeral') }}

-- The genealogy edges of graph_edges: the lot genealogy int_genealogy_edges holds (SuppliedLot,
-- HasSublot, ConsumedBy, ProducedSublot, ShippedIn), its integer node ids turned into business
-- codes with each edge's detail, plus OfMaterial (lot -> its part or product). Each edge names
-- the source row it comes from (source_table, source_id): a lot for SuppliedLot and OfMaterial
-- (int_genealogy_graph_edges__lots), a sublot for HasSublot, ConsumedBy (its consumption) and
-- ProducedSublot (its receipt) (int_genealogy_graph_edges__sublots), a shipment for ShippedIn
-- (int_genealogy_graph_edges__shipments).
--
-- A union over the three, each an incremental table (strategy 'keys') that a daily build
-- updates for the rows its load changed. Read by graph_edges alone, with no test of its own:
-- ephemeral on DuckDB (a CTE of graph_edges, one node fewer per build); a view on Spark.

{%- set edge_models = [
    'int_genealogy_graph_edges__lots',
    'int_genealogy_graph_edges__sublots',
    'int_genealogy_graph_edges__shipments',
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
