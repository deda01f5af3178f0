-- Every product with its components' count and standard material cost and its current
-- routing's steps and times (dim_products).

with products as (

    select * from {{ ref('stg_plantledger__products') }}

),

components as (

    select
        product_components.product_id,
        count(*) as component_count,
        sum(product_components.quantity_per_unit) as component_units_per_unit,
        sum(product_components.quantity_per_unit * parts.unit_cost) as standard_material_cost
    from {{ ref('stg_plantledger__product_components') }} as product_components
    inner join {{ ref('stg_plantledger__parts') }} as parts
        on product_components.part_id = parts.part_id
    group by product_components.product_id

),

routings as (

    select
        product_id,
        count(*) as routing_step_count,
        sum(setup_time_mins) as routing_setup_mins,
        sum(run_time_per_unit_mins) as routing_run_mins_per_unit
    from {{ ref('stg_plantledger__production_routings') }}
    where is_active and effective_to is null
    group by product_id

),

final as (

    select
        products.product_id,
        products.sku,
        products.product_name,
        products.product_category,
        products.list_price,
        products.is_active,
        products.launch_date,
        products.discontinued_date,
        coalesce(components.component_count, 0) as component_count,
        coalesce(components.component_units_per_unit, 0) as component_units_per_unit,
        cast(coalesce(components.standard_material_cost, 0) as decimal(14, 2)) as standard_material_cost,
        coalesce(routings.routing_step_count, 0) as current_routing_step_count,
        routings.routing_setup_mins,
        routings.routing_run_mins_per_unit
    from products
    left join components
        on products.product_id = components.product_id
    left join routings
        on products.product_id = routings.product_id

)

select * from final
