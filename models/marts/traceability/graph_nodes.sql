{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key=['node_type', 'source_id'],
    keys_placeholder_column='node_key',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_material_transactions__screened') }}

-- Every entity of the graph view of the warehouse, one row per node, keyed by node_type and
-- node_key (the business code), as graph_edges names its ends, so a graph tool can load both
-- as they are. node_label is a name for display (the entity's name, or what it
-- is: the SKU a work order makes, a step's operation, a lot's material and supplier lot
-- number); created_at is when the entity came to be.
--
-- Incremental (strategy 'keys', macros/incremental_keys.sql): a run rebuilds the nodes of the
-- rows of loads not consumed yet (orders, work orders and their steps, lots, sublots,
-- shipments), of the screened material transactions of the window, and every master-data
-- node (a few thousand); a changed master row rebuilds everything, as the labels it names may
-- have changed.

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

{%- if is_incremental() %}

master_changed as (

    select exists (
        select 1 from suppliers where {{ in_unconsumed_loads() }}
        union all
        select 1 from parts where {{ in_unconsumed_loads() }}
        union all
        select 1 from products where {{ in_unconsumed_loads() }}
        union all
        select 1 from facilities where {{ in_unconsumed_loads() }}
        union all
        select 1 from customers where {{ in_unconsumed_loads() }}
        union all
        select 1 from work_centers where {{ in_unconsumed_loads() }}
        union all
        select 1 from routings where {{ in_unconsumed_loads() }}
    ) as is_changed

),

changed_work_orders as (

    select work_order_id
    from work_orders
    where {{ in_unconsumed_loads() }} or (select is_changed from master_changed)

),

changed_nodes as (

    -- master data: always (small)
    select 'Supplier' as node_type, supplier_id as source_id from suppliers
    union all
    select 'Part', part_id from parts
    union all
    select 'Product', product_id from products
    union all
    select 'Facility', facility_id from facilities
    union all
    select 'Customer', customer_id from customers
    union all
    select 'WorkCenter', work_center_id from work_centers
    union all
    select 'ProductionRouting', routing_step_id from routings
    union all
    select 'Order', order_id from orders
    where {{ in_unconsumed_loads() }} or (select is_changed from master_changed)
    union all
    select 'WorkOrder', work_order_id from changed_work_orders
    union all
    select 'WorkOrderStep', work_order_step_id from work_order_steps
    where {{ in_unconsumed_loads() }}
        or work_order_id in (select work_order_id from changed_work_orders)
    union all
    select 'MaterialTransaction', material_transaction_id
    from {{ ref('int_material_transactions__screened') }}
    where {{ in_lookback('transacted_at') }}
    union all
    select 'MaterialLot', material_lot_id from lots
    where {{ in_unconsumed_loads() }} or (select is_changed from master_changed)
    union all
    select 'MaterialSublot', material_sublot_id from sublots
    where {{ in_unconsumed_loads() }} or (select is_changed from master_changed)
    union all
    select 'Shipment', shipment_id from shipments
    where {{ in_unconsumed_loads() }}

),

{%- endif %}

nodes as (

    select 'Supplier' as node_type, supplier_code as node_key, supplier_name as node_label,
        supplier_id as source_id, created_at
    from suppliers
    {%- if is_incremental() %}
    where supplier_id in (select source_id from changed_nodes where node_type = 'Supplier')
    {%- endif %}

    union all

    select 'Part', part_number, part_description, part_id, created_at
    from parts
    {%- if is_incremental() %}
    where part_id in (select source_id from changed_nodes where node_type = 'Part')
    {%- endif %}

    union all

    select 'Product', sku, product_name, product_id, cast(launch_date as {{ type_timestamptz() }})
    from products
    {%- if is_incremental() %}
    where product_id in (select source_id from changed_nodes where node_type = 'Product')
    {%- endif %}

    union all

    select 'Facility', facility_code, facility_name, facility_id, created_at
    from facilities
    {%- if is_incremental() %}
    where facility_id in (select source_id from changed_nodes where node_type = 'Facility')
    {%- endif %}

    union all

    select 'Customer', customer_code, customer_name, customer_id, created_at
    from customers
    {%- if is_incremental() %}
    where customer_id in (select source_id from changed_nodes where node_type = 'Customer')
    {%- endif %}

    union all

    select 'Order', orders.order_number, customers.customer_code, orders.order_id, orders.created_at
    from orders
    left join customers
        on orders.customer_id = customers.customer_id
    {%- if is_incremental() %}
    where orders.order_id in (select source_id from changed_nodes where node_type = 'Order')
    {%- endif %}

    union all

    select 'WorkOrder', work_orders.wo_number, products.sku, work_orders.work_order_id,
        work_orders.created_at
    from work_orders
    left join products
        on work_orders.product_id = products.product_id
    {%- if is_incremental() %}
    where work_orders.work_order_id in (select source_id from changed_nodes where node_type = 'WorkOrder')
    {%- endif %}

    union all

    select 'WorkOrderStep',
        work_orders.wo_number || '/' || cast(work_order_steps.step_sequence as {{ dbt.type_string() }}),
        routings.operation_name, work_order_steps.work_order_step_id, work_orders.created_at
    from work_order_steps
    inner join work_orders
        on work_order_steps.work_order_id = work_orders.work_order_id
    left join routings
        on work_order_steps.routing_step_id = routings.routing_step_id
    {%- if is_incremental() %}
    where work_order_steps.work_order_step_id in (select source_id from changed_nodes where node_type = 'WorkOrderStep')
    {%- endif %}

    union all

    select 'WorkCenter', work_center_code, work_center_name, work_center_id, created_at
    from work_centers
    {%- if is_incremental() %}
    where work_center_id in (select source_id from changed_nodes where node_type = 'WorkCenter')
    {%- endif %}

    union all

    select 'ProductionRouting',
        products.sku || '/' || cast(routings.step_sequence as {{ dbt.type_string() }}) || '/'
            || cast(routings.effective_from as {{ dbt.type_string() }}),
        routings.operation_name, routings.routing_step_id, routings.created_at
    from routings
    inner join products
        on routings.product_id = products.product_id
    {%- if is_incremental() %}
    where routings.routing_step_id in (select source_id from changed_nodes where node_type = 'ProductionRouting')
    {%- endif %}

    union all

    select 'MaterialTransaction', transaction_number, transaction_type, material_transaction_id,
        transacted_at
    from transactions
    {%- if is_incremental() %}
    where material_transaction_id in (select source_id from changed_nodes where node_type = 'MaterialTransaction')
    {%- endif %}

    union all

    select 'MaterialLot', lots.lot_code,
        material_codes.material_code || coalesce(' (supplier lot ' || lots.supplier_lot_number || ')', ''),
        lots.material_lot_id, lots.created_at
    from lots
    left join material_codes
        on material_codes.material_id = coalesce(lots.part_id, lots.product_id)
        and material_codes.material_type = case when lots.part_id is not null then 'part' else 'product' end
    {%- if is_incremental() %}
    where lots.material_lot_id in (select source_id from changed_nodes where node_type = 'MaterialLot')
    {%- endif %}

    union all

    select 'MaterialSublot', sublots.sublot_code, material_codes.material_code,
        sublots.material_sublot_id, sublots.created_at
    from sublots
    left join material_codes
        on material_codes.material_id = coalesce(sublots.part_id, sublots.product_id)
        and material_codes.material_type = case when sublots.part_id is not null then 'part' else 'product' end
    {%- if is_incremental() %}
    where sublots.material_sublot_id in (select source_id from changed_nodes where node_type = 'MaterialSublot')
    {%- endif %}

    union all

    select 'Shipment', shipment_number, shipment_type, shipment_id, shipped_at
    from shipments
    {%- if is_incremental() %}
    where shipment_id in (select source_id from changed_nodes where node_type = 'Shipment')
    {%- endif %}

),

final as (

    select
        node_type,
        node_key,
        node_label,
        source_id,
        created_at
    from nodes
    {%- if is_incremental() %}

    union all

    -- every changed node also gets a placeholder: it deletes its old row (strategy 'keys')
    select distinct node_type, null, null, source_id, null
    from changed_nodes
    {%- endif %}

)

select * from final
order by node_type, source_id
