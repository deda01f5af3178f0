{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='occurred_at',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- The stock events of the rows that passed the row checks (int_inventory_events__mapped),
-- sublot movements included before their balance check, with the values that depend on the
-- sublot's earlier events, in journal order (occurred_at, tie_break_rank, source_id,
-- source_event): the status before the event (the last status an earlier event set) and a
-- conveyor move's quantity (the whole quantity the sublot holds at physical locations just
-- before it); and the event's place in the global journal order. Read by
-- int_sublot_movements__over_quantity, to replay each sublot's balance at the location a
-- movement leaves; int_inventory_events keeps the accepted events from here.
--
-- Incremental: the events of the window, computed over the whole history of their sublots.

{%- set event_order = 'occurred_at, tie_break_rank, source_id, source_event' %}

with mapped as (

    select * from {{ ref('int_inventory_events__mapped') }}

),
{%- if is_incremental() %}

window_sublots as (

    -- the sublots with an event in the window, whose whole history the running values need
    select distinct material_sublot_id
    from mapped
    where {{ in_lookback('occurred_at') }}

),

scoped_events as (

    select *
    from mapped
    where material_sublot_id in (select material_sublot_id from window_sublots)
        or {{ in_lookback('occurred_at') }}

),
{%- else %}

scoped_events as (

    select * from mapped

),
{%- endif %}

with_status_before as (

    select
        scoped_events.*,
        {{ last_non_null_value('sets_status', 'material_sublot_id', event_order, include_current=false) }}
            as status_before,
        -- the sum of the quantities of the sublot's earlier events that entered (+) or left (-)
        -- physical locations (moves between two physical locations change nothing)
        sum(
            case when to_is_physical then quantity else 0 end
            - case when from_is_physical then quantity else 0 end
        ) over (
            partition by material_sublot_id
            order by {{ event_order }}
            rows between unbounded preceding and 1 preceding
        ) as physical_quantity_before
    from scoped_events

),

final as (

    select
        transaction_id,
        {%- if is_incremental() %}
        -- the events before the window keep their numbers: continue after them
        (
            select count(*) from {{ this }}
            where occurred_at < {{ lookback_start() }}
        ) + row_number() over (order by {{ event_order }}) as event_sequence,
        {%- else %}
        row_number() over (order by {{ event_order }}) as event_sequence,
        {%- endif %}
        source_table,
        source_id,
        nullif(source_event, '') as source_event,
        event_kind,
        movement_type,
        tie_break_rank,
        document_number,
        occurred_at,
        material_sublot_id,
        -- a conveyor move carries the whole sublot: its quantity is known only from the
        -- sublot's earlier events
        coalesce(quantity, cast(physical_quantity_before as integer)) as quantity,
        from_location_code,
        to_location_code,
        status_before,
        case
            when event_kind like 'status_change%' then recorded_from_status
            else coalesce(sets_status, status_before)
        end as from_status,
        coalesce(sets_status, status_before) as to_status,
        recorded_from_status,
        recorded_to_status,
        work_order_id,
        shipment_id
    from with_status_before
    {%- if is_incremental() %}
    where {{ in_lookback('occurred_at') }}
    {%- endif %}

)

select * from final
