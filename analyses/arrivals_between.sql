-- What entered a facility from outside it in [from_at, to_at): supplier receipts, receipts of
-- transfers from other facilities, production receipts. The DuckDB table macro
-- arrivals_between(from_at, to_at, known_at) as an analysis that compiles for any engine (the
-- Spark target has no table macros), with the same columns and rows.
--   dbt compile -s arrivals_between --vars '{from_at: "2026-11-09", to_at: "2026-11-16"}'
-- Vars (analysis_vars.sql): from_at, to_at (instants; UTC without an offset), known_at
-- (optional load id: the entries recorded by that load).
{%- set load_id = analysis_load_id('known_at') %}

{{ arrivals_between_query(
    ref('fact_inventory_journal'),
    from_at=analysis_instant('from_at', '2026-11-09'),
    to_at=analysis_instant('to_at', '2026-11-16'),
    known_condition='true' if load_id is none else 'recorded_load_id <= ' ~ load_id) }}
order by arrived_at, transaction_id
