-- depends_on: {{ ref('int_load_window') }}

-- Every work order step, positioned in its work order (step number, neighbours' quantities,
-- status and end), with its routing step, its work centre's hourly rate and its work order
-- (fact_work_order_steps), and input_load_id: the latest load that brought a version of a row
-- the step's row is built from (a step of its work order, the work order, or any routing or
-- work centre, whose rates and times every step may use).

--
-- Its one reader, fact_work_order_steps, rebuilds on an incremental run only the work orders
-- whose input_load_id is a load not consumed yet (int_load_window). When that reader runs
-- incrementally (its table exists, as dbt's is_incremental() asks), the steps are restricted to
-- those work orders before they are positioned: the work orders with a version of themselves or
-- of one of their steps in such a load, every one when a routing or work centre has one. Exact:
-- a step's position, neighbours and count depend on its own work order's steps only (the
-- windows are partitioned by work_order_id), and a work order outside that set has an
-- input_load_id already consumed, so the reader would drop its rows anyway. A daily run then
-- positions the day's work orders, not every step of the history (issue #11 item 1b); a reader
-- built anew reads every step.

{%- set window_applies = reader_runs_incrementally('fact_work_order_steps') %}

with routings as (

    select * from {{ ref('stg_plantledger__production_routings') }}

),

work_centers as (

    select work_center_id, hourly_rate_usd, load_id from {{ ref('stg_plantledger__work_centers') }}

),

master_loads as (

    select max(load_id) as master_load_id
    from (
        select load_id from routings
        union all
        select load_id from work_centers
    ) as master_rows

),
{%- if window_applies %}

changed_work_orders as (

    -- the work orders whose input_load_id is a load not consumed yet
    select work_order_id from {{ ref('stg_plantledger__work_order_steps') }}
    where {{ in_unconsumed_loads() }}
        or (select {{ in_unconsumed_loads('master_load_id') }} from master_loads)
    union
    select work_order_id from {{ ref('stg_plantledger__work_orders') }}
    where {{ in_unconsumed_loads() }}

),
{%- endif %}

steps as (

    select * from {{ ref('stg_plantledger__work_order_steps') }}
    {%- if window_applies %}
    where work_order_id in (select work_order_id from changed_work_orders)
    {%- endif %}

),

work_orders as (

    select work_order_id, facility_id, product_id, quantity_planned, work_order_status, load_id
    from {{ ref('stg_plantledger__work_orders') }}
    {%- if window_applies %}
    where work_order_id in (select work_order_id from changed_work_orders)
    {%- endif %}

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
            as previous_step_actual_end_at,
        max(load_id) over (partition by work_order_id) as steps_load_id
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
        cast(positioned.machine_hours * work_centers.hourly_rate_usd as decimal(14, 2)) as machine_cost_usd,
        greatest(
            positioned.steps_load_id, work_orders.load_id, master_loads.master_load_id
        ) as input_load_id
    from positioned
    left join routings
        on positioned.routing_step_id = routings.routing_step_id
    left join work_centers
        on positioned.work_center_id = work_centers.work_center_id
    left join work_orders
        on positioned.work_order_id = work_orders.work_order_id
    cross join master_loads

)

select * from final
