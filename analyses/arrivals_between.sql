-- What entered a facility from outside it in [from_at, to_at): supplier receipts, receipts of
-- transfers from other facilities, production receipts. The DuckDB table macro
-- arrivals_between(from_at, to_at, known_at) as an analysis that compiles for any engine (the
-- Spark target has no table macros), with the same columns and rows.
--   dbt compile -s arrivals_between --vars '{from_at: "2026-11-09", to_at: "2026-11-16"}'
-- Vars (analysis_vars.sql): from_at, to_at (instants; UTC without an offset), known_at
-- (optional load id: the entries recorded by that load).
{%- set load_id = analysis_load_id('known_at') %}

with arrival_entries as (

    select *
    from {{ ref('fact_inventory_journal') }}
    where event_kind in ('goods_receipt', 'goods_receipt_transit', 'receipt_from_wo')
        and entry_at >= {{ analysis_instant('from_at', '2026-11-09') }}
        and entry_at < {{ analysis_instant('to_at', '2026-11-16') }}
        {%- if load_id is not none %}
        and recorded_load_id <= {{ load_id }}
        {%- endif %}

),

debits as (

    select * from arrival_entries where entry_side = 'debit'

),

credits as (

    select * from arrival_entries where entry_side = 'credit'

)

select
    debits.facility_code,
    debits.location_code,
    debits.material_code,
    debits.material_sublot_code,
    debits.status,
    debits.quantity,
    debits.entry_at as arrived_at,
    case debits.event_kind
        when 'goods_receipt' then 'supplier_receipt'
        when 'goods_receipt_transit' then 'transfer_in'
        else 'production_receipt'
    end as arrival_kind,
    credits.facility_code as from_facility_code,
    credits.location_code as from_location_code,
    debits.movement_type,
    debits.document_number,
    debits.transaction_id
from debits
inner join credits
    on debits.transaction_id = credits.transaction_id
order by arrived_at, debits.transaction_id
