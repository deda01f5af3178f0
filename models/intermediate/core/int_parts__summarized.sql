-- Every part with its primary supplier's code, its approved suppliers, current bill of
-- materials and the products that use it (dim_parts).

with parts as (

    select * from {{ ref('stg_plantledger__parts') }}

),

suppliers as (

    select supplier_id, supplier_code from {{ ref('stg_plantledger__suppliers') }}

),

part_suppliers as (

    select
        part_id,
        count(*) as approved_supplier_count,
        min(unit_cost) as lowest_supplier_unit_cost
    from {{ ref('stg_plantledger__part_suppliers') }}
    where is_approved
    group by part_id

),

bill_of_materials as (

    select
        parent_part_id as part_id,
        count(*) as component_count
    from {{ ref('stg_plantledger__bill_of_materials') }}
    where effective_to is null
    group by parent_part_id

),

used_in_products as (

    select part_id, count(distinct product_id) as product_count
    from {{ ref('stg_plantledger__product_components') }}
    group by part_id

),

final as (

    select
        parts.part_id,
        parts.part_number,
        parts.part_description,
        parts.part_category,
        parts.unit_cost,
        parts.weight_kg,
        parts.lead_time_days,
        parts.primary_supplier_id,
        suppliers.supplier_code as primary_supplier_code,
        parts.is_critical,
        parts.min_stock_level,
        parts.base_uom,
        coalesce(part_suppliers.approved_supplier_count, 0) as approved_supplier_count,
        part_suppliers.lowest_supplier_unit_cost,
        coalesce(bill_of_materials.component_count, 0) as current_component_count,
        coalesce(used_in_products.product_count, 0) as product_count,
        parts.created_at
    from parts
    left join suppliers
        on parts.primary_supplier_id = suppliers.supplier_id
    left join part_suppliers
        on parts.part_id = part_suppliers.part_id
    left join bill_of_materials
        on parts.part_id = bill_of_materials.part_id
    left join used_in_products
        on parts.part_id = used_in_products.part_id

)

select * from final
