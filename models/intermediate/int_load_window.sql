{{ config(materialized='table') }}

-- The window this run reprocesses (macros/incremental.sql): one row. lookback_start is the
-- newest entry of fact_inventory_journal as it stood before this run, less
-- var('incremental_lookback_days') days; null when there is nothing to continue (first build,
-- --full-refresh, journal missing), and the incremental models then rebuild everything.
-- The journal is read by name, not ref(): it is built later in this same run.

{%- set journal = none -%}
{%- if execute and not flags.FULL_REFRESH -%}
    {%- set journal = adapter.get_relation(
        database=target.database,
        schema=generate_schema_name('marts', model) | trim,
        identifier='fact_inventory_journal') -%}
{%- endif %}

with previous_journal as (

    {% if journal is not none -%}
    select max(entry_at) as newest_entry_at from {{ journal }}
    {%- else -%}
    select cast(null as {{ type_timestamptz() }}) as newest_entry_at
    {%- endif %}

),

final as (

    select
        1 as load_window_id,
        newest_entry_at as previous_newest_entry_at,
        {{ dbt.dateadd("day", -var("incremental_lookback_days", 3), "newest_entry_at") }} as lookback_start,
        {{ var('incremental_lookback_days', 3) }} as lookback_days
    from previous_journal

)

select * from final
