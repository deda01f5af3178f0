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
    select max(load_id) as input_load_id
    from (
        {%- for source in [
            'stg_plantledger__suppliers', 'stg_plantledger__supplier_relationships',
            'stg_plantledger__parts', 'stg_plantledger__part_suppliers',
            'stg_plantledger__products', 'stg_plantledger__bill_of_materials',
            'stg_plantledger__product_components', 'stg_plantledger__facilities',
            'stg_plantledger__transport_routes',
        ] %}
        select max(load_id) as load_id from {{ ref(source) }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as source_loads

),

final as (

    select 'supply' as relationship_group, edges.*, supply_load.input_load_id
    from edges
    cross join supply_load

)

select * from final
