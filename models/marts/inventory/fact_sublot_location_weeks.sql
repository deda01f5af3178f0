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
-- (week_start, facility_code) order, so one week, and one facility in it, are a
-- few row groups. The rows of a sublot follow from its own intervals only, so an incremental
-- run recomputes the sublots of the window (strategy 'sublots'), as the history does.

{#- the columns of every row after week_start: the interval, as the history has it -#}
{%- set interval_columns -%}
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
{%- endset %}

with
{%- if is_incremental() %}

window_intervals as (

    -- the physical intervals of the window's sublots: few rows, read once (a CTE read by two)
    select
        {{ interval_columns }},
        valid_to
    from {{ ref('fact_sublot_location_history') }}
    where is_physical
        and {{ in_window_sublots('material_sublot_id') }}

),

closed_physical_intervals as (

    select * from window_intervals
    where valid_to is not null

),

current_physical_intervals as (

    select {{ interval_columns }}
    from window_intervals
    where valid_to is null

),
{%- else %}

closed_physical_intervals as (

    -- a full build reads the history twice, the closed and the current intervals each
    -- filtered in the scan: one CTE read by both would be materialised whole, every interval
    -- with every column, before either runs
    select
        {{ interval_columns }},
        valid_to
    from {{ ref('fact_sublot_location_history') }}
    where is_physical
        and valid_to is not null

),

current_physical_intervals as (

    select {{ interval_columns }}
    from {{ ref('fact_sublot_location_history') }}
    where is_physical
        and valid_to is null

),
{%- endif %}

closed_interval_weeks as (

    -- the weeks from the one of valid_from to the one of valid_to's last microsecond (weeks
    -- numbered by utc_week_number: integer arithmetic on epoch microseconds)
    select
        {{ each_whole_number(
            utc_week_number(epoch_microseconds('valid_from')),
            utc_week_number(epoch_microseconds('valid_to') ~ ' - 1')) }} as week_number,
        closed_physical_intervals.*
    from closed_physical_intervals

),

closed_intervals as (

    select
        {{ utc_week_start('week_number') }} as week_start,
        {{ interval_columns }}
    from closed_interval_weeks

),

current_intervals as (

    select
        {{ timestamptz_infinity() }} as week_start,
        {{ interval_columns }}
    from current_physical_intervals

),

final as (

    select * from closed_intervals
    union all
    select * from current_intervals

)

select * from final
order by week_start, facility_code
