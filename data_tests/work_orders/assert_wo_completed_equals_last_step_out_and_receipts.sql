-- Work-order rule: quantity_completed = the last step's quantity_out (0 unless the last step
-- completed) = the sum of its receipt_from_wo transactions. Returns the work orders where the
-- three disagree.

select
    work_order_id,
    wo_number,
    work_order_status,
    quantity_completed,
    last_step_status,
    last_step_quantity_out,
    case when last_step_status = 'completed' then last_step_quantity_out else 0 end
        as expected_quantity_completed,
    received_quantity
from {{ ref('fact_work_orders') }}
where quantity_completed <> case when last_step_status = 'completed' then last_step_quantity_out else 0 end
    or quantity_completed <> received_quantity
