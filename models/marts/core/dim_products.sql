-- Products with their components' cost and their routing (the joins: int_products__summarized).

with products as (

    select * from {{ ref('int_products__summarized') }}

),

final as (

    select
        product_id,
        sku,
        product_name,
        product_category,
        list_price,
        is_active,
        launch_date,
        discontinued_date,
        component_count,
        component_units_per_unit,
        standard_material_cost,
        current_routing_step_count,
        routing_setup_mins,
        routing_run_mins_per_unit
    from products

)

select * from final
