-- No entry without a source: every journal entry points at an existing source row of its
-- source table (for conveyor moves, at the PLC tag change the move is keyed on). Returns the
-- orphan entries.

with journal as (

    select journal_entry_id, transaction_id, source_table, source_id
    from {{ ref('fact_inventory_journal') }}

),

sources as (

    select 'supplier_receipts' as source_table, supplier_receipt_id as source_id
    from {{ ref('int_supplier_receipts__accepted') }}
    union all
    select 'sublot_movements', sublot_movement_id
    from {{ ref('int_sublot_movements__accepted') }}
    union all
    select 'material_transactions', material_transaction_id
    from {{ ref('int_material_transactions__accepted') }}
    union all
    select 'shipment_sublots', shipment_sublot_id
    from {{ ref('stg_plantledger__shipment_sublots') }}
    union all
    select 'plc_tag_events', plc_tag_event_id
    from {{ ref('int_plc_tag_events__accepted') }}

)

select journal.*
from journal
left join sources
    on journal.source_table = sources.source_table
    and journal.source_id = sources.source_id
where sources.source_id is null
