-- Work-order rule: released and cancelled work orders have no actual times, no material
-- transactions, their steps pending (released) or skipped (cancelled), and all quantities 0.
-- Returns each violating work order with the rule it breaks.

with work_orders as (

    select * from {{ ref('fact_work_orders') }}
    where work_order_status in ('released', 'cancelled')

),

steps as (

    select * from {{ ref('fact_work_order_steps') }}
    where work_order_status in ('released', 'cancelled')

),

work_order_violations as (

    select work_order_id, wo_number, work_order_status, 'has actual times' as violation
    from work_orders
    where actual_start_at is not null or actual_end_at is not null

    union all

    select work_order_id, wo_number, work_order_status, 'has material transactions'
    from work_orders
    where material_transaction_count > 0

    union all

    select work_order_id, wo_number, work_order_status, 'has completed or scrapped quantity'
    from work_orders
    where quantity_completed <> 0 or quantity_scrapped <> 0

),

step_violations as (

    select
        steps.work_order_id,
        work_orders.wo_number,
        steps.work_order_status,
        'step ' || cast(steps.step_sequence as {{ dbt.type_string() }}) || ' is ' || steps.step_status
            || case when steps.quantity_in <> 0 or steps.quantity_out <> 0 or steps.quantity_scrapped <> 0
                then ' with quantities' else '' end
            || case when steps.actual_start_at is not null or steps.actual_end_at is not null
                then ' with actual times' else '' end
            as violation
    from steps
    inner join work_orders
        on steps.work_order_id = work_orders.work_order_id
    where steps.step_status <> case steps.work_order_status
            when 'released' then 'pending'
            else 'skipped'
        end
        or steps.quantity_in <> 0
        or steps.quantity_out <> 0
        or steps.quantity_scrapped <> 0
        or steps.actual_start_at is not null
        or steps.actual_end_at is not null

)

select * from work_order_violations
union all
select * from step_violations
