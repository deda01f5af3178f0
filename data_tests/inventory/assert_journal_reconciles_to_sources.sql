-- No loss, no invention: every accepted movement-bearing source row (int_*__accepted: not
-- rejected, not a removed duplicate; fact_source_accounting accounts for the others) is in
-- the journal with exactly two entries per event, and the journal holds nothing else. Expected entries per source table:
--   supplier_receipts, sublot_movements, material_transactions: 2 per row;
--   shipment_sublots: 2 per row at shipped_at + 2 more at delivered_at for delivered
--     transfers and replenishments;
--   plc_tag_events: 2 per conveyor move derived from them (that every tag change is used
--     by a move is assert_conveyor_tag_changes_are_all_moved).
-- Returns each source table whose counts differ, with both counts.

with expected as (

    select 'supplier_receipts' as source_table, 2 * count(*) as expected_entries
    from {{ ref('int_supplier_receipts__accepted') }}

    union all

    select 'sublot_movements', 2 * count(*)
    from {{ ref('int_sublot_movements__accepted') }}

    union all

    select 'material_transactions', 2 * count(*)
    from {{ ref('int_material_transactions__accepted') }}

    union all

    select
        'shipment_sublots',
        2 * count(*)
        + 2 * sum(case
            when shipments.shipment_type <> 'order_fulfillment' and shipments.delivered_at is not null
                then 1 else 0
        end)
    from {{ ref('stg_plantledger__shipment_sublots') }} as shipment_sublots
    left join {{ ref('stg_plantledger__shipments') }} as shipments
        on shipment_sublots.shipment_id = shipments.shipment_id

    union all

    select 'plc_tag_events', 2 * count(*)
    from {{ ref('int_conveyor_movements') }}

),

actual as (

    select source_table, count(*) as journal_entries
    from {{ ref('fact_inventory_journal') }}
    group by source_table

)

select
    coalesce(expected.source_table, actual.source_table) as source_table,
    coalesce(expected.expected_entries, 0) as expected_entries,
    coalesce(actual.journal_entries, 0) as journal_entries
from expected
full outer join actual
    on expected.source_table = actual.source_table
where coalesce(expected.expected_entries, 0) <> coalesce(actual.journal_entries, 0)
