{{ config(materialized='table') }}

-- The window this run reprocesses (macros/incremental.sql): one row. lookback_start is the
-- newest entry of fact_inventory_journal as it stood before this run, less
-- var('incremental_lookback_days') days; null when there is nothing to continue (first build,
-- --full-refresh, journal missing), and the incremental models then rebuild everything.
-- The journal is read by name, not ref(): it is built later in this same run.
--
-- raw_generation names the generation the raw folder holds (scale, seed and first day of its
-- load 0, from _manifest.json). An incremental build only continues the generation the
-- warehouse was built from: when a regenerated folder holds another one, this model stops the
-- run with one line asking for --full-refresh (appends keep it; a regeneration changes it).

{%- set raw_generation_sql -%}
    select
        cast(parameters.scale as varchar) || '/' || cast(parameters.seed as varchar) || '/'
            || cast(loads[1].first_day as varchar)
    from read_json_auto('{{ raw_path() }}/_manifest.json')
{%- endset -%}

{%- set journal = none -%}
{%- if execute and not flags.FULL_REFRESH -%}
    {%- set journal = adapter.get_relation(
        database=target.database,
        schema=generate_schema_name('marts', model) | trim,
        identifier='fact_inventory_journal') -%}
    {%- set previous = adapter.get_relation(
        database=this.database, schema=this.schema, identifier=this.identifier) -%}
    {%- if journal is not none and previous is not none
        and 'raw_generation' in (adapter.get_columns_in_relation(previous) | map(attribute='name') | list) -%}
        {%- set built_from = run_query('select raw_generation from ' ~ previous).columns[0].values()[0] -%}
        {%- set raw_now = run_query(raw_generation_sql).columns[0].values()[0] -%}
        {%- if built_from != raw_now -%}
            {{ exceptions.raise_compiler_error(
                "the warehouse was built from another generation (" ~ built_from ~ ", scale/seed/first day) than "
                ~ raw_path() ~ " holds (" ~ raw_now ~ "): an incremental build only continues "
                ~ "appends; run 'dbt build --full-refresh'") }}
        {%- endif -%}
    {%- endif -%}
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
        {{ var('incremental_lookback_days', 3) }} as lookback_days,
        ({{ raw_generation_sql }}) as raw_generation
    from previous_journal

)

select * from final
