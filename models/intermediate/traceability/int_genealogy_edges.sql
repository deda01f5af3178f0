{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key=['relationship', 'from_node_id', 'to_node_id'],
    keys_placeholder_column='from_node_type',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

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
--
-- Incremental (strategy 'keys' on the edge: relationship and both node ids, macros/
-- incremental_keys.sql): every edge comes from one source entity, which its key names (the
-- lot of SuppliedLot, the sublot of HasSublot, ConsumedBy and ProducedSublot, the shipment of
-- ShippedIn and ShipsTo). A run rebuilds every edge of the entities that changed: lots and
-- sublots with a version in a load not consumed yet, the sublots with an event in the window
-- (int_window_sublots: int_sublot_consumption rebuilds them), the sublots with a receipt in the
-- window or an edge received in it (int_work_order_outputs replaces its window), the shipments
-- with a version, a shipped sublot row or an order version in such a load. Each such entity's
-- old edges get a placeholder (from_node_type null), so an edge that no longer exists is
-- deleted. Appended edges are not in the sort order of a full build; the rows are the same.

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

{%- if is_incremental() %}

old_edges as (

    select relationship, from_node_id, to_node_id, occurred_at from {{ this }}

),

changed_lots as (

    select material_lot_id from lots where {{ in_unconsumed_loads() }}

),

changed_sublots as (

    select material_sublot_id from sublots where {{ in_unconsumed_loads() }}

),

consumed_sublots as (

    select material_sublot_id from {{ ref('int_window_sublots') }}

),

produced_sublots as (

    select material_sublot_id from work_order_outputs where {{ in_lookback('received_at') }}
    union
    select to_node_id from old_edges
    where relationship = 'ProducedSublot' and {{ in_lookback('occurred_at') }}

),

changed_shipments as (

    select shipment_id from shipments where {{ in_unconsumed_loads() }}
    union
    select shipment_id from shipment_sublots where {{ in_unconsumed_loads() }}
    union
    select shipments.shipment_id
    from shipments
    inner join orders
        on shipments.order_id = orders.order_id
    where {{ in_unconsumed_loads('orders.load_id') }}

),

{%- endif %}

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
    {%- if is_incremental() %}
        and material_lot_id in (select material_lot_id from changed_lots)
    {%- endif %}

    union all

    select
        'HasSublot', 'MaterialLot', material_lot_id, 'MaterialSublot', material_sublot_id,
        initial_quantity, created_at
    from sublots
    {%- if is_incremental() %}
    where material_sublot_id in (select material_sublot_id from changed_sublots)
    {%- endif %}

    union all

    select
        'ConsumedBy', 'MaterialSublot', material_sublot_id, 'WorkOrder', work_order_id,
        net_quantity, first_issued_at
    from sublot_consumption
    {%- if is_incremental() %}
    where material_sublot_id in (select material_sublot_id from consumed_sublots)
    {%- endif %}

    union all

    select
        'ProducedSublot', 'WorkOrder', work_order_id, 'MaterialSublot', material_sublot_id,
        received_quantity, received_at
    from work_order_outputs
    {%- if is_incremental() %}
    where material_sublot_id in (select material_sublot_id from produced_sublots)
    {%- endif %}

    union all

    select
        'ShippedIn', 'MaterialSublot', shipment_sublots.material_sublot_id,
        'Shipment', shipment_sublots.shipment_id, shipment_sublots.quantity, shipments.shipped_at
    from shipment_sublots
    inner join shipments
        on shipment_sublots.shipment_id = shipments.shipment_id
    {%- if is_incremental() %}
    where shipments.shipment_id in (select shipment_id from changed_shipments)
    {%- endif %}

    union all

    select
        'ShipsTo', 'Shipment', shipments.shipment_id, 'Customer', orders.customer_id,
        null, shipments.shipped_at
    from shipments
    inner join orders
        on shipments.order_id = orders.order_id
    {%- if is_incremental() %}
    where shipments.shipment_id in (select shipment_id from changed_shipments)
    {%- endif %}

    union all

    select
        'ShipsTo', 'Shipment', shipment_id, 'Facility', destination_facility_id,
        null, shipped_at
    from shipments
    where destination_facility_id is not null
    {%- if is_incremental() %}
        and shipment_id in (select shipment_id from changed_shipments)
    {%- endif %}

    {%- if is_incremental() %}

    union all

    -- the old edges of every changed entity: placeholders (from_node_type null), so that an
    -- edge its entity no longer has is deleted (strategy 'keys')
    select distinct relationship, null, from_node_id, null, to_node_id, null, null
    from old_edges
    where (relationship = 'SuppliedLot'
            and to_node_id in (select material_lot_id from changed_lots))
        or (relationship = 'HasSublot'
            and to_node_id in (select material_sublot_id from changed_sublots))
        or (relationship = 'ConsumedBy'
            and from_node_id in (select material_sublot_id from consumed_sublots))
        or (relationship = 'ProducedSublot'
            and to_node_id in (select material_sublot_id from produced_sublots))
        or (relationship = 'ShippedIn'
            and to_node_id in (select shipment_id from changed_shipments))
        or (relationship = 'ShipsTo'
            and from_node_id in (select shipment_id from changed_shipments))
    {%- endif %}

)

select * from edges
order by from_node_type, from_node_id
