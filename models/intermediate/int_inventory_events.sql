{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='occurred_at',
    lookback_sublot_column='material_sublot_id',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- One row per stock event (one journal transaction) from every movement-bearing source, in the
-- design's mapping (docs/raw_data_design.md, "Events and what each one does to stock"): which
-- sublot, how much, from which location to which, when, and the sublot's stock status on
-- each side. fact_inventory_journal turns every row into a credit and a debit entry.
--
-- Status: receipts set it (supplier_receipts.status; receipt_from_wo: available), status
-- changes set it (to_status); every other event carries the status the sublot had just
-- before it: the last status set by an earlier event of the sublot, in event order
-- (occurred_at, then tie_break_rank, then source id).
--
-- The events are the candidate events (int_inventory_events__candidates) less the sublot
-- movements the balance check rejected (int_sublot_movements__over_quantity; none on clean
-- data). The candidates hold only each event's running values (event number, status before,
-- quantity) and the keys that name it (source_table, source_id, source_event, as the mapping
-- has them); the event's other columns are the mapped event's (int_inventory_events__mapped),
-- joined on those keys once, after the running values of every accepted event are gathered;
-- the transaction key is built here (macro transaction_key). A sublot without a rejected movement keeps its candidate
-- values: its running values read its own events only. The few sublots with one are replayed
-- here from their mapped events without the rejected ones (the same two windows as the
-- candidates). An event keeps its candidate number (event_sequence, a stable key in journal
-- order; the rejected movements leave gaps).
-- Incremental: the candidates' and the mapping's restated events (in_restated_window).

{%- set event_order = 'occurred_at, tie_break_rank, source_id, source_event' %}
{%- set event_keys = ['source_table', 'source_id', 'source_event'] %}

with rejected_movements as (

    select sublot_movement_id, material_sublot_id
    from {{ ref('int_sublot_movements__over_quantity') }}

),

replayed_sublots as (

    select distinct material_sublot_id from rejected_movements

),

kept_values as (

    -- the running values of the sublots without a rejected movement, as the candidates have them
    select
        candidates.source_table,
        candidates.source_id,
        candidates.source_event,
        candidates.event_sequence,
        candidates.quantity,
        candidates.status_before
    from {{ ref('int_inventory_events__candidates') }} as candidates
    left join replayed_sublots
        on candidates.material_sublot_id = replayed_sublots.material_sublot_id
    where replayed_sublots.material_sublot_id is null
    {%- if is_incremental() %}
        and {{ in_restated_window('candidates.occurred_at', 'candidates.material_sublot_id') }}
    {%- endif %}

),

candidate_numbers as (

    -- the candidate numbers of the replayed sublots' events
    select source_table, source_id, source_event, event_sequence
    from {{ ref('int_inventory_events__candidates') }}
    where material_sublot_id in (select material_sublot_id from replayed_sublots)
    {% if is_incremental() %}and {{ in_restated_window('occurred_at', 'material_sublot_id') }}{% endif %}

),

replayed_mapped as (

    -- the accepted mapped events of the sublots with a rejected movement, whole history: only
    -- the columns the windows read and the keys
    select
        mapped.source_table,
        mapped.source_id,
        mapped.source_event,
        mapped.material_sublot_id,
        mapped.occurred_at,
        mapped.tie_break_rank,
        mapped.sets_status,
        mapped.quantity,
        mapped.from_is_physical,
        mapped.to_is_physical
    from {{ ref('int_inventory_events__mapped') }} as mapped
    inner join replayed_sublots
        on mapped.material_sublot_id = replayed_sublots.material_sublot_id
    where not (
        mapped.source_table = 'sublot_movements'
        and mapped.source_id in (select sublot_movement_id from rejected_movements)
    )

),

replayed_running_values as (

    select
        source_table,
        source_id,
        source_event,
        quantity,
        {{ last_non_null_value('sets_status', 'material_sublot_id', event_order, include_current=false) }}
            as status_before,
        sum(
            case when to_is_physical then quantity else 0 end
            - case when from_is_physical then quantity else 0 end
        ) over (
            partition by material_sublot_id
            order by {{ event_order }}
            rows between unbounded preceding and 1 preceding
        ) as physical_quantity_before
    from replayed_mapped

),

replayed_values as (

    select
        replayed.source_table,
        replayed.source_id,
        replayed.source_event,
        -- the candidate number: the order the accepted events are numbered in
        candidate_numbers.event_sequence,
        coalesce(replayed.quantity, cast(replayed.physical_quantity_before as integer)) as quantity,
        replayed.status_before
    from replayed_running_values as replayed
    inner join candidate_numbers
        on {% for key in event_keys %}{{ 'and ' if not loop.first }}replayed.{{ key }} = candidate_numbers.{{ key }}
        {% endfor %}

),

accepted_values as (

    select * from kept_values
    union all
    select * from replayed_values

),

mapped_events as (

    select * from {{ ref('int_inventory_events__mapped') }}
    {% if is_incremental() %}where {{ in_restated_window('occurred_at', 'material_sublot_id') }}{% endif %}

),

final as (

    -- the accepted events, whole: the mapped event with its running values
    select
        {{ transaction_key('mapped_events.source_table', 'mapped_events.source_id', 'mapped_events.source_event') }}
            as transaction_id,
        accepted_values.event_sequence,
        mapped_events.source_table,
        mapped_events.source_id,
        nullif(mapped_events.source_event, '') as source_event,
        mapped_events.event_kind,
        mapped_events.movement_type,
        mapped_events.tie_break_rank,
        mapped_events.document_number,
        mapped_events.occurred_at,
        mapped_events.material_sublot_id,
        accepted_values.quantity,
        mapped_events.from_location_code,
        mapped_events.to_location_code,
        accepted_values.status_before,
        case
            when mapped_events.event_kind like 'status_change%' then mapped_events.recorded_from_status
            else coalesce(mapped_events.sets_status, accepted_values.status_before)
        end as from_status,
        coalesce(mapped_events.sets_status, accepted_values.status_before) as to_status,
        mapped_events.recorded_from_status,
        mapped_events.recorded_to_status,
        mapped_events.work_order_id,
        mapped_events.shipment_id,
        mapped_events.recorded_load_id
    from accepted_values
    inner join mapped_events
        on {% for key in event_keys %}{{ 'and ' if not loop.first }}accepted_values.{{ key }} = mapped_events.{{ key }}
        {% endfor %}

)

select * from final
