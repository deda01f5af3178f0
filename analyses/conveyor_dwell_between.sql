-- Dwell statistics per conveyor position (and line) over the stays that arrived in
-- [from_at, to_at): stays, sublots, mean, p50, p90 and max dwell, the rank in the line and the
-- bottleneck. The DuckDB table macro conveyor_dwell_between(from_at, to_at, known_at) as an
-- analysis that compiles for any engine: the same SQL (conveyor_dwell_summary_sql, shared with
-- the fact_conveyor_dwell_summary mart) over fact_sublot_dwell or, with known_at, over the
-- stays of the conveyor intervals known then (grouped by sublot_stays_sql).
--   dbt compile -s conveyor_dwell_between --vars '{from_at: "2026-11-09", to_at: "2026-11-16"}'
-- Vars (analysis_vars.sql): from_at, to_at (instants; UTC without an offset), known_at
-- (optional load id).
{%- set load_id = analysis_load_id('known_at') %}
{%- set locations = ref('dim_storage_locations') %}
{%- if load_id is none %}
    {%- set dwell = ref('fact_sublot_dwell') %}
{%- else %}
    {%- set known_intervals -%}
        (
            select
                sublot_location_history_id, material_sublot_id, storage_location_id, status,
                quantity, valid_from, valid_to
            from {{ ref('fact_sublot_location_history_known') }}
            where recorded_load_id <= {{ load_id }}
                and coalesce(superseded_load_id, 2147483647) > {{ load_id }}
                and location_type in ('conveyor_line', 'conveyor_position')
        )
    {%- endset %}
    {%- set dwell -%}
        (
            select
                locations.location_code,
                locations.location_type,
                known_stays.material_sublot_id,
                known_stays.arrived_at,
                known_stays.left_at,
                {{ seconds_between('known_stays.arrived_at', 'known_stays.left_at') }} as dwell_seconds
            from ({{ sublot_stays_sql(known_intervals) }}) as known_stays
            inner join {{ locations }} as locations
                on known_stays.storage_location_id = locations.storage_location_id
        )
    {%- endset %}
{%- endif %}

{{ conveyor_dwell_summary_sql(
    dwell, locations,
    analysis_instant('from_at', '2026-11-09'),
    analysis_instant('to_at', '2026-11-16')) }}
