{{ config(materialized='ephemeral') }}  {#- one reader (int_inventory_events__mapped), window-dependent rows: no relation of its own -#}
-- depends_on: {{ ref('int_load_window') }}

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
--
-- Its one reader, int_inventory_events__mapped, maps on an incremental run only the events at
-- or after lookback_start (macros/incremental/incremental.sql), so the raw rows are read from
-- there on (in_lookback on their event time; all of them on a full build, where lookback_start
-- is -infinity): a daily run groups the window's ids, not every id of the history (issue #11
-- item 1b). Exact for every event of the window: an event time is its raw rows' own (a conveyor
-- move's is the source_timestamp of both its PLC events), ids are never reused by later rows,
-- and of rows sharing an id the earliest by event time is the accepted one (docs/faults.md), so
-- every row of a window event's id is in the window too. A shipment event reads every version
-- of its shipment: those of the shipments shipped or delivered in the window. The window applies
-- only when that reader runs incrementally (its table exists, as dbt's is_incremental() asks):
-- a reader built anew reads every raw row, whatever int_load_window holds. The raw scans compare
-- with the window's start as a checked constant (in_lookback_constant): a scalar subquery
-- prunes no parquet row group, so they read every raw row of the history.

{%- set window_applies = reader_runs_incrementally('int_inventory_events__mapped') %}

with window_shipments as (

    -- the shipments with an event in the window (their current version's instants)
    select shipment_id
    from {{ ref('stg_plantledger__shipments') }}
    {%- if window_applies %}
    where {{ in_lookback('shipped_at') }}
        or {{ in_lookback('delivered_at') }}
    {%- endif %}

),

supplier_receipt_loads as (

    select id, min(load_id) as load_id
    from {{ source('plantledger', 'supplier_receipts') }}
    {%- if window_applies %}
    where {{ in_lookback_constant('cast(received_at as ' ~ type_timestamptz() ~ ')') }}
    {%- endif %}
    group by id

),

sublot_movement_loads as (

    select id, min(load_id) as load_id
    from {{ source('plantledger', 'sublot_movements') }}
    {%- if window_applies %}
    where {{ in_lookback_constant('cast(moved_at as ' ~ type_timestamptz() ~ ')') }}
    {%- endif %}
    group by id

),

material_transaction_loads as (

    select id, min(load_id) as load_id
    from {{ source('plantledger', 'material_transactions') }}
    {%- if window_applies %}
    where {{ in_lookback_constant('cast(created_at as ' ~ type_timestamptz() ~ ')') }}
    {%- endif %}
    group by id

),

plc_tag_event_loads as (

    select id, min(load_id) as load_id
    from {{ source('plantledger', 'plc_tag_events') }}
    {%- if window_applies %}
    where {{ in_lookback_constant('cast(source_timestamp as ' ~ type_timestamptz() ~ ')') }}
    {%- endif %}
    group by id

),

shipment_sublot_loads as (

    select id, shipment_id, min(load_id) as load_id
    from {{ source('plantledger', 'shipment_sublots') }}
    where shipment_id in (select shipment_id from window_shipments)
    group by id, shipment_id

),

shipment_loads as (

    select
        id,
        min(case when shipped_at is not null then load_id end) as shipped_load_id,
        min(case when delivered_at is not null then load_id end) as delivered_load_id
    from {{ source('plantledger', 'shipments') }}
    where id in (select shipment_id from window_shipments)
    group by id

),

conveyor_movements as (

    select * from {{ ref('int_conveyor_movements') }}
    {%- if window_applies %}
    where {{ in_lookback('moved_at') }}
    {%- endif %}

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
