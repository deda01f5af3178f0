{{ config(
    materialized='incremental',
    incremental_strategy='sublots',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- Where every sublot was, and when (docs block sublot_location_history): one row per interval
-- during which a sublot held a constant quantity in one status at one location, from the
-- running balance of its journal entries per (sublot, location, status)
-- (int_sublot_location_balances). A stay at a location
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

with balance_intervals as (

    -- the entries that open an interval (int_sublot_location_balances: the running balance
    -- per sublot, location and status, and the next entry there)
    select *
    from {{ ref('int_sublot_location_balances') }}
    {% if is_incremental() %}where {{ in_window_sublots('material_sublot_id') }}{% endif %}

),

locations as (

    select * from {{ ref('dim_storage_locations') }}

),

sublots as (

    select * from {{ ref('dim_material_sublots') }}

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
