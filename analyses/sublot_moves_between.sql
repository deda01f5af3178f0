-- Sublots that changed location within a facility in [from_at, to_at): transactions whose
-- credit and debit are at two different physical locations of one facility (putaways, bin
-- transfers, replenishments, picks, conveyor moves; status changes stay in place). The DuckDB
-- table macro sublot_moves_between(from_at, to_at, known_at) as an analysis that compiles for
-- any engine, with the same columns and rows.
--   dbt compile -s sublot_moves_between --vars '{from_at: "2026-11-13", to_at: "2026-11-14"}'
-- Vars (analysis_vars.sql): from_at, to_at (instants; UTC without an offset), known_at
-- (optional load id: the entries recorded by that load).
{%- set load_id = analysis_load_id('known_at') %}

{{ sublot_moves_between_query(
    ref('fact_inventory_journal'),
    from_at=analysis_instant('from_at', '2026-11-09'),
    to_at=analysis_instant('to_at', '2026-11-16'),
    known_condition='true' if load_id is none else 'recorded_load_id <= ' ~ load_id) }}
order by moved_at, transaction_id
