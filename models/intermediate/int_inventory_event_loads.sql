{{ config(materialized='view') }}

-- The record time of every stock event (docs block known_at in models/docs.md): the load after
-- which the warehouse knew the event, from the load_id of the raw rows it is built from. One
-- row per (source_table, source_id, source_event), the key of fact_inventory_journal's events.
--
-- A raw row is known from the first load that wrote its id (versioned rows keep every version
-- in the raw folder). A shipment's goods issue is known once a load has both the
-- shipment_sublots row and a shipments version with shipped_at; its transit receipt once a
-- version has delivered_at. A conveyor move is known once both PLC tag events it is read from
-- (arrival and departure) are. Computed from the raw rows alone, so a full refresh gives the
-- same record time as the incremental builds that saw the loads one by one.

with supplier_receipt_loads as (

    select id, min(load_id) as load_id
    from {{ source('plantledger', 'supplier_receipts') }}
    group by id

),

sublot_movement_loads as (

    select id, min(load_id) as load_id
    from {{ source('plantledger', 'sublot_movements') }}
    group by id

),

material_transaction_loads as (

    select id, min(load_id) as load_id
    from {{ source('plantledger', 'material_transactions') }}
    group by id

),

plc_tag_event_loads as (

    select id, min(load_id) as load_id
    from {{ source('plantledger', 'plc_tag_events') }}
    group by id

),

shipment_sublot_loads as (

    select id, shipment_id, min(load_id) as load_id
    from {{ source('plantledger', 'shipment_sublots') }}
    group by id, shipment_id

),

shipment_loads as (

    select
        id,
        min(case when shipped_at is not null then load_id end) as shipped_load_id,
        min(case when delivered_at is not null then load_id end) as delivered_load_id
    from {{ source('plantledger', 'shipments') }}
    group by id

),

conveyor_movements as (

    select * from {{ ref('int_conveyor_movements') }}

),

event_loads as (

    select
        'supplier_receipts' as source_table,
        id as source_id,
        '' as source_event,
        load_id as recorded_load_id
    from supplier_receipt_loads

    union all

    select 'sublot_movements', id, '', load_id
    from sublot_movement_loads

    union all

    select 'material_transactions', id, '', load_id
    from material_transaction_loads

    union all

    select
        'shipment_sublots',
        shipment_sublot_loads.id,
        'shipped',
        greatest(shipment_sublot_loads.load_id, shipment_loads.shipped_load_id)
    from shipment_sublot_loads
    inner join shipment_loads
        on shipment_sublot_loads.shipment_id = shipment_loads.id

    union all

    select
        'shipment_sublots',
        shipment_sublot_loads.id,
        'delivered',
        greatest(shipment_sublot_loads.load_id, shipment_loads.delivered_load_id)
    from shipment_sublot_loads
    inner join shipment_loads
        on shipment_sublot_loads.shipment_id = shipment_loads.id

    union all

    select
        'plc_tag_events',
        conveyor_movements.source_event_id,
        conveyor_movements.sublot_code,
        -- greatest() ignores a null: a move read from one event is known with that event
        greatest(arrival.load_id, departure.load_id)
    from conveyor_movements
    left join plc_tag_event_loads as arrival
        on conveyor_movements.arrival_event_id = arrival.id
    left join plc_tag_event_loads as departure
        on conveyor_movements.departure_event_id = departure.id

)

select
    source_table,
    source_id,
    source_event,
    cast(recorded_load_id as integer) as recorded_load_id
from event_loads
