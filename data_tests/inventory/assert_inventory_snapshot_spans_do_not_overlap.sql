-- The daily snapshot has one row per day, location, material and status: the spans of one
-- location, material and status never overlap (each begins after the previous one ended).
-- Returns the overlapping pairs.
--
-- A full build checks every span. An incremental run restated the spans ending on or after the
-- model's window (last_snapshot_date >= lookback_first_day() - 1, as its 'lookback' config) and
-- checks those: against each other in order, and against the spans before them, which were
-- checked before and do not overlap, so a restated span overlaps one of them exactly when it
-- begins on or before the latest day they reach (carried into the window per key).

{%- set whole = proof_is_whole() %}

with restated_spans as (

    select location_code, material_code, status, first_snapshot_date, last_snapshot_date
    from {{ ref('fact_inventory_snapshot_spans') }}
    {% if not whole -%}
    where last_snapshot_date >= {{ proof_window_first_day() }} - 1
        or last_snapshot_date is null
    {%- endif %}

),

carried_spans as (

    select location_code, material_code, status, max(last_snapshot_date) as last_snapshot_date
    from {{ ref('fact_inventory_snapshot_spans') }}
    {% if whole -%}
    where false
    {%- else -%}
    where last_snapshot_date < {{ proof_window_first_day() }} - 1
    {%- endif %}
        and {{ columns_in(['location_code', 'material_code', 'status'], 'restated_spans') }}
    group by location_code, material_code, status

),

ordered_spans as (

    select
        restated_spans.location_code,
        restated_spans.material_code,
        restated_spans.status,
        restated_spans.first_snapshot_date,
        restated_spans.last_snapshot_date,
        coalesce(
            lag(restated_spans.last_snapshot_date) over (
                partition by restated_spans.location_code, restated_spans.material_code, restated_spans.status
                order by restated_spans.first_snapshot_date
            ),
            carried_spans.last_snapshot_date
        ) as previous_last_snapshot_date,
        carried_spans.last_snapshot_date as carried_last_snapshot_date
    from restated_spans
    left join carried_spans
        on restated_spans.location_code = carried_spans.location_code
        and restated_spans.material_code = carried_spans.material_code
        and restated_spans.status = carried_spans.status

)

select
    location_code,
    material_code,
    status,
    first_snapshot_date,
    last_snapshot_date,
    previous_last_snapshot_date
from ordered_spans
where previous_last_snapshot_date >= first_snapshot_date
    or carried_last_snapshot_date >= first_snapshot_date
