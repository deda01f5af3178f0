{{ config(materialized='table') }}

-- The supply edges of graph_edges: the base model's network, supplier tiers and approved
-- sources (int_supply_edges__sourcing), bills of materials (int_supply_edges__bills) and
-- transport routes (int_supply_edges__routes). Master data only, a few tens of thousands of
-- rows that do not grow with the loads: rebuilt whole every run. input_load_id is the newest
-- load of those master rows (the same on every edge).

{%- set edge_models = [
    'int_supply_edges__sourcing',
    'int_supply_edges__bills',
    'int_supply_edges__routes',
] %}

with edges as (
    {%- for edge_model in edge_models %}

    select
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

),

supply_load as (

    -- the newest load of the master rows these edges are built from: every supply edge is
    -- rebuilt each run, the same as in the previous run unless one of them has a newer load
    select
        greatest(
            suppliers_load_id, supplier_relationships_load_id, parts_load_id,
            part_suppliers_load_id, products_load_id, bill_of_materials_load_id,
            product_components_load_id, facilities_load_id, transport_routes_load_id
        ) as input_load_id
    from {{ ref('int_master_data_loads') }}

),

final as (

    select 'supply' as relationship_group, edges.*, supply_load.input_load_id
    from edges
    cross join supply_load

)

select * from final
