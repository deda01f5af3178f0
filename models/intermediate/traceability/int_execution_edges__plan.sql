{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key=['source_table', 'source_id'],
    keys_placeholder_column='relationship',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_materials') }}

-- The execution edges of graph_edges that come from the manufacturing plan: LocatedAt (from a
-- work centre, source_table work_centers) and RoutesThrough (from a routing step, source_table
-- production_routings) (int_graph_edges__execution unions them with the other execution
-- edges).
--
-- Incremental (strategy 'keys', macros/incremental_keys.sql): a run rebuilds the edges of the
-- work centres and routing steps with a version in a load not consumed yet; a changed master
-- row (part, product, facility, work centre) rebuilds everything, as the codes it names may
-- have changed.

with facilities as (

    select * from {{ ref('stg_plantledger__facilities') }}

),

products as (

    select * from {{ ref('stg_plantledger__products') }}

),

work_centers as (

    select * from {{ ref('stg_plantledger__work_centers') }}

),

routings as (

    select * from {{ ref('stg_plantledger__production_routings') }}

),

master_load as (

    -- the newest load of the master rows any of these edges names (a changed one rebuilds all)
    select greatest(facilities_load_id, materials_load_id, work_centers_load_id) as load_id
    from {{ ref('int_master_data_loads') }}

),

{%- if is_incremental() %}

master_changed as (

    select {{ in_unconsumed_loads() }} as is_changed from master_load

),

changed_sources as (

    select 'work_centers' as source_table, work_center_id as source_id
    from work_centers
    where {{ in_unconsumed_loads() }} or (select is_changed from master_changed)

    union

    select 'production_routings', routing_step_id
    from routings
    where {{ in_unconsumed_loads() }} or (select is_changed from master_changed)

),

{%- endif %}

scoped_work_centers as (

    select * from work_centers
    {%- if is_incremental() %}
    where work_center_id in (
        select source_id from changed_sources where source_table = 'work_centers'
    )
    {%- endif %}

),

scoped_routings as (

    select * from routings
    {%- if is_incremental() %}
    where routing_step_id in (
        select source_id from changed_sources where source_table = 'production_routings'
    )
    {%- endif %}

),

routing_keys as (

    select
        routings.routing_step_id,
        products.sku || '/' || cast(routings.step_sequence as {{ dbt.type_string() }}) || '/'
            || cast(routings.effective_from as {{ dbt.type_string() }}) as routing_key
    from routings
    inner join products
        on routings.product_id = products.product_id

),

edges as (

    -- LocatedAt: work centre -> its factory
    select
        'work_centers' as source_table,
        work_centers.work_center_id as source_id,
        'LocatedAt' as relationship,
        'WorkCenter' as from_node_type, work_centers.work_center_code as from_node_key,
        'Facility' as to_node_type, facilities.facility_code as to_node_key,
        work_centers.created_at as valid_from,
        cast(null as {{ type_timestamptz() }}) as valid_to,
        cast(null as double) as quantity,
        cast(null as {{ dbt.type_string() }}) as edge_detail,
        -- input_load_id: the newest load among the rows whose new version rebuilds the edge
        greatest(work_centers.load_id, (select load_id from master_load)) as input_load_id
    from scoped_work_centers as work_centers
    inner join facilities
        on work_centers.facility_id = facilities.facility_id

    union all

    -- RoutesThrough: product -> each routing step of each routing version (effectivity)
    select
        'production_routings', routings.routing_step_id,
        'RoutesThrough',
        'Product', products.sku,
        'ProductionRouting', routing_keys.routing_key,
        cast(routings.effective_from as {{ type_timestamptz() }}),
        cast(routings.effective_to as {{ type_timestamptz() }}),
        null,
        case when routings.is_active then 'active' else 'inactive' end,
        greatest(routings.load_id, (select load_id from master_load))
    from scoped_routings as routings
    inner join routing_keys
        on routings.routing_step_id = routing_keys.routing_step_id
    inner join products
        on routings.product_id = products.product_id

),

final as (

    select 'execution' as relationship_group, *
    from edges
    {%- if is_incremental() %}

    union all

    -- every changed source also gets a placeholder: it deletes its old edges (strategy 'keys')
    select
        'execution', changed_sources.source_table, changed_sources.source_id,
        null, null, null, null, null, null, null, null, null, null
    from changed_sources
    {%- endif %}

)

select * from final
