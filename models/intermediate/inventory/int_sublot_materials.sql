-- Each sublot's material, for the journal: the part or product it holds and that material's
-- code (the part number or the SKU, from int_materials). One row per sublot of staging.

with sublots as (

    select material_sublot_id, sublot_code, part_id, product_id
    from {{ ref('stg_plantledger__material_sublots') }}

),

part_codes as (

    select part_id, material_code from {{ ref('int_materials') }}
    where material_type = 'part'

),

product_codes as (

    select product_id, material_code from {{ ref('int_materials') }}
    where material_type = 'product'

),

final as (

    select
        sublots.material_sublot_id,
        sublots.sublot_code as material_sublot_code,
        case when sublots.part_id is not null then 'part' else 'product' end as material_type,
        coalesce(part_codes.material_code, product_codes.material_code) as material_code,
        sublots.part_id,
        sublots.product_id
    from sublots
    left join part_codes
        on sublots.part_id = part_codes.part_id
    left join product_codes
        on sublots.product_id = product_codes.product_id

)

select * from final
