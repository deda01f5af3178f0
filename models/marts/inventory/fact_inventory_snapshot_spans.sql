{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='last_snapshot_date',
    lookback_by_day=true,
    lookback_by_day_extra=1,
    on_schema_change='fail',
    keep_unchanged_rows=false
) }}
-- keep_unchanged_rows false: the window's spans nearly all change (their last day moves on): written whole
-- depends_on: {{ ref('int_load_window') }}
-- The daily inventory snapshot, stored compactly (docs block inventory_snapshot_daily): one row
-- per facility, location, material and status and run of consecutive local days over which its
-- end-of-day balance stayed the same. fact_inventory_snapshot_daily spreads it over the days.
--
-- An interval of fact_sublot_location_history is held at the end of local day D when it began
-- before D + 1 00:00 local and ended at or after it: D runs from the local date of valid_from to
-- the day before the local date of valid_to. Days run from the first journal entry to the last
-- local day that ends within the history (which ends with the UTC day of the last entry).
--
-- Built from changes: each interval adds its quantity on its first day and takes it away the day
-- after its last; a running sum per (location, material, status) over those change days gives
-- the balance, which holds until the day before the next change.

{#- what a balance is kept for: a location, a material and a stock status, with their attributes -#}
{%- set balance_columns = [
    'facility_id', 'facility_code', 'location_code', 'storage_location_id', 'location_type',
    'material_type', 'material_code', 'part_id', 'product_id', 'status'] %}

with

{%- if is_incremental() %}

history as (

    -- incremental run: the intervals that can change a day from the first replaced one on,
    -- those that begin or end at or after the bound below (2 days before that day, for any
    -- facility's offset). Two plain comparisons, each a filter DuckDB applies in the scan,
    -- where one condition on valid_until let every open interval through (the open stock:
    -- most of the rows read) to an OR that DuckDB joined with the scalar bound row by row.
    -- An interval still open that began before the bound adds its quantity on a day before
    -- the first replaced one and never takes it away: it changes no kept day (the spans
    -- running into the window carry its balance), so the open stock is not read again.
    select * from {{ ref('fact_sublot_location_history') }}
    where is_physical
        and valid_from >= cast({{ lookback_first_day() }} as {{ type_timestamptz() }}) - interval 2 day
        and valid_until >= cast({{ lookback_first_day() }} as {{ type_timestamptz() }}) - interval 2 day

    union all

    -- closed at or after the bound, begun before it
    select * from {{ ref('fact_sublot_location_history') }}
    where is_physical
        and valid_to >= cast({{ lookback_first_day() }} as {{ type_timestamptz() }}) - interval 2 day
        and valid_from < cast({{ lookback_first_day() }} as {{ type_timestamptz() }}) - interval 2 day

),
{%- else %}

history as (

    select * from {{ ref('fact_sublot_location_history') }}
    where is_physical

),
{%- endif %}

facilities as (

    select facility_id, timezone from {{ ref('dim_facilities') }}

),

journal_window as (

    select
        min(entry_at) as first_entry_at,
        {{ from_local_time(dbt.dateadd('day', 1, utc_date('max(entry_at)')), "'UTC'") }}
            as history_end_at
    from {{ ref('fact_inventory_journal') }}

),

facility_days as (

    select
        facilities.facility_id,
        facilities.timezone,
        cast({{ to_local_time('journal_window.first_entry_at', 'facilities.timezone') }} as date)
            as first_day_of_history,
        -- the last local day that ends within the history
        cast({{ dbt.dateadd('day', -1, 'cast(' ~ to_local_time('journal_window.history_end_at', 'facilities.timezone') ~ ' as date)') }} as date)
            as last_day_of_history
    from facilities
    cross join journal_window

),

interval_days as (

    -- the day ends each interval is held at: first_day .. last_day (none when last < first)
    select
        history.facility_id,
        history.facility_code,
        history.location_code,
        history.storage_location_id,
        history.location_type,
        history.material_type,
        history.material_code,
        history.part_id,
        history.product_id,
        history.status,
        history.quantity,
        facility_days.last_day_of_history,
        greatest(
            cast({{ to_local_time('history.valid_from', 'facility_days.timezone') }} as date),
            facility_days.first_day_of_history
        ) as first_day,
        least(
            coalesce(
                cast({{ dbt.dateadd('day', -1, 'cast(' ~ to_local_time('history.valid_to', 'facility_days.timezone') ~ ' as date)') }} as date),
                facility_days.last_day_of_history
            ),
            facility_days.last_day_of_history
        ) as last_day
    from history
    inner join facility_days
        on history.facility_id = facility_days.facility_id

),

held_intervals as (

    select * from interval_days where first_day <= last_day

),

interval_changes as (

    select
        {{ balance_columns | join(',\n        ') }},
        last_day_of_history,
        first_day as change_day,
        quantity as quantity_change,
        1 as sublot_change
    from held_intervals

    union all

    select
        {{ balance_columns | join(',\n        ') }},
        last_day_of_history,
        cast({{ dbt.dateadd('day', 1, 'last_day') }} as date) as change_day,
        -quantity as quantity_change,
        -1 as sublot_change
    from held_intervals
    where last_day < last_day_of_history

),

{%- if is_incremental() %}

carried_spans as (

    -- incremental run: the spans that run into the first replaced day from before (at most
    -- one per location, material and status: spans of a key do not overlap)
    select
        spans.*,
        facility_days.last_day_of_history
    from {{ this }} as spans
    inner join facility_days
        on spans.facility_id = facility_days.facility_id
    where spans.first_snapshot_date < {{ lookback_first_day() }}
        and spans.last_snapshot_date >= {{ lookback_first_day() }} - 1

),

window_changes as (

    select * from interval_changes
    where change_day >= {{ lookback_first_day() }}

),

changed_balances as (

    -- the locations, materials and statuses with a change from the first replaced day on
    select distinct location_code, material_code, status from window_changes

),

kept_changes as (

    -- the changes from the first replaced day on, and for each span that runs into that day
    -- from before, of a balance that changes, its balance as a change on its first day (a
    -- span has no change inside it)
    select * from window_changes

    union all

    select
        carried_spans.{{ balance_columns | join(',\n        carried_spans.') }},
        carried_spans.last_day_of_history,
        carried_spans.first_snapshot_date as change_day,
        carried_spans.quantity as quantity_change,
        carried_spans.sublot_count as sublot_change
    from carried_spans
    inner join changed_balances
        on carried_spans.location_code = changed_balances.location_code
        and carried_spans.material_code = changed_balances.material_code
        and carried_spans.status = changed_balances.status

),

unchanged_spans as (

    -- a balance with no change from the first replaced day on keeps its one span running
    -- into that day, now through the last day of the history: what the running sum below
    -- gives it (one change, no next one), without sorting the held stock again
    select
        carried_spans.{{ balance_columns | join(',\n        carried_spans.') }},
        carried_spans.first_snapshot_date,
        carried_spans.last_day_of_history as last_snapshot_date,
        carried_spans.quantity,
        carried_spans.sublot_count
    from carried_spans
    left join changed_balances
        on carried_spans.location_code = changed_balances.location_code
        and carried_spans.material_code = changed_balances.material_code
        and carried_spans.status = changed_balances.status
    where changed_balances.location_code is null

),
{%- else %}

kept_changes as (

    select * from interval_changes

),
{%- endif %}

daily_changes as (

    select
        {{ balance_columns | join(',\n        ') }},
        last_day_of_history,
        change_day,
        sum(quantity_change) as quantity_change,
        sum(sublot_change) as sublot_change
    from kept_changes
    group by
        {{ balance_columns | join(',\n        ') }},
        last_day_of_history,
        change_day

),

balance_runs as (

    -- the balance after each change day holds until the day before the next change
    select
        daily_changes.*,
        sum(quantity_change) over balance_order as quantity,
        sum(sublot_change) over balance_order as sublot_count,
        lead(change_day) over (
            partition by location_code, material_code, status
            order by change_day
        ) as next_change_day
    from daily_changes
    window balance_order as (
        partition by location_code, material_code, status
        order by change_day
        rows between unbounded preceding and current row
    )

),

held_runs as (

    select
        balance_runs.*,
        coalesce(
            cast({{ dbt.dateadd('day', -1, 'next_change_day') }} as date),
            last_day_of_history
        ) as through_day
    from balance_runs
    where quantity <> 0

),

final as (

    select
        {{ balance_columns | join(',\n        ') }},
        change_day as first_snapshot_date,
        through_day as last_snapshot_date,
        cast(quantity as {{ dbt.type_bigint() }}) as quantity,
        cast(sublot_count as {{ dbt.type_bigint() }}) as sublot_count
    from held_runs
    {%- if is_incremental() %}

    union all

    select * from unchanged_spans
    {%- endif %}

)

select * from final
order by facility_code, first_snapshot_date
