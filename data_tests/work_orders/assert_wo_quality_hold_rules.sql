-- Work-order rule: a quality_hold work order has all steps completed, actual_end null,
-- production receipts, and the product sublots it received are on quality_hold.
-- Returns each violating work order with the rule it breaks.

with work_orders as (

    select * from {{ ref('fact_work_orders') }}
    where work_order_status = 'quality_hold'

),

receipt_sublots as (

    select
        transactions.work_order_id,
        sublots.material_sublot_id,
        sublots.sublot_code,
        sublots.sublot_status
    from {{ ref('fact_material_transactions') }} as transactions
    inner join {{ ref('stg_plantledger__material_sublots') }} as sublots
        on transactions.material_sublot_id = sublots.material_sublot_id
    where transactions.transaction_type = 'receipt_from_wo'

)

select work_order_id, wo_number, 'not all steps completed' as violation
from work_orders
where completed_step_count <> step_count

union all

select work_order_id, wo_number, 'actual_end_at is set'
from work_orders
where actual_end_at is not null

union all

select work_order_id, wo_number, 'no production receipts'
from work_orders
where receipt_count = 0

union all

select
    work_orders.work_order_id,
    work_orders.wo_number,
    'product sublot ' || receipt_sublots.sublot_code || ' is ' || receipt_sublots.sublot_status
from work_orders
inner join receipt_sublots
    on work_orders.work_order_id = receipt_sublots.work_order_id
where receipt_sublots.sublot_status <> 'quality_hold'
