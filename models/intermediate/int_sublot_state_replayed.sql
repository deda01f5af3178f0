{{ config(
    materialized='incremental',
    incremental_strategy='sublots',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- Each sublot's current state replayed from the inventory journal, by the design's rules
-- (docs/raw_data_design.md, "Current state"):
-- - quantity: the sum of its journal quantities at physical locations;
-- - location: that of its latest positive entry at a location that relocates a sublot
--   (a physical one, or a customer or in-transit one; consumption, scrap, adjustment and
--   vendor entries do not), ties at one instant going to the later event in source order
--   (entry_sequence);
-- - status: that entry's status while quantity > 0, else shipped (customer), in_transit
--   (in transit) or consumed (anywhere else), from the location_types seed;
-- - facility: the facility of that location.
-- assert_replayed_state_matches_material_sublots compares it with material_sublots.

with journal as (

    select * from {{ ref('fact_inventory_journal') }}
    {% if is_incremental() %}where {{ in_window_sublots('material_sublot_id') }}{% endif %}

),

locations as (

    select location_code, relocates_sublot, status_when_empty
    from {{ ref('int_storage_locations') }}

),

quantities as (

    select
        material_sublot_id,
        sum(case when is_physical then quantity else 0 end) as quantity,
        count(*) as journal_entries,
        min(entry_at) as first_entry_at,
        max(entry_at) as last_entry_at
    from journal
    group by material_sublot_id

),

relocating_entries as (

    select
        journal.material_sublot_id,
        journal.entry_sequence,
        journal.location_code,
        journal.storage_location_id,
        journal.facility_id,
        journal.status,
        journal.entry_at,
        locations.status_when_empty
    from journal
    inner join locations
        on journal.location_code = locations.location_code
    where journal.quantity > 0
        and locations.relocates_sublot

),

latest_sequences as (

    -- the sublot's latest such entry: entry_sequence sorts as (entry_at, entry_sequence) (the
    -- instant in microseconds times 2048 plus the place among that instant's entries; unique),
    -- so the latest is the greatest, found by an aggregate rather than a sort of every entry
    select material_sublot_id, max(entry_sequence) as entry_sequence
    from relocating_entries
    group by material_sublot_id

),

latest_location as (

    select relocating_entries.*
    from relocating_entries
    inner join latest_sequences
        on relocating_entries.entry_sequence = latest_sequences.entry_sequence

),

final as (

    select
        quantities.material_sublot_id,
        latest_location.storage_location_id,
        latest_location.location_code,
        latest_location.facility_id,
        quantities.quantity,
        case
            when quantities.quantity > 0 then latest_location.status
            else latest_location.status_when_empty
        end as sublot_status,
        latest_location.entry_at as located_since,
        quantities.journal_entries,
        quantities.first_entry_at,
        quantities.last_entry_at
    from quantities
    left join latest_location
        on quantities.material_sublot_id = latest_location.material_sublot_id

)

select * from final
