-- Work-order rule: timestamps are ordered and present per status.
-- Work orders: planned_start_date <= planned_end_date; created_at <= updated_at; started ones
-- have actual_start_at (created before it); completed ones have actual_end_at >= actual_start_at,
-- other statuses none. Steps: completed ones have actual start <= end; the in_progress one
-- has a start and no end; pending and skipped ones neither; a step starts after the previous
-- one ended and not before the work order started; a completed order ends after its last step.
-- Returns each violating work order or step with the rule it breaks.

with work_orders as (

    select * from {{ ref('fact_work_orders') }}

),

steps as (

    select * from {{ ref('fact_work_order_steps') }}

),

work_order_violations as (

    select
        work_order_id,
        cast(null as bigint) as work_order_step_id,
        work_order_status as status,
        case
            when planned_start_date > planned_end_date then 'planned_start_date after planned_end_date'
            when created_at > updated_at then 'created_at after updated_at'
            when is_started and actual_start_at is null then 'started without actual_start_at'
            when is_started and created_at > actual_start_at then 'created after its actual start'
            when work_order_status = 'completed' and actual_end_at is null then 'completed without actual_end_at'
            when work_order_status = 'completed' and actual_end_at < actual_start_at then 'actual_end_at before actual_start_at'
            when work_order_status <> 'completed' and actual_end_at is not null then 'actual_end_at set but not completed'
            when work_order_status = 'completed' and actual_end_at < last_step_actual_end_at then 'ended before its last step'
        end as violation
    from work_orders

),

step_violations as (

    select
        steps.work_order_id,
        steps.work_order_step_id,
        steps.step_status as status,
        case
            when steps.step_status = 'completed'
                and (steps.actual_start_at is null or steps.actual_end_at is null)
                then 'completed step without actual start and end'
            when steps.step_status = 'completed' and steps.actual_end_at < steps.actual_start_at
                then 'step ends before it starts'
            when steps.step_status = 'in_progress'
                and (steps.actual_start_at is null or steps.actual_end_at is not null)
                then 'in_progress step without a start or with an end'
            when steps.step_status in ('pending', 'skipped')
                and (steps.actual_start_at is not null or steps.actual_end_at is not null)
                then 'pending or skipped step with actual times'
            when steps.actual_start_at < steps.previous_step_actual_end_at
                then 'step starts before the previous step ended'
            when steps.actual_start_at < work_orders.actual_start_at
                then 'step starts before the work order started'
        end as violation
    from steps
    inner join work_orders
        on steps.work_order_id = work_orders.work_order_id

)

select * from work_order_violations where violation is not null
union all
select * from step_violations where violation is not null
