-- Every sublot with its lot, material and origin, and its current state as the source system
-- states it (location, quantity, status) with the location's code and type
-- (dim_material_sublots), and input_load_id: the latest load that brought a version of a row
-- the sublot's row is built from (the sublot, its lot, its storage location, or any part,
-- product or facility, whose codes every sublot may name).

with sublots as (

    select * from {{ ref('stg_plantledger__material_sublots') }}

),

lots as (

    select material_lot_id, lot_code, supplier_id, work_order_id, load_id
    from {{ ref('stg_plantledger__material_lots') }}

),

materials as (

    select part_id, product_id, material_code, load_id from {{ ref('int_materials') }}

),

locations as (

    select storage_location_id, location_code, location_type
    from {{ ref('int_storage_locations') }}
    where storage_location_id is not null

),

location_loads as (

    select storage_location_id, load_id from {{ ref('stg_plantledger__storage_locations') }}

),

facilities as (

    select facility_id, facility_code, load_id from {{ ref('stg_plantledger__facilities') }}

),

master_loads as (

    select greatest(materials_load_id, facilities_load_id) as master_load_id
    from {{ ref('int_master_data_loads') }}

),

final as (

    select
        sublots.material_sublot_id,
        sublots.sublot_code,
        sublots.material_lot_id,
        lots.lot_code,
        case when sublots.part_id is not null then 'part' else 'product' end as material_type,
        materials.material_code,
        sublots.part_id,
        sublots.product_id,
        lots.supplier_id,
        lots.work_order_id,
        sublots.initial_quantity,
        sublots.quantity,
        sublots.sublot_status,
        sublots.quantity > 0 as holds_stock,
        sublots.facility_id,
        facilities.facility_code,
        sublots.storage_location_id,
        locations.location_code,
        locations.location_type,
        sublots.created_at,
        sublots.updated_at,
        greatest(
            sublots.load_id, lots.load_id, location_loads.load_id, master_loads.master_load_id
        ) as input_load_id
    from sublots
    left join lots
        on sublots.material_lot_id = lots.material_lot_id
    left join materials
        on sublots.part_id is not distinct from materials.part_id
        and sublots.product_id is not distinct from materials.product_id
    left join locations
        on sublots.storage_location_id = locations.storage_location_id
    left join location_loads
        on sublots.storage_location_id = location_loads.storage_location_id
    left join facilities
        on sublots.facility_id = facilities.facility_id
    cross join master_loads

)

select * from final
