{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='work_order_id',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_material_transactions__screened') }}

-- One row per work order: plan versus actual, the step roll-up, the material it drew and
-- produced (from its material transactions), hours and costs. The columns the work-order
-- rules compare (step scrap, last step output, receipts, issues) sit side by side.
--
-- Incremental (delete+insert on work_order_id): a run rebuilds the work orders with a new
-- version of themselves, of their order or of a step in a load not consumed yet, or with a
-- screened material transaction in the window; a changed product, facility, routing or work
-- centre rebuilds every work order (int_work_orders__joined.input_load_id). Work orders are
-- never deleted.

with all_work_orders as (

    select * from {{ ref('int_work_orders__joined') }}

),

{%- if is_incremental() %}

changed_work_orders as (

    select work_order_id from all_work_orders
    where {{ in_unconsumed_loads('input_load_id') }}
    union
    select work_order_id from {{ ref('int_material_transactions__screened') }}
    where {{ in_lookback('transacted_at') }}

),

{%- endif %}

work_orders as (

    select * from all_work_orders
    {%- if is_incremental() %}
    where work_order_id in (select work_order_id from changed_work_orders)
    {%- endif %}

),

steps as (

    select * from {{ ref('fact_work_order_steps') }}
    {%- if is_incremental() %}
    where work_order_id in (select work_order_id from changed_work_orders)
    {%- endif %}

),

transactions as (

    select * from {{ ref('fact_material_transactions') }}
    {%- if is_incremental() %}
    where work_order_id in (select work_order_id from changed_work_orders)
    {%- endif %}

),

step_rollup as (

    select
        work_order_id,
        count(*) as step_count,
        sum(case when step_status = 'completed' then 1 else 0 end) as completed_step_count,
        sum(case when step_status = 'in_progress' then 1 else 0 end) as in_progress_step_count,
        sum(case when step_status = 'pending' then 1 else 0 end) as pending_step_count,
        sum(case when step_status = 'skipped' then 1 else 0 end) as skipped_step_count,
        sum(quantity_scrapped) as step_quantity_scrapped,
        max(case when is_last_step then quantity_out end) as last_step_quantity_out,
        max(case when is_last_step then step_status end) as last_step_status,
        max(case when is_last_step then actual_end_at end) as last_step_actual_end_at,
        min(actual_start_at) as first_step_actual_start_at,
        {{ ordered_sum("labor_hours", "step_number") }} as labor_hours,  -- in step order: a float sum is deterministic only in a fixed order
        {{ ordered_sum("machine_hours", "step_number") }} as machine_hours,
        sum(labor_cost_usd) as labor_cost_usd,
        sum(machine_cost_usd) as machine_cost_usd
    from steps
    group by work_order_id

),

transaction_rollup as (

    select
        work_order_id,
        count(*) as material_transaction_count,
        sum(case when transaction_type = 'issue_to_wo' then quantity else 0 end) as issued_quantity,
        sum(case when transaction_type = 'return_to_stock' then quantity else 0 end) as returned_quantity,
        sum(case when transaction_type = 'scrap' then quantity else 0 end) as scrapped_material_quantity,
        sum(case when transaction_type = 'receipt_from_wo' then quantity else 0 end) as received_quantity,
        sum(case when transaction_type = 'receipt_from_wo' then 1 else 0 end) as receipt_count,
        sum(case when transaction_type = 'issue_to_wo' then transaction_value_usd else 0 end)
            - sum(case when transaction_type = 'return_to_stock' then transaction_value_usd else 0 end)
            as net_material_cost_usd,
        sum(case when transaction_type = 'scrap' then transaction_value_usd else 0 end)
            as scrapped_material_cost_usd,
        sum(case when transaction_type = 'receipt_from_wo' then transaction_value_usd else 0 end)
            as received_value_usd,
        min(case when transaction_type = 'issue_to_wo' then transacted_at end) as first_issue_at,
        max(case when transaction_type = 'issue_to_wo' then transacted_at end) as last_issue_at,
        min(case when transaction_type = 'return_to_stock' then transacted_at end) as first_return_at,
        min(case when transaction_type = 'receipt_from_wo' then transacted_at end) as first_receipt_at,
        max(case when transaction_type = 'receipt_from_wo' then transacted_at end) as last_receipt_at
    from transactions
    group by work_order_id

),

final as (

    select
        work_orders.work_order_id,
        work_orders.wo_number,
        work_orders.product_id,
        work_orders.sku,
        work_orders.facility_id,
        work_orders.facility_code,
        work_orders.order_id,
        work_orders.order_number,
        work_orders.customer_id,
        work_orders.order_type,
        work_orders.priority,
        work_orders.work_order_status,
        work_orders.work_order_status in ('in_progress', 'quality_hold', 'completed') as is_started,
        work_orders.quantity_planned,
        work_orders.quantity_completed,
        work_orders.quantity_scrapped,
        case when work_orders.quantity_planned > 0
            then cast(work_orders.quantity_completed as {{ dbt.type_float() }}) / work_orders.quantity_planned
        end as completion_rate,
        case when work_orders.quantity_completed + work_orders.quantity_scrapped > 0
            then cast(work_orders.quantity_completed as {{ dbt.type_float() }})
                / (work_orders.quantity_completed + work_orders.quantity_scrapped)
        end as yield_rate,
        case when work_orders.quantity_completed + work_orders.quantity_scrapped > 0
            then cast(work_orders.quantity_scrapped as {{ dbt.type_float() }})
                / (work_orders.quantity_completed + work_orders.quantity_scrapped)
        end as scrap_rate,
        work_orders.planned_start_date,
        work_orders.planned_end_date,
        work_orders.actual_start_at,
        work_orders.actual_end_at,
        {{ to_local_time('work_orders.actual_start_at', 'work_orders.facility_timezone') }} as actual_start_local_at,
        {{ to_local_time('work_orders.actual_end_at', 'work_orders.facility_timezone') }} as actual_end_local_at,
        {{ utc_date('work_orders.actual_start_at') }} as actual_start_date,
        {{ utc_date('work_orders.actual_end_at') }} as actual_end_date,
        {{ dbt.datediff('work_orders.planned_start_date', 'work_orders.planned_end_date', 'day') }}
            as planned_duration_days,
        {{ hours_between('work_orders.actual_start_at', 'work_orders.actual_end_at') }}
            as actual_duration_hours,
        coalesce(step_rollup.step_count, 0) as step_count,
        coalesce(step_rollup.completed_step_count, 0) as completed_step_count,
        coalesce(step_rollup.in_progress_step_count, 0) as in_progress_step_count,
        coalesce(step_rollup.pending_step_count, 0) as pending_step_count,
        coalesce(step_rollup.skipped_step_count, 0) as skipped_step_count,
        coalesce(step_rollup.step_quantity_scrapped, 0) as step_quantity_scrapped,
        coalesce(step_rollup.last_step_quantity_out, 0) as last_step_quantity_out,
        step_rollup.last_step_status,
        step_rollup.last_step_actual_end_at,
        step_rollup.first_step_actual_start_at,
        coalesce(transaction_rollup.material_transaction_count, 0) as material_transaction_count,
        coalesce(transaction_rollup.issued_quantity, 0) as issued_quantity,
        coalesce(transaction_rollup.returned_quantity, 0) as returned_quantity,
        coalesce(transaction_rollup.scrapped_material_quantity, 0) as scrapped_material_quantity,
        coalesce(transaction_rollup.received_quantity, 0) as received_quantity,
        coalesce(transaction_rollup.receipt_count, 0) as receipt_count,
        transaction_rollup.first_issue_at,
        transaction_rollup.last_issue_at,
        transaction_rollup.first_return_at,
        transaction_rollup.first_receipt_at,
        transaction_rollup.last_receipt_at,
        coalesce(step_rollup.labor_hours, 0) as labor_hours,
        coalesce(step_rollup.machine_hours, 0) as machine_hours,
        cast(coalesce(step_rollup.labor_cost_usd, 0) as decimal(16, 2)) as labor_cost_usd,
        cast(coalesce(step_rollup.machine_cost_usd, 0) as decimal(16, 2)) as machine_cost_usd,
        cast(coalesce(transaction_rollup.net_material_cost_usd, 0) as decimal(16, 2)) as net_material_cost_usd,
        cast(coalesce(transaction_rollup.scrapped_material_cost_usd, 0) as decimal(16, 2)) as scrapped_material_cost_usd,
        cast(
            coalesce(step_rollup.labor_cost_usd, 0) + coalesce(step_rollup.machine_cost_usd, 0)
            + coalesce(transaction_rollup.net_material_cost_usd, 0)
            + coalesce(transaction_rollup.scrapped_material_cost_usd, 0)
            as decimal(16, 2)
        ) as total_cost_usd,
        work_orders.created_at,
        work_orders.updated_at
    from work_orders
    left join step_rollup
        on work_orders.work_order_id = step_rollup.work_order_id
    left join transaction_rollup
        on work_orders.work_order_id = transaction_rollup.work_order_id

)

select * from final
