-- Every entity of the graph view of the warehouse, one row per node, keyed by node_type and
-- node_key (the business code), as graph_edges names its ends, so a graph tool can load both
-- as they are. node_label is a name for display (the entity's name, or what it
-- is: the SKU a work order makes, a step's operation, a lot's material and supplier lot
-- number); created_at is when the entity came to be.

with suppliers as (

    select * from {{ ref('stg_plantledger__suppliers') }}

),

parts as (

    select * from {{ ref('stg_plantledger__parts') }}

),

products as (

    select * from {{ ref('stg_plantledger__products') }}

),

facilities as (

    select * from {{ ref('stg_plantledger__facilities') }}

),

customers as (

    select * from {{ ref('stg_plantledger__customers') }}

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

work_centers as (

    select * from {{ ref('stg_plantledger__work_centers') }}

),

routings as (

    select * from {{ ref('stg_plantledger__production_routings') }}

),

transactions as (

    select * from {{ ref('int_material_transactions__accepted') }}

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

material_codes as (

    select 'part' as material_type, part_id as material_id, part_number as material_code from parts
    union all
    select 'product' as material_type, product_id as material_id, sku as material_code from products

),

nodes as (

    select 'Supplier' as node_type, supplier_code as node_key, supplier_name as node_label,
        supplier_id as source_id, created_at
    from suppliers

    union all

    select 'Part', part_number, part_description, part_id, created_at
    from parts

    union all

    select 'Product', sku, product_name, product_id, cast(launch_date as {{ type_timestamptz() }})
    from products

    union all

    select 'Facility', facility_code, facility_name, facility_id, created_at
    from facilities

    union all

    select 'Customer', customer_code, customer_name, customer_id, created_at
    from customers

    union all

    select 'Order', orders.order_number, customers.customer_code, orders.order_id, orders.created_at
    from orders
    left join customers
        on orders.customer_id = customers.customer_id

    union all

    select 'WorkOrder', work_orders.wo_number, products.sku, work_orders.work_order_id,
        work_orders.created_at
    from work_orders
    left join products
        on work_orders.product_id = products.product_id

    union all

    select 'WorkOrderStep',
        work_orders.wo_number || '/' || cast(work_order_steps.step_sequence as varchar),
        routings.operation_name, work_order_steps.work_order_step_id, work_orders.created_at
    from work_order_steps
    inner join work_orders
        on work_order_steps.work_order_id = work_orders.work_order_id
    left join routings
        on work_order_steps.routing_step_id = routings.routing_step_id

    union all

    select 'WorkCenter', work_center_code, work_center_name, work_center_id, created_at
    from work_centers

    union all

    select 'ProductionRouting',
        products.sku || '/' || cast(routings.step_sequence as varchar) || '/'
            || cast(routings.effective_from as varchar),
        routings.operation_name, routings.routing_step_id, routings.created_at
    from routings
    inner join products
        on routings.product_id = products.product_id

    union all

    select 'MaterialTransaction', transaction_number, transaction_type, material_transaction_id,
        transacted_at
    from transactions

    union all

    select 'MaterialLot', lots.lot_code,
        material_codes.material_code || coalesce(' (supplier lot ' || lots.supplier_lot_number || ')', ''),
        lots.material_lot_id, lots.created_at
    from lots
    left join material_codes
        on material_codes.material_id = coalesce(lots.part_id, lots.product_id)
        and material_codes.material_type = case when lots.part_id is not null then 'part' else 'product' end

    union all

    select 'MaterialSublot', sublots.sublot_code, material_codes.material_code,
        sublots.material_sublot_id, sublots.created_at
    from sublots
    left join material_codes
        on material_codes.material_id = coalesce(sublots.part_id, sublots.product_id)
        and material_codes.material_type = case when sublots.part_id is not null then 'part' else 'product' end

    union all

    select 'Shipment', shipment_number, shipment_type, shipment_id, shipped_at
    from shipments

),

final as (

    select
        node_type,
        node_key,
        node_label,
        source_id,
        created_at
    from nodes

)

select * from final
order by node_type, source_id
