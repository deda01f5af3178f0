-- No physical location ever holds a negative quantity of a sublot: the running sum of the
-- sublot's entries at each physical location, in entry order (entry_at, entry_sequence), never
-- drops below zero. Returns the entries that take it below zero, with the running balance.

with physical_entries as (

    select
        journal_entry_id,
        transaction_id,
        entry_at,
        entry_sequence,
        material_sublot_id,
        material_sublot_code,
        location_code,
        status,
        quantity,
        sum(quantity) over (
            partition by material_sublot_id, location_code
            order by entry_at, entry_sequence
            rows between unbounded preceding and current row
        ) as running_quantity
    from {{ ref('fact_inventory_journal') }}
    where is_physical

)

select *
from physical_entries
where running_quantity < 0
