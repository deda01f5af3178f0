-- No physical location ever holds a negative quantity of a sublot: the running sum of the
-- sublot's entries at each physical location, in entry order (entry_at, entry_sequence), never
-- drops below zero. Returns the entries that take it below zero, with the running balance.
--
-- The running sums are int_journal_running_balances' (keys and quantities only). A full build
-- checks every entry; an incremental run the entries of the window it reprocessed, whose
-- running sums start from the balance carried into the window (the running value stored on the
-- last entry before it, per sublot and location): exact over all of history, without re-summing
-- it (docs block incremental_loads).

with negative_entries as (

    select entry_sequence, location_running_quantity as running_quantity
    from {{ ref('int_journal_running_balances') }}
    where is_physical
        and location_running_quantity < 0
        and {{ proof_in_lookback('entry_at') }}

),

journal as (

    select
        journal_entry_id,
        transaction_id,
        entry_at,
        entry_sequence,
        material_sublot_id,
        material_sublot_code,
        location_code,
        status,
        quantity
    from {{ ref('fact_inventory_journal') }}
    where {{ proof_in_lookback('entry_at') }}

)

select
    journal.*,
    negative_entries.running_quantity
from negative_entries
inner join journal
    on negative_entries.entry_sequence = journal.entry_sequence
