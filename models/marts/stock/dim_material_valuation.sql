-- The valuation of every material (docs block stock_valuation): one row per part and per
-- product with its description, unit of measure and standard unit cost. This model is the one
-- place that holds the valuation method; every stock value in the stock marts and reports is
-- quantity times standard_unit_cost from here.
--
-- Parts: the standard cost of the part master (dim_parts.unit_cost).
-- Products: rolled up from the product's bill (each component part's standard cost times its
-- quantity per unit, dim_products.standard_material_cost) plus the conversion cost of its
-- current routing (run time at the work center's hourly rate, int_product_conversion_costs).
-- Products are counted in pieces ('each').

with parts as (

    select * from {{ ref('dim_parts') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

conversion_costs as (

    select * from {{ ref('int_product_conversion_costs') }}

),

part_valuation as (

    select
        'part' as material_type,
        part_number as material_code,
        part_id,
        cast(null as bigint) as product_id,
        part_description as material_description,
        part_category as material_category,
        base_uom as unit_of_measure,
        cast(unit_cost as decimal(14, 4)) as material_cost_per_unit,
        cast(0 as decimal(14, 4)) as conversion_cost_per_unit,
        cast(unit_cost as decimal(14, 4)) as standard_unit_cost,
        'standard cost (part master)' as valuation_method,
        min_stock_level
    from parts

),

product_valuation as (

    select
        'product' as material_type,
        products.sku as material_code,
        cast(null as bigint) as part_id,
        products.product_id,
        products.product_name as material_description,
        products.product_category as material_category,
        'each' as unit_of_measure,
        cast(products.standard_material_cost as decimal(14, 4)) as material_cost_per_unit,
        coalesce(conversion_costs.conversion_cost_per_unit, 0) as conversion_cost_per_unit,
        cast(
            products.standard_material_cost
            + coalesce(conversion_costs.conversion_cost_per_unit, 0)
            as decimal(14, 4)
        ) as standard_unit_cost,
        'standard cost rolled up (bill of components + routing run time)' as valuation_method,
        cast(null as integer) as min_stock_level
    from products
    left join conversion_costs
        on products.product_id = conversion_costs.product_id

),

final as (

    select * from part_valuation
    union all
    select * from product_valuation

)

select * from final
