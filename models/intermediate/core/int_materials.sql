-- Every material stock can hold, one row per part and per product: material_code is the part
-- number of a part or the SKU of a product. A lot, sublot or transaction names its material by
-- part_id or product_id (exactly one of them); join it here on both ids:
--     on materials.part_id is not distinct from x.part_id
--         and materials.product_id is not distinct from x.product_id
-- load_id is the load of the latest version of the part or product, for incremental models
-- that rebuild when a material changed (in_unconsumed_loads()).

with parts as (

    select part_id, part_number, load_id from {{ ref('stg_plantledger__parts') }}

),

products as (

    select product_id, sku, load_id from {{ ref('stg_plantledger__products') }}

),

final as (

    select
        'part' as material_type,
        part_id,
        cast(null as bigint) as product_id,
        part_number as material_code,
        load_id
    from parts

    union all

    select
        'product' as material_type,
        cast(null as bigint) as part_id,
        product_id,
        sku as material_code,
        load_id
    from products

)

select * from final
