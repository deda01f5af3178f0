{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='work_order_id',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- One row per work order step: what went in, came out and was scrapped, how long it took,
-- the hours booked and what they cost at the work centre's hourly rate. Carries the
-- neighbouring steps' quantities for the step-chain checks.
--
-- Incremental (delete+insert on work_order_id): a run rebuilds the steps of the work orders
-- with a new version of themselves or of a step in a load not consumed yet; a changed routing
-- or work centre rebuilds every work order. Work orders and steps are never deleted.

with all_steps as (

    select * from {{ ref('stg_plantledger__work_order_steps') }}

),

{%- if is_incremental() %}

changed_work_orders as (

    select work_order_id from all_steps where {{ in_unconsumed_loads() }}
    union
    select work_order_id from {{ ref('stg_plantledger__work_orders') }}
    where {{ in_unconsumed_loads() }}
        or exists (
            select 1 from {{ ref('stg_plantledger__production_routings') }}
            where {{ in_unconsumed_loads() }}
            union all
            select 1 from {{ ref('stg_plantledger__work_centers') }}
            where {{ in_unconsumed_loads() }}
        )

),

{%- endif %}

steps as (

    select * from all_steps
    {%- if is_incremental() %}
    where work_order_id in (select work_order_id from changed_work_orders)
    {%- endif %}

),

routings as (

    select * from {{ ref('stg_plantledger__production_routings') }}

),

work_centers as (

    select work_center_id, hourly_rate_usd from {{ ref('stg_plantledger__work_centers') }}

),

work_orders as (

    select work_order_id, facility_id, product_id, quantity_planned, work_order_status
    from {{ ref('stg_plantledger__work_orders') }}

),

positioned as (

    select
        steps.*,
        row_number() over (partition by work_order_id order by step_sequence, work_order_step_id)
            as step_number,
        count(*) over (partition by work_order_id) as step_count,
        lag(quantity_out) over (partition by work_order_id order by step_sequence, work_order_step_id)
            as previous_step_quantity_out,
        lag(step_status) over (partition by work_order_id order by step_sequence, work_order_step_id)
            as previous_step_status,
        lag(actual_end_at) over (partition by work_order_id order by step_sequence, work_order_step_id)
            as previous_step_actual_end_at
    from steps

),

final as (

    select
        positioned.work_order_step_id,
        positioned.work_order_id,
        work_orders.facility_id,
        work_orders.product_id,
        positioned.routing_step_id,
        positioned.step_sequence,
        positioned.step_number,
        positioned.step_count,
        positioned.step_number = 1 as is_first_step,
        positioned.step_number = positioned.step_count as is_last_step,
        routings.operation_name,
        positioned.work_center_id,
        routings.work_center_id as planned_work_center_id,
        positioned.work_center_id <> routings.work_center_id as is_alternate_work_center,
        positioned.step_status,
        work_orders.work_order_status,
        work_orders.quantity_planned as work_order_quantity_planned,
        positioned.quantity_in,
        positioned.quantity_out,
        positioned.quantity_scrapped,
        positioned.previous_step_quantity_out,
        positioned.previous_step_status,
        case when positioned.quantity_in > 0
            then cast(positioned.quantity_out as {{ dbt.type_float() }}) / positioned.quantity_in
        end as yield_rate,
        case when positioned.quantity_in > 0
            then cast(positioned.quantity_scrapped as {{ dbt.type_float() }}) / positioned.quantity_in
        end as scrap_rate,
        positioned.planned_start_at,
        positioned.actual_start_at,
        positioned.actual_end_at,
        positioned.previous_step_actual_end_at,
        {{ hours_between('positioned.actual_start_at', 'positioned.actual_end_at') }} as actual_duration_hours,
        (routings.setup_time_mins + routings.run_time_per_unit_mins * positioned.quantity_in) / 60.0
            as standard_duration_hours,
        positioned.labor_hours,
        positioned.machine_hours,
        work_centers.hourly_rate_usd,
        cast(positioned.labor_hours * work_centers.hourly_rate_usd as decimal(14, 2)) as labor_cost_usd,
        cast(positioned.machine_hours * work_centers.hourly_rate_usd as decimal(14, 2)) as machine_cost_usd
    from positioned
    left join routings
        on positioned.routing_step_id = routings.routing_step_id
    left join work_centers
        on positioned.work_center_id = work_centers.work_center_id
    left join work_orders
        on positioned.work_order_id = work_orders.work_order_id

)

select * from final
