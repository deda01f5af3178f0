-- Parts with their suppliers, bill of materials and products (the joins: int_parts__summarized).

with parts as (

    select * from {{ ref('int_parts__summarized') }}

),

final as (

    select
        part_id,
        part_number,
        part_description,
        part_category,
        unit_cost,
        weight_kg,
        lead_time_days,
        primary_supplier_id,
        primary_supplier_code,
        is_critical,
        min_stock_level,
        base_uom,
        approved_supplier_count,
        lowest_supplier_unit_cost,
        current_component_count,
        product_count,
        created_at
    from parts

)

select * from final
