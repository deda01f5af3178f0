-- Physical on-hand per facility and part from the journal (the sum of part sublots' entries at
-- the facility's physical locations) equals inventory.quantity_on_hand, and there is an
-- inventory row for every (facility, part) that ever held a part sublot (0 when all consumed)
-- and no other. Returns each (facility, part) where they disagree.

with journal_on_hand as (

    select
        facility_id,
        part_id,
        sum(quantity) as journal_quantity_on_hand
    from {{ ref('fact_inventory_journal') }}
    where is_physical
        and material_type = 'part'
    group by facility_id, part_id

),

inventory as (

    select facility_id, part_id, inventory_id, quantity_on_hand
    from {{ ref('stg_plantledger__inventory') }}

)

select
    coalesce(inventory.facility_id, journal_on_hand.facility_id) as facility_id,
    coalesce(inventory.part_id, journal_on_hand.part_id) as part_id,
    inventory.inventory_id,
    inventory.quantity_on_hand as inventory_quantity_on_hand,
    journal_on_hand.journal_quantity_on_hand
from inventory
full outer join journal_on_hand
    on inventory.facility_id = journal_on_hand.facility_id
    and inventory.part_id = journal_on_hand.part_id
where inventory.inventory_id is null
    or journal_on_hand.facility_id is null
    or inventory.quantity_on_hand <> journal_on_hand.journal_quantity_on_hand
