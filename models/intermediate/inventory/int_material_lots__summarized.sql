-- Every material lot with its material, origin (supplier or work order) and its sublots'
-- count and initial quantity (dim_material_lots), and input_load_id: the latest load that
-- brought a version of a row the lot's row is built from (the lot, one of its sublots, its
-- work order, or any part, product or supplier, whose codes every lot may name).

with lots as (

    select * from {{ ref('stg_plantledger__material_lots') }}

),

sublots as (

    select
        material_lot_id,
        count(*) as sublot_count,
        sum(initial_quantity) as sublot_initial_quantity,
        max(load_id) as sublot_load_id
    from {{ ref('stg_plantledger__material_sublots') }}
    group by material_lot_id

),

materials as (

    select part_id, product_id, material_code, load_id from {{ ref('int_materials') }}

),

suppliers as (

    select supplier_id, supplier_code, load_id from {{ ref('stg_plantledger__suppliers') }}

),

work_orders as (

    select work_order_id, wo_number, load_id from {{ ref('stg_plantledger__work_orders') }}

),

master_loads as (

    select greatest(materials_load_id, suppliers_load_id) as master_load_id
    from {{ ref('int_master_data_loads') }}

),

final as (

    select
        lots.material_lot_id,
        lots.lot_code,
        case when lots.part_id is not null then 'part' else 'product' end as material_type,
        materials.material_code,
        lots.part_id,
        lots.product_id,
        case when lots.work_order_id is not null then 'work_order' else 'supplier' end as lot_origin,
        lots.supplier_id,
        suppliers.supplier_code,
        lots.supplier_lot_number,
        lots.work_order_id,
        work_orders.wo_number,
        lots.lot_quantity,
        coalesce(sublots.sublot_count, 0) as sublot_count,
        coalesce(sublots.sublot_initial_quantity, 0) as sublot_initial_quantity,
        lots.created_at,
        greatest(
            lots.load_id, sublots.sublot_load_id, work_orders.load_id, master_loads.master_load_id
        ) as input_load_id
    from lots
    left join sublots
        on lots.material_lot_id = sublots.material_lot_id
    left join materials
        on lots.part_id is not distinct from materials.part_id
        and lots.product_id is not distinct from materials.product_id
    left join suppliers
        on lots.supplier_id = suppliers.supplier_id
    left join work_orders
        on lots.work_order_id = work_orders.work_order_id
    cross join master_loads

)

select * from final
