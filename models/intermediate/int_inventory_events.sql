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
-- data). A sublot without a rejected movement keeps its candidate rows as they are: its running
-- values read its own events only. The few sublots with one are replayed here from their
-- mapped events without the rejected ones (the same two windows as the candidates). An event
-- keeps its candidate number (event_sequence, a stable key in journal order; the rejected
-- movements leave gaps). The transaction key (macro transaction_key) is built here from the
-- candidates' source_table, source_id and source_event: the candidates do not store it.
-- Incremental: the candidates' restated events (in_restated_window).

{%- set event_order = 'occurred_at, tie_break_rank, source_id, source_event' %}

with candidates as (

    select * from {{ ref('int_inventory_events__candidates') }}
    {% if is_incremental() %}where {{ in_restated_window('occurred_at', 'material_sublot_id') }}{% endif %}

),

rejected_movements as (

    select sublot_movement_id, material_sublot_id
    from {{ ref('int_sublot_movements__over_quantity') }}

),

replayed_sublots as (

    select distinct material_sublot_id from rejected_movements

),

kept_events as (

    -- the sublots without a rejected movement: their candidate rows, with their transaction
    -- key (the candidates do not store it; their source_event is null where the mapped one is
    -- '', and the mapped event, joined on it, never has a null one)
    select
        {{ transaction_key('candidates.source_table', 'candidates.source_id', "coalesce(candidates.source_event, '')") }}
            as transaction_id,
        candidates.*
    from candidates
    left join replayed_sublots
        on candidates.material_sublot_id = replayed_sublots.material_sublot_id
    where replayed_sublots.material_sublot_id is null

),

candidate_numbers as (

    -- the candidate numbers of the replayed sublots' events: a narrow second read of the
    -- candidates, so that the wide one above streams rather than being kept for two readers
    select
        {{ transaction_key('source_table', 'source_id', "coalesce(source_event, '')") }}
            as transaction_id,
        event_sequence
    from {{ ref('int_inventory_events__candidates') }}
    where material_sublot_id in (select material_sublot_id from replayed_sublots)
    {% if is_incremental() %}and {{ in_restated_window('occurred_at', 'material_sublot_id') }}{% endif %}

),

replayed_mapped as (

    -- the accepted mapped events of the sublots with a rejected movement, whole history
    select mapped.*
    from {{ ref('int_inventory_events__mapped') }} as mapped
    inner join replayed_sublots
        on mapped.material_sublot_id = replayed_sublots.material_sublot_id
    where not (
        mapped.source_table = 'sublot_movements'
        and mapped.source_id in (select sublot_movement_id from rejected_movements)
    )

),

replayed_status_before as (

    select
        replayed_mapped.*,
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

replayed_events as (

    select
        replayed.transaction_id,
        -- the candidate number: the order the accepted events are numbered in
        candidate_numbers.event_sequence,
        replayed.source_table,
        replayed.source_id,
        nullif(replayed.source_event, '') as source_event,
        replayed.event_kind,
        replayed.movement_type,
        replayed.tie_break_rank,
        replayed.document_number,
        replayed.occurred_at,
        replayed.material_sublot_id,
        coalesce(replayed.quantity, cast(replayed.physical_quantity_before as integer)) as quantity,
        replayed.from_location_code,
        replayed.to_location_code,
        replayed.status_before,
        case
            when replayed.event_kind like 'status_change%' then replayed.recorded_from_status
            else coalesce(replayed.sets_status, replayed.status_before)
        end as from_status,
        coalesce(replayed.sets_status, replayed.status_before) as to_status,
        replayed.recorded_from_status,
        replayed.recorded_to_status,
        replayed.work_order_id,
        replayed.shipment_id,
        replayed.recorded_load_id
    from replayed_status_before as replayed
    inner join candidate_numbers
        on replayed.transaction_id = candidate_numbers.transaction_id

),

accepted_events as (

    select * from kept_events
    union all
    select * from replayed_events

),

final as (

    select * from accepted_events

)

select * from final
