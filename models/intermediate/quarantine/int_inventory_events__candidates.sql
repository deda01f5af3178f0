{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='occurred_at',
    lookback_sublot_column='material_sublot_id',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- The running values of the stock events of the rows that passed the row checks
-- (int_inventory_events__mapped), sublot movements included before their balance check, in
-- journal order (occurred_at, tie_break_rank, source_id, source_event): the status before the
-- event (the last status an earlier event set), the event's quantity (a conveyor move's is the
-- whole quantity the sublot holds at physical locations just before it), and the event's
-- number in the journal order (event_sequence_key: its instant and its rank among that
-- instant's events, a key no later event changes). Only what the windows compute and the keys
-- that name the event (source_table, source_id, source_event, as the mapping has them; and
-- occurred_at, material_sublot_id for the window of strategy lookback): the readers,
-- int_sublot_movements__over_quantity and int_inventory_events, take the event's other
-- columns from the mapping by those keys, so the wide event row is written once (issue #12).
--
-- Two sorts: the rank within the instant first, then the per-sublot running values ordered by
-- the event's number (one integer: it sorts as the four columns of the journal order).
--
-- Incremental (in_restated_window): the events at or after recent_start, and those of the
-- sublots int_window_sublots restates from their restated_from on (late events of any age),
-- computed over the whole history of their sublots; each numbered among every event of its
-- instant.

{%- set sublot_order = event_sequence_key('occurred_at', 'instant_rank') %}

{#- each CTE below reads the table itself: a CTE read by two or three others is materialised
    whole, every column of every row, before any of them runs -#}
{%- set mapped = ref('int_inventory_events__mapped') %}

with
{%- if is_incremental() %}

restated_instants as (

    -- the instants of the restated events, whose every event the numbering needs
    select distinct occurred_at
    from {{ mapped }}
    where {{ in_restated_window('occurred_at', 'material_sublot_id') }}

),

scoped_events as (

    -- the whole history of the restated sublots (the running values need it), and every event
    -- of a restated instant (the numbering needs it; other sublots' rows are not kept): only
    -- the columns the windows read and the keys, as this scan is not bounded by time
    select
        source_table, source_id, source_event, material_sublot_id, occurred_at, tie_break_rank,
        sets_status, quantity, from_is_physical, to_is_physical
    from {{ mapped }}
    where material_sublot_id in (select material_sublot_id from {{ ref('int_window_sublots') }})
        or occurred_at in (select occurred_at from restated_instants)
        or occurred_at is null

),
{%- else %}

scoped_events as (

    -- every event, only the columns the windows read and the keys
    select
        source_table, source_id, source_event, material_sublot_id, occurred_at, tie_break_rank,
        sets_status, quantity, from_is_physical, to_is_physical
    from {{ mapped }}

),
{%- endif %}

window_inputs as (

    -- only what the windows read and the event's keys: their sorts carry these columns, not
    -- the whole event
    select
        source_table,
        source_id,
        source_event,
        material_sublot_id,
        occurred_at,
        tie_break_rank,
        sets_status,
        quantity,
        case when to_is_physical then quantity else 0 end
            - case when from_is_physical then quantity else 0 end as physical_quantity_change
    from scoped_events

),

instant_ranks as (

    -- the event's rank among the events of its instant, in journal order
    select
        window_inputs.*,
        row_number() over (
            partition by occurred_at order by tie_break_rank, source_id, source_event
        ) as instant_rank
    from window_inputs

),

running_values as (

    -- the sublot's earlier events in journal order: (occurred_at, instant_rank) sorts as
    -- (occurred_at, tie_break_rank, source_id, source_event), and as one integer (the event's
    -- number, event_sequence_key) the sort compares one key instead of four
    select
        source_table,
        source_id,
        source_event,
        material_sublot_id,
        occurred_at,
        quantity,
        instant_rank,
        {{ last_non_null_value('sets_status', 'material_sublot_id', sublot_order, include_current=false) }}
            as status_before,
        -- the sum of the quantities of the sublot's earlier events that entered (+) or left (-)
        -- physical locations (moves between two physical locations change nothing)
        sum(physical_quantity_change) over (
            partition by material_sublot_id
            order by {{ sublot_order }}
            rows between unbounded preceding and 1 preceding
        ) as physical_quantity_before
    from instant_ranks

),

final as (

    select
        {{ event_sequence_key('occurred_at', 'instant_rank') }} as event_sequence,
        source_table,
        source_id,
        source_event,
        occurred_at,
        material_sublot_id,
        -- a conveyor move carries the whole sublot: its quantity is known only from the
        -- sublot's earlier events
        coalesce(quantity, cast(physical_quantity_before as integer)) as quantity,
        status_before
    from running_values
    {%- if is_incremental() %}
    where {{ in_restated_window('occurred_at', 'material_sublot_id') }}
    {%- endif %}

)

select * from final
