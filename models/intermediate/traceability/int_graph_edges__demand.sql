{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key=['source_table', 'source_id'],
    keys_placeholder_column='relationship',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- The demand edges of graph_edges (orders and shipments), each with the source row it comes
-- from (source_table, source_id): an order for PlacedBy; a shipment for Fulfills, ShipsFrom and
-- ShipsTo.
--
-- Incremental (strategy 'keys', macros/incremental_keys.sql): a run rebuilds the edges of the
-- orders and shipments with a version in a load not consumed yet (a shipment also when its
-- order changed); a changed customer or facility rebuilds everything, as the codes it names
-- may have changed.

with customers as (

    select * from {{ ref('stg_plantledger__customers') }}

),

orders as (

    select * from {{ ref('stg_plantledger__orders') }}

),

shipments as (

    select * from {{ ref('stg_plantledger__shipments') }}

),

facilities as (

    select * from {{ ref('stg_plantledger__facilities') }}

),

master_load as (

    -- the newest load of the customers and facilities (a changed one rebuilds every edge)
    select greatest(customers_load_id, facilities_load_id) as load_id
    from {{ ref('int_master_data_loads') }}

),

{%- if is_incremental() %}

master_changed as (

    select {{ in_unconsumed_loads() }} as is_changed from master_load

),

changed_sources as (

    select 'orders' as source_table, order_id as source_id
    from orders
    where {{ in_unconsumed_loads() }} or (select is_changed from master_changed)

    union

    select 'shipments', shipment_id
    from shipments
    where {{ in_unconsumed_loads() }}
        or (select is_changed from master_changed)
        or order_id in (select order_id from orders where {{ in_unconsumed_loads() }})

),

{%- endif %}

scoped_orders as (

    -- input_load_id: the newest load among the rows whose new version rebuilds the source's
    -- edges (an order: itself and the master rows; a shipment: also its order)
    select orders.*, greatest(orders.load_id, (select load_id from master_load)) as input_load_id
    from orders
    {%- if is_incremental() %}
    where order_id in (select source_id from changed_sources where source_table = 'orders')
    {%- endif %}

),

scoped_shipments as (

    select
        shipments.*,
        greatest(
            shipments.load_id,
            -- its order's load, looked up by key (the edges below hold the joins)
            (
                select max(shipment_orders.load_id) from orders as shipment_orders
                where shipment_orders.order_id = shipments.order_id
            ),
            (select load_id from master_load)
        ) as input_load_id
    from shipments
    {%- if is_incremental() %}
    where shipments.shipment_id in (
        select source_id from changed_sources where source_table = 'shipments'
    )
    {%- endif %}

),

edges as (

    -- PlacedBy: sales order -> its customer
    select
        'orders' as source_table,
        orders.order_id as source_id,
        'PlacedBy' as relationship,
        'Order' as from_node_type, orders.order_number as from_node_key,
        'Customer' as to_node_type, customers.customer_code as to_node_key,
        orders.created_at as valid_from,
        cast(null as {{ type_timestamptz() }}) as valid_to,
        cast(null as double) as quantity,
        orders.order_status as edge_detail,
        orders.input_load_id
    from scoped_orders as orders
    inner join customers
        on orders.customer_id = customers.customer_id

    union all

    -- Fulfills: customer shipment -> the sales order it fulfils
    select
        'shipments', shipments.shipment_id,
        'Fulfills',
        'Shipment', shipments.shipment_number,
        'Order', orders.order_number,
        shipments.shipped_at, null, null, shipments.shipment_type,
        shipments.input_load_id
    from scoped_shipments as shipments
    inner join orders
        on shipments.order_id = orders.order_id

    union all

    -- ShipsFrom: shipment -> the facility it leaves
    select
        'shipments', shipments.shipment_id,
        'ShipsFrom',
        'Shipment', shipments.shipment_number,
        'Facility', facilities.facility_code,
        shipments.shipped_at, null, null, shipments.shipment_type,
        shipments.input_load_id
    from scoped_shipments as shipments
    inner join facilities
        on shipments.origin_facility_id = facilities.facility_id

    union all

    -- ShipsTo: customer shipment -> the order's customer
    select
        'shipments', shipments.shipment_id,
        'ShipsTo',
        'Shipment', shipments.shipment_number,
        'Customer', customers.customer_code,
        shipments.shipped_at, shipments.delivered_at, null, shipments.shipment_type,
        shipments.input_load_id
    from scoped_shipments as shipments
    inner join orders
        on shipments.order_id = orders.order_id
    inner join customers
        on orders.customer_id = customers.customer_id

    union all

    -- ShipsTo: transfer or replenishment -> the destination facility
    select
        'shipments', shipments.shipment_id,
        'ShipsTo',
        'Shipment', shipments.shipment_number,
        'Facility', facilities.facility_code,
        shipments.shipped_at, shipments.delivered_at, null, shipments.shipment_type,
        shipments.input_load_id
    from scoped_shipments as shipments
    inner join facilities
        on shipments.destination_facility_id = facilities.facility_id

),

final as (

    select 'demand' as relationship_group, *
    from edges
    {%- if is_incremental() %}

    union all

    -- every changed source also gets a placeholder: it deletes its old edges (strategy 'keys')
    select
        'demand', changed_sources.source_table, changed_sources.source_id,
        null, null, null, null, null, null, null, null, null, null
    from changed_sources
    {%- endif %}

)

select * from final
