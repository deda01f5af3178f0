-- Work-order rule: quantity_scrapped of a work order = the sum of its steps' quantity_scrapped.
-- Returns the work orders where they differ.

select
    work_order_id,
    wo_number,
    work_order_status,
    quantity_scrapped,
    step_quantity_scrapped
from {{ ref('fact_work_orders') }}
where quantity_scrapped <> step_quantity_scrapped
