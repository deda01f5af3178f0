{{ config(materialized='view') }}

-- The genealogy edges of graph_edges: the lot genealogy int_genealogy_edges holds (SuppliedLot,
-- HasSublot, ConsumedBy, ProducedSublot, ShippedIn), its integer node ids turned into business
-- codes with each edge's detail, plus OfMaterial (lot -> its part or product). Each edge names
-- the source row it comes from (source_table, source_id): a lot for SuppliedLot and OfMaterial
-- (int_genealogy_graph_edges__lots), a sublot for HasSublot, ConsumedBy (its consumption) and
-- ProducedSublot (its receipt) (int_genealogy_graph_edges__sublots), a shipment for ShippedIn
-- (int_genealogy_graph_edges__shipments).
--
-- A view: each of the three is an incremental table (strategy 'keys') that a daily build
-- updates for the rows its load changed.

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
        edge_detail
    from {{ ref(edge_model) }}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

)

select * from edges
