{{ config(materialized='table') }}

-- The loads of the raw folder (docs block known_at): load 0 is the initial generation, load k
-- the k-th `plantledger generate --append-days`, as listed in _manifest.json. published_at is
-- the end of the load's last day (UTC): a known-at instant answers as of the newest load
-- published by then (macro load_known_at).

with manifest_loads as (

    {{ raw_manifest_loads() }}

),

final as (

    select
        cast(load.load_id as integer) as load_id,
        cast(load.kind as {{ dbt.type_string() }}) as load_kind,
        cast(load.first_day as date) as first_day,
        cast(load.last_day as date) as last_day,
        cast(load.days as integer) as days,
        cast(load.late_events as integer) as late_events,
        {{ from_local_time('cast(load.last_day as date) + 1', "'UTC'") }} as published_at
    from manifest_loads

)

select * from final
order by load_id
