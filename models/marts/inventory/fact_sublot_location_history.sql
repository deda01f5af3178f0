{{ config(
    materialized='incremental',
    incremental_strategy='sublots',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- Where every sublot was, and when (docs block sublot_location_history): one row per interval
-- during which a sublot held a constant quantity in one status at one location, from the
-- running balance of its journal entries per (sublot, location, status). A stay at a location
-- is one interval, or several when the status or the quantity changes during it.
--
-- Locations are those that relocate a sublot: physical ones, and the customer and in-transit
-- locations it is shipped to. Vendor, production, scrap and adjustment entries only say where
-- quantity came from or went, so they open no interval.
--
-- Clustered by (facility_code, valid_from): DuckDB keeps min/max per row group, so an as-of
-- query for one facility (inventory_as_of ... where facility_code = ...) reads only that
-- facility's row groups, and valid_until (valid_to, or +infinity while current) keeps the
-- as-of predicate free of an OR.

with journal as (

    select * from {{ ref('fact_inventory_journal') }}
    {% if is_incremental() %}where {{ in_window_sublots('material_sublot_id') }}{% endif %}

),

locations as (

    select * from {{ ref('dim_storage_locations') }}

),

sublots as (

    select * from {{ ref('dim_material_sublots') }}

),

relocating_entries as (

    -- narrow on purpose: the window below sorts every entry, so it carries only ids and short
    -- values (names are joined from the small dimensions afterwards); every location that
    -- relocates a sublot is a raw one, so storage_location_id stands for location_code
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
        sum(quantity) over (
            partition by material_sublot_id, storage_location_id, status
            order by entry_sequence
            rows between unbounded preceding and current row
        ) as balance,
        lead(entry_sequence) over (
            partition by material_sublot_id, storage_location_id, status
            order by entry_sequence
        ) as next_entry_sequence,
        lead(entry_at) over (
            partition by material_sublot_id, storage_location_id, status
            order by entry_sequence
        ) as next_entry_at,
        lead(movement_type) over (
            partition by material_sublot_id, storage_location_id, status
            order by entry_sequence
        ) as next_movement_type
    from relocating_entries

),

balance_intervals as (

    -- a zero balance is a gap (the sublot is elsewhere); an entry followed by another at the
    -- same instant opens an empty interval that no as-of instant falls into
    select *
    from running_balances
    where balance <> 0
        and (next_entry_at is null or next_entry_at > entry_at)

),

final as (

    select
        balance_intervals.entry_sequence as sublot_location_history_id,
        balance_intervals.material_sublot_id,
        sublots.sublot_code as material_sublot_code,
        sublots.material_type,
        sublots.material_code,
        sublots.part_id,
        sublots.product_id,
        locations.facility_id,
        locations.facility_code,
        locations.location_code,
        balance_intervals.storage_location_id,
        locations.location_type,
        locations.is_physical,
        balance_intervals.status,
        cast(balance_intervals.balance as {{ dbt.type_int() }}) as quantity,
        balance_intervals.entry_at as valid_from,
        balance_intervals.next_entry_at as valid_to,
        coalesce(balance_intervals.next_entry_at, {{ timestamptz_infinity() }}) as valid_until,
        balance_intervals.next_entry_at is null as is_current,
        balance_intervals.movement_type as opened_by_movement_type,
        balance_intervals.next_entry_sequence as closed_by_entry_sequence,
        balance_intervals.next_movement_type as closed_by_movement_type
    from balance_intervals
    inner join sublots
        on balance_intervals.material_sublot_id = sublots.material_sublot_id
    inner join locations
        on balance_intervals.storage_location_id = locations.storage_location_id

)

select * from final
order by facility_code, valid_from
