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

with wrong_quantities as (

    select
        entry_sequence,
        -quantity as moved_quantity,
        sublot_physical_quantity_before as physical_quantity_before
    from {{ ref('int_journal_running_balances') }}
    where is_whole_sublot_move
        and {{ proof_in_lookback('entry_at') }}
        and (
            -- a receipt from transit brings back what left: nothing is physical in between
            (is_transit_receipt and sublot_physical_quantity_before <> 0)
            or (not is_transit_receipt and -quantity <> sublot_physical_quantity_before)
        )

),

journal as (

    select
        entry_sequence,
        transaction_id,
        event_kind,
        entry_at,
        material_sublot_id,
        material_sublot_code
    from {{ ref('fact_inventory_journal') }}
    where {{ proof_in_lookback('entry_at') }}

)

select
    journal.transaction_id,
    journal.event_kind,
    journal.entry_at,
    journal.material_sublot_id,
    journal.material_sublot_code,
    wrong_quantities.moved_quantity,
    wrong_quantities.physical_quantity_before
from wrong_quantities
inner join journal
    on wrong_quantities.entry_sequence = journal.entry_sequence
