-- Work-order rule: a completed work order has actual_end set and completed + scrapped =
-- planned. Returns the completed work orders that break it.

select
    work_order_id,
    wo_number,
    actual_end_at,
    quantity_planned,
    quantity_completed,
    quantity_scrapped
from {{ ref('fact_work_orders') }}
where work_order_status = 'completed'
    and (actual_end_at is null
         or quantity_completed + quantity_scrapped <> quantity_planned)
