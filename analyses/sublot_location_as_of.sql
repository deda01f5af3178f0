-- Where one sublot was at an instant: a physical location, or the customer or in-transit
-- location it was shipped to; no row before it existed or once it was used up. The DuckDB
-- table macro sublot_location_as_of(sublot_code, as_of_at, known_at) as an analysis that
-- compiles for any engine, with the same columns and rows.
--   dbt compile -s sublot_location_as_of --vars '{sublot_code: SL-000000011, as_of_at: "2026-11-13 18:00"}'
-- Vars (analysis_vars.sql): sublot_code, as_of_at (an instant; UTC without an offset),
-- known_at (optional load id: the intervals the warehouse held after that load).
{%- set load_id = analysis_load_id('known_at') %}
{%- set as_of_at = analysis_instant('as_of_at', '2026-11-13 18:00:00') %}

with located_intervals as (

    {% if load_id is none -%}
    select *
    from {{ ref('fact_sublot_location_history') }}
    {%- else -%}
    select *
    from {{ ref('fact_sublot_location_history_known') }}
    where recorded_load_id <= {{ load_id }}
        and coalesce(superseded_load_id, 2147483647) > {{ load_id }}
    {%- endif %}

)

select
    material_sublot_code,
    material_code,
    facility_code,
    location_code,
    location_type,
    is_physical,
    status,
    quantity,
    valid_from as located_since,
    valid_to as located_until
from located_intervals
where material_sublot_code = {{ analysis_code('sublot_code', 'SL-000000011') }}
    and valid_from <= {{ as_of_at }}
    and valid_until > {{ as_of_at }}
