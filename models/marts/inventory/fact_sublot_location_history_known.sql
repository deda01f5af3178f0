{{ config(
    materialized='incremental',
    incremental_strategy='sublots',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- The location history with its record time (docs block known_at): every interval of
-- fact_sublot_location_history as the warehouse knew it after each load, one row per interval
-- and span of loads during which it was known unchanged. recorded_load_id is the first load
-- after which the interval was known so; superseded_load_id the load that restated it (a later
-- entry of the sublot closed, cut or replaced it), null while it is the current knowledge.
-- As known after load k: recorded_load_id <= k and (superseded_load_id is null or > k).
--
-- The history after load k is computed exactly as fact_sublot_location_history computes it,
-- from the journal entries of the loads up to k (recorded_load_id <= k). Only the loads that
-- brought entries of a sublot can change its history (its checkpoints), so each sublot is
-- computed once per checkpoint, and identical intervals of consecutive checkpoints are merged.
-- A sublot whose entries all came in one load (most of them) has one checkpoint: its rows are
-- fact_sublot_location_history's, known from that load, and are taken from there. The rows
-- with superseded_load_id null are fact_sublot_location_history's rows
-- (assert_known_history_now_equals_location_history checks the recomputed sublots).

with locations as (

    select * from {{ ref('dim_storage_locations') }}

),

journal as (

    select * from {{ ref('fact_inventory_journal') }}
    {% if is_incremental() %}where {{ in_window_sublots('material_sublot_id') }}{% endif %}

),

relocating_entries as (

    -- the journal entries at locations that relocate a sublot (as int_sublot_location_balances
    -- reads them; it stores only those that open an interval)
    select
        journal.entry_sequence,
        journal.material_sublot_id,
        journal.storage_location_id,
        journal.status,
        journal.entry_at,
        journal.quantity,
        journal.movement_type,
        journal.recorded_load_id
    from journal
    inner join locations
        on journal.location_code = locations.location_code
    where locations.relocates_sublot

),

history as (

    select * from {{ ref('fact_sublot_location_history') }}
    {% if is_incremental() %}where {{ in_window_sublots('material_sublot_id') }}{% endif %}

),

sublots as (

    select * from {{ ref('dim_material_sublots') }}

),

checkpoints as (

    -- the loads after which a sublot's history may have changed, in order
    select
        material_sublot_id,
        recorded_load_id as checkpoint_load_id,
        row_number() over (
            partition by material_sublot_id order by recorded_load_id
        ) as checkpoint_number,
        lead(recorded_load_id) over (
            partition by material_sublot_id order by recorded_load_id
        ) as next_checkpoint_load_id
    from (select distinct material_sublot_id, recorded_load_id from relocating_entries) as loads

),

restated_sublots as (

    -- sublots with entries from more than one load: their history is recomputed per load
    select material_sublot_id
    from checkpoints
    where checkpoint_number = 2

),

known_entries as (

    -- every entry of those sublots once per checkpoint from its own load on
    select
        relocating_entries.*,
        checkpoints.checkpoint_load_id,
        checkpoints.checkpoint_number
    from relocating_entries
    inner join checkpoints
        on relocating_entries.material_sublot_id = checkpoints.material_sublot_id
        and relocating_entries.recorded_load_id <= checkpoints.checkpoint_load_id
    where relocating_entries.material_sublot_id in (
        select material_sublot_id from restated_sublots
    )

),

running_balances as (

    select
        known_entries.*,
        sum(quantity) over known_order as balance,
        -- lead() takes no frame on Spark: its own window, the same partition and order
        lead(entry_sequence) over known_sequence as next_entry_sequence,
        lead(entry_at) over known_sequence as next_entry_at,
        lead(movement_type) over known_sequence as next_movement_type
    from known_entries
    window known_order as (
        partition by checkpoint_load_id, material_sublot_id, storage_location_id, status
        order by entry_sequence
        rows between unbounded preceding and current row
    ),
    known_sequence as (
        partition by checkpoint_load_id, material_sublot_id, storage_location_id, status
        order by entry_sequence
    )

),

balance_intervals as (

    -- as in fact_sublot_location_history: zero balances are gaps, empty intervals dropped
    select *
    from running_balances
    where balance <> 0
        and (next_entry_at is null or next_entry_at > entry_at)

),

islands as (

    -- an interval known unchanged at consecutive checkpoints of its sublot is one row
    select
        balance_intervals.*,
        checkpoint_number - row_number() over (
            partition by
                material_sublot_id, entry_sequence, storage_location_id, status, balance,
                next_entry_sequence
            order by checkpoint_number
        ) as island
    from balance_intervals

),

known_spans as (

    select
        material_sublot_id,
        entry_sequence,
        storage_location_id,
        status,
        balance,
        next_entry_sequence,
        any_value(entry_at) as entry_at,
        any_value(next_entry_at) as next_entry_at,
        any_value(movement_type) as movement_type,
        any_value(next_movement_type) as next_movement_type,
        min(checkpoint_load_id) as recorded_load_id,
        max(checkpoint_number) as last_checkpoint_number
    from islands
    group by
        material_sublot_id, entry_sequence, storage_location_id, status, balance,
        next_entry_sequence, island

),

recomputed as (

    select
        known_spans.entry_sequence as sublot_location_history_id,
        known_spans.material_sublot_id,
        sublots.sublot_code as material_sublot_code,
        sublots.material_type,
        sublots.material_code,
        sublots.part_id,
        sublots.product_id,
        locations.facility_id,
        locations.facility_code,
        locations.location_code,
        known_spans.storage_location_id,
        locations.location_type,
        locations.is_physical,
        known_spans.status,
        cast(known_spans.balance as {{ dbt.type_int() }}) as quantity,
        known_spans.entry_at as valid_from,
        known_spans.next_entry_at as valid_to,
        coalesce(known_spans.next_entry_at, {{ timestamptz_infinity() }}) as valid_until,
        known_spans.movement_type as opened_by_movement_type,
        known_spans.next_entry_sequence as closed_by_entry_sequence,
        known_spans.next_movement_type as closed_by_movement_type,
        known_spans.recorded_load_id,
        -- the sublot's next checkpoint after the last one that knew the interval so
        checkpoints.next_checkpoint_load_id as superseded_load_id
    from known_spans
    inner join checkpoints
        on known_spans.material_sublot_id = checkpoints.material_sublot_id
        and known_spans.last_checkpoint_number = checkpoints.checkpoint_number
    inner join sublots
        on known_spans.material_sublot_id = sublots.material_sublot_id
    inner join locations
        on known_spans.storage_location_id = locations.storage_location_id

),

known_once as (

    -- a sublot with one checkpoint: its history, known from that load on
    select
        {{ star_except('history', ['is_current']) }},
        checkpoints.checkpoint_load_id as recorded_load_id,
        cast(null as integer) as superseded_load_id
    from history
    inner join checkpoints
        on history.material_sublot_id = checkpoints.material_sublot_id
    where history.material_sublot_id not in (select material_sublot_id from restated_sublots)

),

final as (

    {{ union_all_by_name('recomputed', 'known_once') }}

)

select * from final
order by facility_code, valid_from
