-- Work-order rule: quantity_completed + quantity_scrapped <= quantity_planned, none negative.
-- Returns the work orders that exceed the plan.

select
    work_order_id,
    wo_number,
    work_order_status,
    quantity_planned,
    quantity_completed,
    quantity_scrapped
from {{ ref('fact_work_orders') }}
where quantity_completed + quantity_scrapped > quantity_planned
    or quantity_completed < 0
    or quantity_scrapped < 0
    or quantity_planned <= 0
