{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key='relationship_group',
    keys_placeholder_column='relationship',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- The supply edges of graph_edges: the base model's network, supplier tiers and approved
-- sources (int_supply_edges__sourcing), bills of materials (int_supply_edges__bills) and
-- transport routes (int_supply_edges__routes). Master data only: rows that do not grow with
-- the loads, but with the plant (3 times as many at scale 3). input_load_id is the newest
-- load of those master rows (the same on every edge).
--
-- Incremental (strategy 'keys' on relationship_group, macros/incremental_keys.sql): every edge
-- is rebuilt, whole, when one of those master rows has a version in a load not consumed yet
-- (their newest load after int_load_window.previous_consumed_load_id), with a placeholder
-- that deletes the old edges (an edge may vanish); otherwise the run selects nothing, reading
-- no master row (decided when the model compiles, after int_load_window), and the table keeps
-- the edges the previous run built from the same master rows. Exact: staging keeps each
-- master id's row of its latest load, so no newer load means the same rows.

{%- set master_kinds = [
    'suppliers', 'supplier_relationships', 'parts', 'part_suppliers', 'products',
    'bill_of_materials', 'product_components', 'facilities', 'transport_routes',
] %}
{%- set supply_load_id -%}
    greatest(
        {%- for kind in master_kinds %}
        {{ kind }}_load_id{{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endset %}

{#- an incremental run rebuilds the edges only when a master row they name is newer than the last run's #}
{%- set rebuild = true %}
{%- if execute and is_incremental() %}
    {%- set changed = run_query(
        "select count(*) from " ~ ref('int_master_data_loads')
        ~ " where " ~ in_unconsumed_loads(supply_load_id)) %}
    {%- set rebuild = changed.columns[0].values()[0] > 0 %}
{%- endif %}

{%- set edge_models = [
    'int_supply_edges__sourcing',
    'int_supply_edges__bills',
    'int_supply_edges__routes',
] %}

{%- if not rebuild %}

-- no master row of these edges is newer than the last run's: nothing to replace
select * from {{ this }}
where false
{%- else %}

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

    -- the newest load of the master rows these edges are built from (the same on every edge)
    select {{ supply_load_id }} as input_load_id
    from {{ ref('int_master_data_loads') }}

),

final as (

    select 'supply' as relationship_group, edges.*, supply_load.input_load_id
    from edges
    cross join supply_load
    {%- if is_incremental() %}

    union all

    -- a rebuild deletes every old edge first (strategy 'keys': the placeholder is not inserted)
    select
        'supply', null, null, null, null, null,
        null, null, null, null, supply_load.input_load_id
    from supply_load
    {%- endif %}

)

select * from final
{%- endif %}
