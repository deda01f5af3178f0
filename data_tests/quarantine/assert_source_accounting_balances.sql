-- No raw row is lost or invented by the quarantine (docs/faults.md, "Accounting identity"):
-- for every event source, raw rows = accepted + rejected + removed duplicates, the screening
-- saw every raw row, and the accepted rows are exactly those the warehouse reads
-- (int_*__accepted). Returns the sources where any of these fails, with the counts.

with accounting as (

    select * from {{ ref('fact_source_accounting') }}

),

accepted as (

    select 'supplier_receipts' as source_table, count(*) as accepted_model_rows
    from {{ ref('int_supplier_receipts__accepted') }}
    union all
    select 'sublot_movements', count(*)
    from {{ ref('int_sublot_movements__accepted') }}
    union all
    select 'material_transactions', count(*)
    from {{ ref('int_material_transactions__accepted') }}
    union all
    select 'plc_tag_events', count(*)
    from {{ ref('int_plc_tag_events__accepted') }}

)

select
    accepted.source_table,
    accounting.raw_rows,
    accounting.screened_rows,
    accounting.accepted_rows,
    accounting.rejected_rows,
    accounting.duplicate_rows_removed,
    accepted.accepted_model_rows
from accepted
left join accounting
    on accepted.source_table = accounting.source_table
where accounting.source_table is null
    or accounting.raw_rows <> accounting.accepted_rows + accounting.rejected_rows + accounting.duplicate_rows_removed
    or accounting.screened_rows <> accounting.raw_rows
    or accepted.accepted_model_rows <> accounting.accepted_rows
