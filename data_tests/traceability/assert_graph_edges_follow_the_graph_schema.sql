-- The graph schema: each relationship joins fixed node types. Returns edges of a relationship
-- between other types, and relationships of the schema that have no edge at all.
--
-- Every edge, in a daily run too: one pass over three columns of each edge table costs less
-- than a window of the edges a run wrote plus the relationships still present (0.22 s against
-- 0.38-0.44 s at scale 1, docs block incremental_loads).

with graph_schema as (

    select * from (values
        ('PerformedAt', 'WorkOrder', 'Facility'),
        ('FulfilledBy', 'Order', 'WorkOrder'),
        ('Produces', 'WorkOrder', 'Product'),
        ('HasStep', 'WorkOrder', 'WorkOrderStep'),
        ('UsesWorkCenter', 'WorkOrderStep', 'WorkCenter'),
        ('LocatedAt', 'WorkCenter', 'Facility'),
        ('RoutesThrough', 'Product', 'ProductionRouting'),
        ('ConsumesPart', 'MaterialTransaction', 'Part'),
        ('ProducesProduct', 'MaterialTransaction', 'Product'),
        ('RecordedFor', 'MaterialTransaction', 'WorkOrder'),
        ('SuppliesTo', 'Supplier', 'Supplier'),
        ('SuppliesPart', 'Supplier', 'Part'),
        ('HasComponent', 'Part', 'Part'),
        ('HasComponent', 'Product', 'Part'),
        ('RouteTo', 'Facility', 'Facility'),
        ('PlacedBy', 'Order', 'Customer'),
        ('Fulfills', 'Shipment', 'Order'),
        ('ShipsFrom', 'Shipment', 'Facility'),
        ('ShipsTo', 'Shipment', 'Customer'),
        ('ShipsTo', 'Shipment', 'Facility'),
        ('SuppliedLot', 'Supplier', 'MaterialLot'),
        ('OfMaterial', 'MaterialLot', 'Part'),
        ('OfMaterial', 'MaterialLot', 'Product'),
        ('HasSublot', 'MaterialLot', 'MaterialSublot'),
        ('ConsumedBy', 'MaterialSublot', 'WorkOrder'),
        ('ProducedSublot', 'WorkOrder', 'MaterialSublot'),
        ('ShippedIn', 'MaterialSublot', 'Shipment')
    ) as schema_rows (relationship, from_node_type, to_node_type)

),

edge_types as (

    select relationship, from_node_type, to_node_type, count(*) as edge_count
    from {{ ref('graph_edges') }}
    group by relationship, from_node_type, to_node_type

),

relationships_present as (

    select distinct relationship from edge_types

),

edges_outside_the_schema as (

    select
        edge_types.relationship,
        edge_types.from_node_type,
        edge_types.to_node_type,
        edge_types.edge_count,
        'edges between types the schema does not allow' as problem
    from edge_types
    left join graph_schema
        on edge_types.relationship = graph_schema.relationship
        and edge_types.from_node_type = graph_schema.from_node_type
        and edge_types.to_node_type = graph_schema.to_node_type
    where graph_schema.relationship is null

),

relationships_without_edges as (

    select distinct
        graph_schema.relationship,
        cast(null as {{ dbt.type_string() }}) as from_node_type,
        cast(null as {{ dbt.type_string() }}) as to_node_type,
        0 as edge_count,
        'relationship of the schema without any edge' as problem
    from graph_schema
    left join relationships_present
        on graph_schema.relationship = relationships_present.relationship
    where relationships_present.relationship is null

)

select * from edges_outside_the_schema
union all
select * from relationships_without_edges
