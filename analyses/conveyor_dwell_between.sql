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
    {%- set dwell -%}
        (
        {{ known_conveyor_stays_sql(
            ref('fact_sublot_location_history_known'),
            'recorded_load_id <= ' ~ load_id
                ~ ' and coalesce(superseded_load_id, 2147483647) > ' ~ load_id,
            locations) }}
        )
    {%- endset %}
{%- endif %}

{{ conveyor_dwell_summary_sql(
    dwell, locations,
    analysis_instant('from_at', '2026-11-09'),
    analysis_instant('to_at', '2026-11-16')) }}
