{{ config(materialized='table') }}
-- depends_on: {{ ref('int_load_window') }}

-- The sublots the inventory chain restates in this run, each with the instant from which its
-- events are restated (macros/incremental.sql, in_restated_window):
-- - every sublot of a candidate stock event (int_inventory_events__mapped) at or after
--   recent_start (the normal window), from recent_start;
-- - every sublot of a late event (one a load not consumed yet brought, of any age), from its
--   earliest such event: its running values (status, a conveyor move's quantity, balances)
--   change from there on;
-- - every sublot with an event at the same instant as a late event, from that instant: an
--   event's number (event_sequence) is its instant and its rank among that instant's events.
-- The sublot-grained incremental models (strategy 'sublots') rebuild these sublots whole; the
-- event-grained ones restate their events from restated_from on. A superset of the sublots of
-- any journal entry the run restates; its size follows the loads, not the history. On a full
-- build: every sublot, from -infinity.

with load_window as (

    select {{ recent_start() }} as recent_start

),

mapped as (

    -- every event below is at or after lookback_start (a late event is mapped only from it
    -- on), so the scan reads the window only (one plain comparison), not every event
    select material_sublot_id, occurred_at, recorded_load_id
    from {{ ref('int_inventory_events__mapped') }}
    where {{ in_lookback('occurred_at') }}

),

recent_sublots as (

    select mapped.material_sublot_id, load_window.recent_start as restated_from
    from mapped
    cross join load_window
    where mapped.occurred_at >= load_window.recent_start or mapped.occurred_at is null

),

late_events as (

    select material_sublot_id, occurred_at
    from mapped
    where {{ in_unconsumed_loads('recorded_load_id') }}
        and occurred_at < (select recent_start from load_window)

),

instant_neighbours as (

    -- the events that share an instant with a late event
    select mapped.material_sublot_id, mapped.occurred_at
    from mapped
    where mapped.occurred_at in (select occurred_at from late_events)

),

restated as (

    select * from recent_sublots
    union all
    select material_sublot_id, occurred_at from late_events
    union all
    select material_sublot_id, occurred_at from instant_neighbours

),

final as (

    select material_sublot_id, min(restated_from) as restated_from
    from restated
    where material_sublot_id is not null
    group by material_sublot_id

)

select * from final
