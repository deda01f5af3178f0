{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='finished_sublot_id',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}
-- Lot genealogy, flattened: for each finished sublot (every sublot a work order produced),
-- every component sublot that went into it and, for purchased material, the supplier lot it
-- came from, through any number of levels. Level 1 is what the sublot's own work order
-- consumed; when a component is itself a sublot made by a work order (an in-house
-- subassembly), what that work order consumed follows at level 2, and so on. The recursion
-- runs over work orders (graph_reachability macro: cycle-safe, shortest level kept), then
-- fans out to the sublots. Today's data has one level only: supplier lot -> part sublot ->
-- work order -> product sublot.

with outputs as (

    select * from {{ ref('int_work_order_outputs') }}

),

consumption as (

    select * from {{ ref('int_sublot_consumption') }}

),

work_order_links as (

    -- a work order consumed a sublot that another work order produced
    select * from {{ ref('int_work_order_links') }}

),

{%- if is_incremental() %}

-- Incremental run (macros/incremental.sql): rebuild the finished sublots of the work orders
-- whose consumption or outputs changed in the window, and of every work order downstream of
-- them (that consumed what they made); delete+insert replaces those finished sublots' rows.

changed_work_orders as (

    select work_order_id as node_id
    from consumption
    where {{ in_window_sublots('material_sublot_id') }}

    union

    select work_order_id as node_id
    from outputs
    where {{ in_lookback('received_at') }}

),

affected_work_orders as (

    select distinct node_id
    from (
        {{ graph_reachability(
            'changed_work_orders',
            'work_order_links',
            from_column='source_work_order_id',
            to_column='consuming_work_order_id'
        ) | indent(8) }}
    ) as downstream

),

producing_work_orders as (

    select distinct work_order_id as node_id
    from outputs
    where work_order_id in (select node_id from affected_work_orders)

),
{%- else %}

producing_work_orders as (

    select distinct work_order_id as node_id
    from outputs

),
{%- endif %}

work_order_lineage as (

    -- every work order upstream of each producing work order (itself at depth 0)
    select
        start_node_id as work_order_id,
        node_id as upstream_work_order_id,
        depth
    from (
        {{ graph_reachability(
            'producing_work_orders',
            'work_order_links',
            from_column='consuming_work_order_id',
            to_column='source_work_order_id'
        ) }}
    ) as reachable

),

final as (

    select
        {{ composite_key([
            'outputs.material_sublot_id',
            'consumption.material_sublot_id',
            'consumption.work_order_id'
        ]) }} as sublot_genealogy_id,
        outputs.material_sublot_id as finished_sublot_id,
        outputs.sublot_code as finished_sublot_code,
        outputs.material_type as finished_material_type,
        outputs.material_code as finished_material_code,
        outputs.work_order_id as finished_work_order_id,
        outputs.wo_number as finished_wo_number,
        work_order_lineage.depth + 1 as depth,
        consumption.work_order_id as consuming_work_order_id,
        consumption.wo_number as consuming_wo_number,
        consumption.material_sublot_id as component_sublot_id,
        consumption.sublot_code as component_sublot_code,
        consumption.material_type as component_material_type,
        consumption.material_code as component_material_code,
        consumption.material_lot_id as component_lot_id,
        consumption.lot_code as component_lot_code,
        consumption.lot_origin as component_origin,
        consumption.lot_origin = 'supplier' as is_supplier_material,
        consumption.source_work_order_id as component_work_order_id,
        consumption.supplier_id,
        consumption.supplier_code,
        consumption.supplier_lot_number,
        consumption.sublot_initial_quantity as component_initial_quantity,
        consumption.issued_quantity,
        consumption.returned_quantity,
        consumption.net_quantity as consumed_quantity,
        consumption.first_issued_at
    from outputs
    inner join work_order_lineage
        on outputs.work_order_id = work_order_lineage.work_order_id
    inner join consumption
        on work_order_lineage.upstream_work_order_id = consumption.work_order_id

)

select * from final
order by finished_sublot_id, depth, component_sublot_id
