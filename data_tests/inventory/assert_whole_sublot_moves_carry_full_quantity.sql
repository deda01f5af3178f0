-- Whole-sublot events carry the sublot's full quantity at that moment: putaway, bin transfer,
-- replenishment, pick, status change and shipments (out and in) move exactly what the sublot
-- holds at physical locations just before (docs/raw_data_design.md: "Whole-sublot moves carry
-- the sublot's full quantity at that moment"). Returns the events that move another quantity.

with journal as (

    select
        transaction_id,
        event_kind,
        entry_side,
        entry_at,
        entry_sequence,
        material_sublot_id,
        material_sublot_code,
        quantity,
        sum(case when is_physical then quantity else 0 end) over (
            partition by material_sublot_id
            order by entry_at, entry_sequence
            rows between unbounded preceding and 1 preceding
        ) as physical_quantity_before
    from {{ ref('fact_inventory_journal') }}

)

select
    transaction_id,
    event_kind,
    entry_at,
    material_sublot_id,
    material_sublot_code,
    -quantity as moved_quantity,
    physical_quantity_before
from journal
where entry_side = 'credit'
    and event_kind in (
        'putaway', 'bin_transfer', 'replenish_to_line', 'pick',
        'status_change_to_available', 'status_change_to_quality_hold',
        'goods_issue_delivery', 'goods_issue_transit', 'goods_receipt_transit'
    )
    and (
        -- a receipt from transit brings back what left: nothing is physical in between
        (event_kind = 'goods_receipt_transit' and coalesce(physical_quantity_before, 0) <> 0)
        or (event_kind <> 'goods_receipt_transit' and -quantity <> coalesce(physical_quantity_before, 0))
    )
