-- Whole-sublot events carry the sublot's full quantity at that moment: putaway, bin transfer,
-- replenishment, pick, status change and shipments (out and in) move exactly what the sublot
-- holds at physical locations just before (docs/raw_data_design.md: "Whole-sublot moves carry
-- the sublot's full quantity at that moment"). Returns the events that move another quantity.
--
-- What the sublot holds just before is int_journal_running_balances'
-- sublot_physical_quantity_before. A full build checks every event; an incremental run the
-- events of the window it reprocessed, whose balance starts from the one carried into the
-- window (stored on the sublot's last entry before it): exact over all of history, without
-- re-summing it (docs block incremental_loads).

with whole_sublot_credits as (

    select
        journal_entry_id,
        transaction_id,
        event_kind,
        entry_at,
        material_sublot_id,
        -quantity as moved_quantity,
        sublot_physical_quantity_before as physical_quantity_before
    from {{ ref('int_journal_running_balances') }}
    where entry_side = 'credit'
        and event_kind in (
            'putaway', 'bin_transfer', 'replenish_to_line', 'pick',
            'status_change_to_available', 'status_change_to_quality_hold',
            'goods_issue_delivery', 'goods_issue_transit', 'goods_receipt_transit'
        )
        and {{ proof_in_lookback('entry_at') }}

),

wrong_quantities as (

    select *
    from whole_sublot_credits
    where
        -- a receipt from transit brings back what left: nothing is physical in between
        (event_kind = 'goods_receipt_transit' and physical_quantity_before <> 0)
        or (event_kind <> 'goods_receipt_transit' and moved_quantity <> physical_quantity_before)

),

sublot_codes as (

    select journal_entry_id, material_sublot_code
    from {{ ref('fact_inventory_journal') }}
    where {{ proof_in_lookback('entry_at') }}

)

select
    wrong_quantities.transaction_id,
    wrong_quantities.event_kind,
    wrong_quantities.entry_at,
    wrong_quantities.material_sublot_id,
    sublot_codes.material_sublot_code,
    wrong_quantities.moved_quantity,
    wrong_quantities.physical_quantity_before
from wrong_quantities
inner join sublot_codes
    on wrong_quantities.journal_entry_id = sublot_codes.journal_entry_id
