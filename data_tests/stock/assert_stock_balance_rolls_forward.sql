-- The period balance rolls forward: for every facility, material and month, the stock at the
-- end of the month in the journal (physical entries up to then) equals the stock at the end of
-- the month before plus the month's movements in fact_stock_movements. Closing stock is the
-- journal's, so the closing of one month is the opening of the next by construction; the test
-- proves the movements explain every change in between (moves inside a facility net to zero).
-- Returns the (facility, material, month) whose change the movements do not explain.

with journal_changes as (

    select
        facility_code,
        material_type,
        material_code,
        date_trunc('month', entry_at) as month_start,
        sum(quantity) as journal_change
    from {{ ref('fact_inventory_journal') }}
    where is_physical
    group by all

),

journal_balances as (

    select
        *,
        sum(journal_change) over (
            partition by facility_code, material_type, material_code
            order by month_start
            rows between unbounded preceding and 1 preceding
        ) as opening_quantity,
        sum(journal_change) over (
            partition by facility_code, material_type, material_code
            order by month_start
            rows between unbounded preceding and current row
        ) as closing_quantity
    from journal_changes

),

movement_changes as (

    select
        facility_code,
        material_type,
        material_code,
        date_trunc('month', entry_at) as month_start,
        sum(quantity) as movement_change
    from {{ ref('fact_stock_movements') }}
    group by all

)

select
    coalesce(journal_balances.facility_code, movement_changes.facility_code) as facility_code,
    coalesce(journal_balances.material_code, movement_changes.material_code) as material_code,
    coalesce(journal_balances.month_start, movement_changes.month_start) as month_start,
    journal_balances.opening_quantity,
    movement_changes.movement_change,
    journal_balances.closing_quantity
from journal_balances
full outer join movement_changes
    on journal_balances.facility_code = movement_changes.facility_code
    and journal_balances.material_type = movement_changes.material_type
    and journal_balances.material_code = movement_changes.material_code
    and journal_balances.month_start = movement_changes.month_start
where coalesce(journal_balances.opening_quantity, 0)
    + coalesce(movement_changes.movement_change, 0)
    <> coalesce(journal_balances.closing_quantity, 0)
