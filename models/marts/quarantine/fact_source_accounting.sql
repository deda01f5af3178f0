-- Where every raw row of each event source went (docs/faults.md, "Accounting identity"): one
-- row per source table, raw_rows = accepted_rows + rejected_rows + duplicate_rows_removed
-- (assert_source_accounting_balances). raw_rows is counted on the raw parquet itself, the rest
-- on the screening. repaired_rows: accepted rows read with a repair (collapsed repeats,
-- out-of-order delivery; PLC only); inferred_rows: events the warehouse put back that are no
-- raw row (missing nils). fact_data_quality_repairs has the repairs by kind.

{%- set sources = [
    ('supplier_receipts', 'int_supplier_receipts__screened'),
    ('sublot_movements', 'int_sublot_movements__screened'),
    ('material_transactions', 'int_material_transactions__screened'),
    ('plc_tag_events', 'int_plc_tag_events__screened'),
] %}

with raw_counts as (
{%- for source_table, screened in sources %}

    select '{{ source_table }}' as source_table, count(*) as raw_rows
    from {{ source('plantledger', source_table) }}
    {% if not loop.last %}union all{% endif %}
{%- endfor %}

),

screened as (
{%- for source_table, screened in sources %}

    select
        '{{ source_table }}' as source_table,
        count(*) as screened_rows,
        count(*) filter (where not is_removed_duplicate and rejection_reason is null) as accepted_rows,
        count(*) filter (where rejection_reason is not null) as rejected_rows,
        count(*) filter (where is_removed_duplicate) as duplicate_rows_removed
    from {{ ref(screened) }}
    {% if not loop.last %}union all{% endif %}
{%- endfor %}

),

repairs as (

    select
        source_table,
        sum(case when is_raw_row then repaired_rows else 0 end) as repaired_rows,
        sum(case when is_raw_row then 0 else repaired_rows end) as inferred_rows
    from (
        select source_table, repair_kind <> 'inferred_nil' as is_raw_row, repaired_rows
        from {{ ref('fact_data_quality_repairs') }}
    ) as kinds
    group by source_table

),

final as (

    select
        raw_counts.source_table,
        raw_counts.raw_rows,
        screened.accepted_rows,
        screened.rejected_rows,
        screened.duplicate_rows_removed,
        cast(coalesce(repairs.repaired_rows, 0) as bigint) as repaired_rows,
        cast(coalesce(repairs.inferred_rows, 0) as bigint) as inferred_rows,
        screened.screened_rows
    from raw_counts
    inner join screened
        on raw_counts.source_table = screened.source_table
    left join repairs
        on raw_counts.source_table = repairs.source_table

)

select * from final
