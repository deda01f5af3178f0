-- Sublots that changed location within a facility in [from_at, to_at): transactions whose
-- credit and debit are at two different physical locations of one facility (putaways, bin
-- transfers, replenishments, picks, conveyor moves; status changes stay in place). The DuckDB
-- table macro sublot_moves_between(from_at, to_at, known_at) as an analysis that compiles for
-- any engine, with the same columns and rows.
--   dbt compile -s sublot_moves_between --vars '{from_at: "2026-11-13", to_at: "2026-11-14"}'
-- Vars (analysis_vars.sql): from_at, to_at (instants; UTC without an offset), known_at
-- (optional load id: the entries recorded by that load).
{%- set load_id = analysis_load_id('known_at') %}

with physical_entries as (

    select *
    from {{ ref('fact_inventory_journal') }}
    where is_physical
        and entry_at >= {{ analysis_instant('from_at', '2026-11-09') }}
        and entry_at < {{ analysis_instant('to_at', '2026-11-16') }}
        {%- if load_id is not none %}
        and recorded_load_id <= {{ load_id }}
        {%- endif %}

),

debits as (

    select * from physical_entries where entry_side = 'debit'

),

credits as (

    select * from physical_entries where entry_side = 'credit'

)

select
    debits.facility_code,
    debits.material_code,
    debits.material_sublot_code,
    credits.location_code as from_location_code,
    debits.location_code as to_location_code,
    debits.status,
    debits.quantity,
    debits.entry_at as moved_at,
    debits.event_kind,
    debits.movement_type,
    debits.document_number,
    debits.transaction_id
from debits
inner join credits
    on debits.transaction_id = credits.transaction_id
where debits.facility_id = credits.facility_id
    and debits.location_code <> credits.location_code
order by moved_at, debits.transaction_id
