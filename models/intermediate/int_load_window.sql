{{ config(materialized='table') }}
-- depends_on: {{ ref('stg_plantledger__supplier_receipts') }}
-- depends_on: {{ ref('stg_plantledger__sublot_movements') }}
-- depends_on: {{ ref('stg_plantledger__material_transactions') }}
-- depends_on: {{ ref('stg_plantledger__plc_tag_events') }}
-- depends_on: {{ ref('stg_plantledger__shipment_sublots') }}
-- depends_on: {{ ref('stg_plantledger__shipments') }}

-- The window this run reprocesses (macros/incremental.sql): one row. lookback_start is the
-- newest entry of fact_inventory_journal as it stood before this run, less
-- var('incremental_lookback_days') days, or the earliest event of a load the warehouse has not
-- consumed yet when that is earlier (a late event of any age: everything from it on is
-- restated); null when there is nothing to continue (first build, --full-refresh, journal
-- missing), and the incremental models then rebuild everything. recent_start is the same
-- without the late events: the inventory chain restates every event from it on, and a late
-- event's sublots only from that event on (int_window_sublots, in_restated_window). The journal and this model's
-- previous row are read by name, not ref(): the journal is built later in this same run.
--
-- consumed_load_id records the newest load of the raw folder (_manifest.json) this run reads;
-- the loads after the previous run's consumed_load_id are the ones not consumed yet. A
-- warehouse built before this column existed has consumed nothing known: everything is
-- restated once. The record is made when this model is built, first in the run: a run that
-- fails or is killed later must not be the base of the next one (as for the journal's newest
-- entry, the next run's other input), which a build that publishes only complete warehouses
-- ensures (issue #11, item 3).
--
-- raw_generation names the generation the raw folder holds (scale, seed and first day of its
-- load 0, from _manifest.json). An incremental build only continues the generation the
-- warehouse was built from: when a regenerated folder holds another one, this model stops the
-- run with one line asking for --full-refresh (appends keep it; a regeneration changes it).

{%- set raw_generation_sql -%}
    {{ raw_generation_select() }}
{%- endset -%}

{%- set journal = none -%}
{%- set previous_consumed = -1 -%}
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
    {%- if previous is not none
        and 'consumed_load_id' in (adapter.get_columns_in_relation(previous) | map(attribute='name') | list) -%}
        {%- set consumed = run_query('select consumed_load_id from ' ~ previous).columns[0].values()[0] -%}
        {%- set previous_consumed = -1 if consumed is none else consumed | int -%}
    {%- endif -%}
{%- endif %}

with previous_journal as (

    {% if journal is not none -%}
    select max(entry_at) as newest_entry_at from {{ journal }}
    {%- else -%}
    select cast(null as {{ type_timestamptz() }}) as newest_entry_at
    {%- endif %}

),

raw_loads as (

    select max(load_id) as newest_load_id
    from ({{ raw_manifest_load_ids() }})

),

unconsumed_event_times as (

    -- the event times of the rows of loads after the one the previous run consumed (only on
    -- an incremental run: otherwise everything is rebuilt anyway)
    {%- if journal is not none %}
    select min(received_at) as occurred_at
    from {{ ref('stg_plantledger__supplier_receipts') }}
    where load_id > {{ previous_consumed }}
    union all
    select min(moved_at) from {{ ref('stg_plantledger__sublot_movements') }}
    where load_id > {{ previous_consumed }}
    union all
    select min(transacted_at) from {{ ref('stg_plantledger__material_transactions') }}
    where load_id > {{ previous_consumed }}
    union all
    select min(source_timestamp) from {{ ref('stg_plantledger__plc_tag_events') }}
    where load_id > {{ previous_consumed }}
    union all
    select min(shipments.shipped_at)
    from {{ ref('stg_plantledger__shipment_sublots') }} as shipment_sublots
    inner join {{ ref('stg_plantledger__shipments') }} as shipments
        on shipment_sublots.shipment_id = shipments.shipment_id
    where shipment_sublots.load_id > {{ previous_consumed }}
    union all
    -- a shipment's new version: its delivery (the shipped event came with its sublots)
    select min(delivered_at) from {{ ref('stg_plantledger__shipments') }}
    where load_id > {{ previous_consumed }}
    {%- else %}
    select cast(null as {{ type_timestamptz() }}) as occurred_at
    {%- endif %}

),

unconsumed as (

    select min(occurred_at) as earliest_unconsumed_event_at
    from unconsumed_event_times

),

final as (

    select
        1 as load_window_id,
        previous_journal.newest_entry_at as previous_newest_entry_at,
        case
            when previous_journal.newest_entry_at is not null then least(
                {{ dbt.dateadd("day", -var("incremental_lookback_days", 3), "previous_journal.newest_entry_at") }},
                coalesce(unconsumed.earliest_unconsumed_event_at, previous_journal.newest_entry_at)
            )
        end as lookback_start,
        {{ dbt.dateadd("day", -var("incremental_lookback_days", 3), "previous_journal.newest_entry_at") }}
            as recent_start,
        {{ var('incremental_lookback_days', 3) }} as lookback_days,
        {{ previous_consumed }} as previous_consumed_load_id,
        raw_loads.newest_load_id as consumed_load_id,
        unconsumed.earliest_unconsumed_event_at,
        ({{ raw_generation_sql }}) as raw_generation
    from previous_journal
    cross join raw_loads
    cross join unconsumed

)

select * from final
