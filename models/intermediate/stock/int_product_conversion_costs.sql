-- Conversion cost of one unit of each product at standard: the run time of every current,
-- active routing step at the hourly rate of its work center. Setup time is spent once per work
-- order, not per unit, and there is no standard lot size to spread it over, so it is left out
-- (stated in dim_material_valuation.valuation_method).

with routings as (

    select product_id, work_center_id, run_time_per_unit_mins
    from {{ ref('stg_plantledger__production_routings') }}
    where is_active and effective_to is null

),

work_centers as (

    select work_center_id, hourly_rate_usd
    from {{ ref('stg_plantledger__work_centers') }}

),

step_costs as (

    select
        routings.product_id,
        routings.run_time_per_unit_mins * work_centers.hourly_rate_usd / 60.0 as step_cost
    from routings
    inner join work_centers
        on routings.work_center_id = work_centers.work_center_id

),

final as (

    select
        product_id,
        count(*) as costed_step_count,
        cast(sum(step_cost) as decimal(14, 4)) as conversion_cost_per_unit
    from step_costs
    group by product_id

)

select * from final
