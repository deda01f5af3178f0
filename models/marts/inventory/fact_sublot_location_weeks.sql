{{ config(
    materialized='incremental',
    incremental_strategy='sublots',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- The physical intervals by week (docs block sublot_location_weeks): the physical intervals
-- of fact_sublot_location_history laid out so that the stock at any instant is a bounded read.
-- A closed interval has one row per UTC week (Monday 00:00 UTC to the next) it overlaps,
-- week_start the week's first instant; a current one has one row, week_start +infinity.
-- inventory_as_of(t) reads the rows of t's week and the current rows (valid_from <= t and
-- valid_until > t): every interval open at t is in exactly one of them. Written in
-- (week_start, facility_code, valid_from) order, so one week, and one facility in it, are a
-- few row groups. The rows of a sublot follow from its own intervals only, so an incremental
-- run recomputes the sublots of the window (strategy 'sublots'), as the history does.

with physical_intervals as (

    select
        sublot_location_history_id,
        material_sublot_id,
        facility_code,
        location_code,
        material_code,
        material_sublot_code,
        status,
        quantity,
        valid_from,
        valid_to,
        valid_until,
        {{ to_local_time('valid_from', "'UTC'") }} as valid_from_utc,
        {{ to_local_time('valid_to', "'UTC'") }} as valid_to_utc
    from {{ ref('fact_sublot_location_history') }}
    where is_physical
    {% if is_incremental() %}and {{ in_window_sublots('material_sublot_id') }}{% endif %}

),

closed_interval_weeks as (

    -- every week start from the one of valid_from to valid_to (the last one dropped below
    -- when valid_to is exactly a week start: the interval ends before that week)
    select
        {{ each_week(dbt.date_trunc('week', 'valid_from_utc'), 'valid_to_utc') }} as week_start_utc,
        physical_intervals.*
    from physical_intervals
    where valid_to is not null

),

closed_intervals as (

    select
        {{ from_local_time('week_start_utc', "'UTC'") }} as week_start,
        sublot_location_history_id,
        material_sublot_id,
        facility_code,
        location_code,
        material_code,
        material_sublot_code,
        status,
        quantity,
        valid_from,
        valid_until
    from closed_interval_weeks
    where week_start_utc < valid_to_utc

),

current_intervals as (

    select
        {{ timestamptz_infinity() }} as week_start,
        sublot_location_history_id,
        material_sublot_id,
        facility_code,
        location_code,
        material_code,
        material_sublot_code,
        status,
        quantity,
        valid_from,
        valid_until
    from physical_intervals
    where valid_to is null

),

final as (

    select * from closed_intervals
    union all
    select * from current_intervals

)

select * from final
order by week_start, facility_code, valid_from
