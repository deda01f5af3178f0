{{ config(materialized='table') }}

-- The supply edges of graph_edges: the base model's network, supplier tiers and approved
-- sources (int_supply_edges__sourcing), bills of materials (int_supply_edges__bills) and
-- transport routes (int_supply_edges__routes). Master data only, a few tens of thousands of
-- rows that do not grow with the loads: rebuilt whole every run.

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

final as (

    select 'supply' as relationship_group, * from edges

)

select * from final
