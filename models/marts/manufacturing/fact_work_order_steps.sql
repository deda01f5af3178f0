{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='work_order_id',
    on_schema_change='fail',
    keep_unchanged_rows=false
) }}
-- keep_unchanged_rows false: nearly every step of a reprocessed work order changes: written whole
-- depends_on: {{ ref('int_load_window') }}

-- One row per work order step: what went in, came out and was scrapped, how long it took,
-- the hours booked and what they cost at the work centre's hourly rate. Carries the
-- neighbouring steps' quantities for the step-chain checks (int_work_order_steps__positioned).
--
-- Incremental (delete+insert on work_order_id): a run rebuilds the steps of the work orders
-- with a new version of themselves or of a step in a load not consumed yet; a changed routing
-- or work centre rebuilds every work order (input_load_id). Work orders and steps are never
-- deleted.

with steps as (

    select * from {{ ref('int_work_order_steps__positioned') }}
    {%- if is_incremental() %}
    where {{ in_unconsumed_loads('input_load_id') }}
    {%- endif %}

),

final as (

    select
        work_order_step_id,
        work_order_id,
        facility_id,
        product_id,
        routing_step_id,
        step_sequence,
        step_number,
        step_count,
        is_first_step,
        is_last_step,
        operation_name,
        work_center_id,
        planned_work_center_id,
        is_alternate_work_center,
        step_status,
        work_order_status,
        work_order_quantity_planned,
        quantity_in,
        quantity_out,
        quantity_scrapped,
        previous_step_quantity_out,
        previous_step_status,
        yield_rate,
        scrap_rate,
        planned_start_at,
        actual_start_at,
        actual_end_at,
        previous_step_actual_end_at,
        actual_duration_hours,
        standard_duration_hours,
        labor_hours,
        machine_hours,
        hourly_rate_usd,
        labor_cost_usd,
        machine_cost_usd
    from steps

)

select * from final
