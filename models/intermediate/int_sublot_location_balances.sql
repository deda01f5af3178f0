{{ config(
    materialized='incremental',
    incremental_strategy='sublots',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- The journal entries at locations that relocate a sublot (physical ones, and the customer and
-- in-transit locations it is shipped to; dim_storage_locations.relocates_sublot) that open an
-- interval of the location history, each with the sublot's running balance at that location in
-- that status and the next entry there. The one sort of the journal by sublot and location that
-- the location history and the dwell read: an entry whose balance is not zero, and which is not
-- followed by another at the same instant, opens an interval that lasts until that next entry:
-- fact_sublot_location_history's rows, and fact_sublot_dwell's at physical locations.
--
-- Only those entries are stored (about half of the relocating ones): the window needs every
-- entry, its readers only the intervals, and writing a row costs about as much as sorting it.
-- fact_sublot_location_history_known, which replays every entry per load, reads the journal.
--
-- Narrow on purpose: the window sorts every entry, so it carries only numbers and short
-- values; every location that relocates a sublot is a raw one, so storage_location_id stands
-- for location_code (names are joined from the small dimensions downstream).

with journal as (

    select * from {{ ref('fact_inventory_journal') }}
    {% if is_incremental() %}where {{ in_window_sublots('material_sublot_id') }}{% endif %}

),

locations as (

    select * from {{ ref('dim_storage_locations') }}

),

relocating_entries as (

    select
        journal.entry_sequence,
        journal.material_sublot_id,
        journal.storage_location_id,
        journal.status,
        journal.entry_at,
        journal.quantity,
        journal.movement_type
    from journal
    inner join locations
        on journal.location_code = locations.location_code
    where locations.relocates_sublot

),

running_balances as (

    select
        relocating_entries.*,
        sum(quantity) over location_order as balance,
        -- lead() takes no frame on Spark: its own window, the same partition and order
        lead(entry_sequence) over location_sequence as next_entry_sequence,
        lead(entry_at) over location_sequence as next_entry_at,
        lead(movement_type) over location_sequence as next_movement_type
    from relocating_entries
    window location_order as (
        partition by material_sublot_id, storage_location_id, status
        order by entry_sequence
        rows between unbounded preceding and current row
    ),
    location_sequence as (
        partition by material_sublot_id, storage_location_id, status
        order by entry_sequence
    )

),

final as (

    -- a zero balance is a gap (the sublot is elsewhere); an entry followed by another at the
    -- same instant opens an empty interval that no as-of instant falls into
    select
        entry_sequence,
        material_sublot_id,
        storage_location_id,
        status,
        entry_at,
        movement_type,
        balance,
        next_entry_sequence,
        next_entry_at,
        next_movement_type
    from running_balances
    where balance <> 0
        and (next_entry_at is null or next_entry_at > entry_at)

)

select * from final
