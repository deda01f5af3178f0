{{ config(materialized='table' if target.type == 'spark' else 'view') }}  {#- Spark: a table, so the comparison test reads its files -#}

-- End-of-day stock (the Kimball periodic snapshot, docs block inventory_snapshot_daily): per
-- facility, location, material and status, the quantity held at the end of every local day of
-- the facility (its own time zone), for trends. Semi-additive: sum it across locations,
-- materials and facilities, never across days (average or take the last day instead).
--
-- A view that spreads fact_inventory_snapshot_spans (one row per run of days with the same
-- balance, about 36 times fewer rows) over its days. Filters on the spans' columns (facility,
-- location, material, status) prune the spans before they are spread; a filter on
-- snapshot_date applies after spreading (a whole-company daily series over the whole history
-- takes about 3 s at scale 10; one facility's month, milliseconds).

with spans as (

    select * from {{ ref('fact_inventory_snapshot_spans') }}

),

facilities as (

    select facility_id, timezone from {{ ref('dim_facilities') }}

),

spread_spans as (

    select
        {{ each_day('spans.first_snapshot_date', 'spans.last_snapshot_date') }} as spread_day,
        spans.*
    from spans

),

spans_by_day as (

    select
        cast(spread_day as date) as snapshot_date,
        spread_spans.*
    from spread_spans

),

final as (

    select
        spans_by_day.snapshot_date,
        {{ dbt.dateadd(
            'microsecond', -1,
            from_local_time(dbt.dateadd('day', 1, 'spans_by_day.snapshot_date'), 'facilities.timezone')) }}
            as snapshot_at,
        spans_by_day.facility_id,
        spans_by_day.facility_code,
        spans_by_day.location_code,
        spans_by_day.storage_location_id,
        spans_by_day.location_type,
        spans_by_day.material_type,
        spans_by_day.material_code,
        spans_by_day.part_id,
        spans_by_day.product_id,
        spans_by_day.status,
        spans_by_day.quantity,
        spans_by_day.sublot_count
    from spans_by_day
    inner join facilities
        on spans_by_day.facility_id = facilities.facility_id

)

select * from final
