-- Work-order rule: issues happen at the actual start, returns at the end. Checked as: every
-- issue is posted no later than the work order's actual start (material is issued to the line
-- before the first step starts; the generator posts it minutes before) and within
-- var('issue_lead_hours') hours before it; a return is posted only once the last step has
-- completed, not before its end and not after the work order's actual end (when set).
-- Production receipts follow the last step's end the same way.
-- Returns each transaction that breaks it.

with transactions as (

    select * from {{ ref('fact_material_transactions') }}
    where transaction_type in ('issue_to_wo', 'return_to_stock', 'receipt_from_wo')

),

work_orders as (

    select * from {{ ref('fact_work_orders') }}

),

checked as (

    select
        transactions.material_transaction_id,
        transactions.transaction_number,
        transactions.transaction_type,
        transactions.transacted_at,
        work_orders.wo_number,
        work_orders.work_order_status,
        work_orders.actual_start_at,
        work_orders.last_step_status,
        work_orders.last_step_actual_end_at,
        work_orders.actual_end_at,
        case
            when transactions.transaction_type = 'issue_to_wo'
                and (work_orders.actual_start_at is null
                     or transactions.transacted_at > work_orders.actual_start_at)
                then 'issue after the actual start'
            when transactions.transaction_type = 'issue_to_wo'
                and transactions.transacted_at
                    < {{ dbt.dateadd('hour', -1 * var('issue_lead_hours'), 'work_orders.actual_start_at') }}
                then 'issue long before the actual start'
            when transactions.transaction_type in ('return_to_stock', 'receipt_from_wo')
                and (work_orders.last_step_status <> 'completed'
                     or transactions.transacted_at < work_orders.last_step_actual_end_at)
                then transactions.transaction_type || ' before the last step ended'
            when transactions.transaction_type in ('return_to_stock', 'receipt_from_wo')
                and transactions.transacted_at > work_orders.actual_end_at
                then transactions.transaction_type || ' after the actual end'
        end as violation
    from transactions
    inner join work_orders
        on transactions.work_order_id = work_orders.work_order_id

)

select *
from checked
where violation is not null
