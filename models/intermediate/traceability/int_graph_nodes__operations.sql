-- The operational nodes of graph_nodes but material transactions: orders, work orders and
-- their steps, material lots and sublots, shipments, one row per entity, keyed by node_type
-- and node_key (the business code) as graph_edges names its ends; node_label names what the
-- entity is (the customer of an order, the SKU a work order makes, a step's operation, a
-- lot's material and supplier lot number).
--
-- input_load_id is the latest load that brought a version of a row the node is built from:
-- the entity (for a step: its work order too) or any master row (supplier, part, product,
-- facility, customer, work centre, routing: the labels it names may have changed); shipments
-- depend on their own row only. graph_nodes rebuilds the nodes whose input_load_id is a load
-- not consumed yet.

with customers as (

    select customer_id, customer_code from {{ ref('stg_plantledger__customers') }}

),

products as (

    select product_id, sku from {{ ref('stg_plantledger__products') }}

),

materials as (

    select part_id, product_id, material_code from {{ ref('int_materials') }}

),

orders as (

    select * from {{ ref('stg_plantledger__orders') }}

),

work_orders as (

    select * from {{ ref('stg_plantledger__work_orders') }}

),

work_order_steps as (

    select * from {{ ref('stg_plantledger__work_order_steps') }}

),

routings as (

    select routing_step_id, operation_name from {{ ref('stg_plantledger__production_routings') }}

),

lots as (

    select * from {{ ref('stg_plantledger__material_lots') }}

),

sublots as (

    select * from {{ ref('stg_plantledger__material_sublots') }}

),

shipments as (

    select * from {{ ref('stg_plantledger__shipments') }}

),

master_loads as (

    select greatest(suppliers_load_id, materials_load_id, facilities_load_id, customers_load_id, work_centers_load_id, production_routings_load_id) as master_load_id
    from {{ ref('int_master_data_loads') }}

),

final as (

    select 'Order' as node_type, orders.order_number as node_key,
        customers.customer_code as node_label, orders.order_id as source_id, orders.created_at,
        greatest(orders.load_id, (select master_load_id from master_loads)) as input_load_id
    from orders
    left join customers
        on orders.customer_id = customers.customer_id

    union all

    select 'WorkOrder', work_orders.wo_number, products.sku, work_orders.work_order_id,
        work_orders.created_at,
        greatest(work_orders.load_id, (select master_load_id from master_loads))
    from work_orders
    left join products
        on work_orders.product_id = products.product_id

    union all

    select 'WorkOrderStep',
        work_orders.wo_number || '/' || cast(work_order_steps.step_sequence as {{ dbt.type_string() }}),
        routings.operation_name, work_order_steps.work_order_step_id, work_orders.created_at,
        greatest(
            work_order_steps.load_id, work_orders.load_id,
            (select master_load_id from master_loads)
        )
    from work_order_steps
    inner join work_orders
        on work_order_steps.work_order_id = work_orders.work_order_id
    left join routings
        on work_order_steps.routing_step_id = routings.routing_step_id

    union all

    select 'MaterialLot', lots.lot_code,
        materials.material_code || coalesce(' (supplier lot ' || lots.supplier_lot_number || ')', ''),
        lots.material_lot_id, lots.created_at,
        greatest(lots.load_id, (select master_load_id from master_loads))
    from lots
    left join materials
        on lots.part_id is not distinct from materials.part_id
        and lots.product_id is not distinct from materials.product_id

    union all

    select 'MaterialSublot', sublots.sublot_code, materials.material_code,
        sublots.material_sublot_id, sublots.created_at,
        greatest(sublots.load_id, (select master_load_id from master_loads))
    from sublots
    left join materials
        on sublots.part_id is not distinct from materials.part_id
        and sublots.product_id is not distinct from materials.product_id

    union all

    select 'Shipment', shipment_number, shipment_type, shipment_id, shipped_at, load_id
    from shipments

)

select * from final
