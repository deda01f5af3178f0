{{ config(materialized='table' if target.type == 'spark' else 'view') }}  {#- Spark: a table, so the comparison test reads its files -#}

-- Every relationship of the graph view, one row per edge, between two nodes of graph_nodes
-- (a node is its node_type and node_key). Four groups, one intermediate model each:
--   execution  the manufacturing plan's nine relationships (PerformedAt, FulfilledBy, Produces,
--              HasStep, UsesWorkCenter, LocatedAt, RoutesThrough, ConsumesPart,
--              ProducesProduct) plus RecordedFor, which ties a material transaction to its
--              work order (int_graph_edges__execution);
--   supply     the base model's network: supplier tiers (SuppliesTo), approved sources
--              (SuppliesPart), bills of materials (HasComponent), transport routes (RouteTo)
--              (int_graph_edges__supply);
--   demand     orders and shipments: PlacedBy, Fulfills, ShipsFrom, ShipsTo
--              (int_graph_edges__demand);
--   genealogy  lot genealogy: SuppliedLot, OfMaterial, HasSublot, ConsumedBy, ProducedSublot,
--              ShippedIn (with ShipsTo, the path from a supplier lot to a customer), the edges
--              of int_genealogy_edges keyed by business codes (int_graph_edges__genealogy).
-- valid_from is when the edge became true (null where the source has no time), valid_to when
-- it stopped (effectivity, contract end), quantity what flowed or is needed per unit. An edge
-- is keyed by its relationship and both nodes (RouteTo: and edge_detail, as a facility pair has
-- a route per transport mode). No edge_id or '<type>:<key>' node id strings: at scale 10 that
-- is ~45 million edges, and those unique strings doubled the time to write the table.
--
-- A view: the four edge tables are built incrementally (the history-sized ones rebuild only
-- the edges of the rows a load changed), so a daily build does not rewrite millions of edges;
-- reading the view is a scan of the four tables.

{%- set edge_models = [
    'int_graph_edges__execution',
    'int_graph_edges__supply',
    'int_graph_edges__demand',
    'int_graph_edges__genealogy',
] %}

with edges as (
    {%- for edge_model in edge_models %}

    select
        relationship,
        relationship_group,
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
