{{ config(materialized='table') }}

-- The material-flow edges of lot genealogy with integer node ids, narrow and sorted by the
-- node they leave, for the recursive traces (trace_forward / trace_backward macros) to follow
-- quickly. A node is (node_type, node id of its source table):
--   SuppliedLot     Supplier       -> MaterialLot     the supplier delivered the lot
--   HasSublot       MaterialLot    -> MaterialSublot  the sublot belongs to the lot
--   ConsumedBy      MaterialSublot -> WorkOrder       issued to the work order (net of returns)
--   ProducedSublot  WorkOrder      -> MaterialSublot  received from the work order
--   ShippedIn       MaterialSublot -> Shipment        left in the shipment
--   ShipsTo         Shipment       -> Customer        the customer of the shipment's order
--   ShipsTo         Shipment       -> Facility        the destination of a transfer or replenishment
-- graph_edges holds the same edges keyed by business codes.

with lots as (

    select * from {{ ref('stg_plantledger__material_lots') }}

),

sublots as (

    select * from {{ ref('stg_plantledger__material_sublots') }}

),

sublot_consumption as (

    select * from {{ ref('int_sublot_consumption') }}

),

work_order_outputs as (

    select * from {{ ref('int_work_order_outputs') }}

),

shipment_sublots as (

    select * from {{ ref('stg_plantledger__shipment_sublots') }}

),

shipments as (

    select * from {{ ref('stg_plantledger__shipments') }}

),

orders as (

    select * from {{ ref('stg_plantledger__orders') }}

),

edges as (

    select
        'SuppliedLot' as relationship,
        'Supplier' as from_node_type,
        supplier_id as from_node_id,
        'MaterialLot' as to_node_type,
        material_lot_id as to_node_id,
        cast(lot_quantity as double) as quantity,
        created_at as occurred_at
    from lots
    where supplier_id is not null

    union all

    select
        'HasSublot', 'MaterialLot', material_lot_id, 'MaterialSublot', material_sublot_id,
        initial_quantity, created_at
    from sublots

    union all

    select
        'ConsumedBy', 'MaterialSublot', material_sublot_id, 'WorkOrder', work_order_id,
        net_quantity, first_issued_at
    from sublot_consumption

    union all

    select
        'ProducedSublot', 'WorkOrder', work_order_id, 'MaterialSublot', material_sublot_id,
        received_quantity, received_at
    from work_order_outputs

    union all

    select
        'ShippedIn', 'MaterialSublot', shipment_sublots.material_sublot_id,
        'Shipment', shipment_sublots.shipment_id, shipment_sublots.quantity, shipments.shipped_at
    from shipment_sublots
    inner join shipments
        on shipment_sublots.shipment_id = shipments.shipment_id

    union all

    select
        'ShipsTo', 'Shipment', shipments.shipment_id, 'Customer', orders.customer_id,
        null, shipments.shipped_at
    from shipments
    inner join orders
        on shipments.order_id = orders.order_id

    union all

    select
        'ShipsTo', 'Shipment', shipment_id, 'Facility', destination_facility_id,
        null, shipped_at
    from shipments
    where destination_facility_id is not null

)

select * from edges
order by from_node_type, from_node_id
