{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key=['source_table', 'source_id'],
    keys_placeholder_column='relationship',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- The execution edges of graph_edges that come from a work order (source_table work_orders):
-- PerformedAt, FulfilledBy, Produces, HasStep and UsesWorkCenter (int_graph_edges__execution
-- unions them with the other execution edges).
--
-- Incremental (strategy 'keys', macros/incremental_keys.sql): a run rebuilds the edges of the
-- work orders with a new version of themselves, of their order or of a step in a load not
-- consumed yet; a changed master row (part, product, facility, work centre) rebuilds
-- everything, as the codes it names may have changed.

with work_orders as (

    select * from {{ ref('stg_plantledger__work_orders') }}

),

work_order_steps as (

    select * from {{ ref('stg_plantledger__work_order_steps') }}

),

orders as (

    select * from {{ ref('stg_plantledger__orders') }}

),

facilities as (

    select * from {{ ref('stg_plantledger__facilities') }}

),

products as (

    select * from {{ ref('stg_plantledger__products') }}

),

work_centers as (

    select * from {{ ref('stg_plantledger__work_centers') }}

),

master_load as (

    select greatest(facilities_load_id, materials_load_id, work_centers_load_id) as load_id
    from {{ ref('int_master_data_loads') }}

),

{%- if is_incremental() %}

master_changed as (

    select {{ in_unconsumed_loads() }} as is_changed from master_load

),

changed_sources as (

    select 'work_orders' as source_table, work_order_id as source_id
    from work_orders
    where {{ in_unconsumed_loads() }}
        or (select is_changed from master_changed)
        or order_id in (select order_id from orders where {{ in_unconsumed_loads() }})

    union

    select 'work_orders', work_order_id
    from work_order_steps
    where {{ in_unconsumed_loads() }}

),

{%- endif %}

scoped_work_orders as (

    -- input_load_id: the newest load among the rows whose new version rebuilds the work
    -- order's edges (itself, its order, its steps, any master row); the order's and the
    -- steps' loads are looked up by key (scalar subqueries: the edges below hold the joins)
    select
        work_orders.*,
        greatest(
            work_orders.load_id,
            (select max(orders.load_id) from orders where orders.order_id = work_orders.order_id),
            (
                select max(steps.load_id) from work_order_steps as steps
                where steps.work_order_id = work_orders.work_order_id
            ),
            (select load_id from master_load)
        ) as input_load_id
    from work_orders
    {%- if is_incremental() %}
    where work_orders.work_order_id in (select source_id from changed_sources)
    {%- endif %}

),

edges as (

    -- PerformedAt: work order -> the factory it runs at
    select
        'work_orders' as source_table,
        work_orders.work_order_id as source_id,
        'PerformedAt' as relationship,
        'WorkOrder' as from_node_type, work_orders.wo_number as from_node_key,
        'Facility' as to_node_type, facilities.facility_code as to_node_key,
        work_orders.created_at as valid_from,
        cast(null as {{ type_timestamptz() }}) as valid_to,
        cast(null as double) as quantity,
        cast(null as {{ dbt.type_string() }}) as edge_detail,
        work_orders.input_load_id
    from scoped_work_orders as work_orders
    inner join facilities
        on work_orders.facility_id = facilities.facility_id

    union all

    -- FulfilledBy: sales order -> the make-to-order work orders producing for it
    select
        'work_orders', work_orders.work_order_id,
        'FulfilledBy',
        'Order', orders.order_number,
        'WorkOrder', work_orders.wo_number,
        work_orders.created_at, null, null, null, work_orders.input_load_id
    from scoped_work_orders as work_orders
    inner join orders
        on work_orders.order_id = orders.order_id

    union all

    -- Produces: work order -> the product it makes (planned quantity)
    select
        'work_orders', work_orders.work_order_id,
        'Produces',
        'WorkOrder', work_orders.wo_number,
        'Product', products.sku,
        work_orders.created_at, null, work_orders.quantity_planned, work_orders.work_order_status,
        work_orders.input_load_id
    from scoped_work_orders as work_orders
    inner join products
        on work_orders.product_id = products.product_id

    union all

    -- HasStep: work order -> each of its steps (detail: the step's status)
    select
        'work_orders', work_orders.work_order_id,
        'HasStep',
        'WorkOrder', work_orders.wo_number,
        'WorkOrderStep', work_orders.wo_number || '/' || cast(work_order_steps.step_sequence as {{ dbt.type_string() }}),
        work_orders.created_at, null, work_order_steps.quantity_out, work_order_steps.step_status,
        work_orders.input_load_id
    from work_order_steps
    inner join scoped_work_orders as work_orders
        on work_order_steps.work_order_id = work_orders.work_order_id

    union all

    -- UsesWorkCenter: work order step -> the work centre it runs on (detail: the step's status)
    select
        'work_orders', work_orders.work_order_id,
        'UsesWorkCenter',
        'WorkOrderStep', work_orders.wo_number || '/' || cast(work_order_steps.step_sequence as {{ dbt.type_string() }}),
        'WorkCenter', work_centers.work_center_code,
        work_orders.created_at, null, null, work_order_steps.step_status,
        work_orders.input_load_id
    from work_order_steps
    inner join scoped_work_orders as work_orders
        on work_order_steps.work_order_id = work_orders.work_order_id
    inner join work_centers
        on work_order_steps.work_center_id = work_centers.work_center_id

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
