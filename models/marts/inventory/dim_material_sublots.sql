{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='material_sublot_id',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('stg_plantledger__storage_locations') }}

-- Every sublot with its lot, material and origin, and its current state as the source system
-- states it (location, quantity, status), which the journal replay reproduces.
--
-- Incremental (delete+insert on material_sublot_id): a run rebuilds the sublots with a version
-- in a load not consumed yet, of a lot or at a storage location of such a load; a changed part,
-- product or facility rebuilds every sublot. Sublots are never deleted.

with all_sublots as (

    select * from {{ ref('stg_plantledger__material_sublots') }}

),

sublots as (

    select * from all_sublots
    {%- if is_incremental() %}
    where {{ in_unconsumed_loads() }}
        or material_lot_id in (
            select material_lot_id from {{ ref('stg_plantledger__material_lots') }}
            where {{ in_unconsumed_loads() }}
        )
        or storage_location_id in (
            select storage_location_id from {{ ref('stg_plantledger__storage_locations') }}
            where {{ in_unconsumed_loads() }}
        )
        or exists (
            select 1 from {{ ref('int_materials') }} where {{ in_unconsumed_loads() }}
            union all
            select 1 from {{ ref('stg_plantledger__facilities') }} where {{ in_unconsumed_loads() }}
        )
    {%- endif %}

),

lots as (

    select material_lot_id, lot_code, supplier_id, work_order_id
    from {{ ref('stg_plantledger__material_lots') }}

),

materials as (

    select part_id, product_id, material_code from {{ ref('int_materials') }}

),

locations as (

    select storage_location_id, location_code, location_type
    from {{ ref('int_storage_locations') }}
    where storage_location_id is not null

),

facilities as (

    select facility_id, facility_code from {{ ref('stg_plantledger__facilities') }}

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
        sublots.updated_at
    from sublots
    left join lots
        on sublots.material_lot_id = lots.material_lot_id
    left join materials
        on sublots.part_id is not distinct from materials.part_id
        and sublots.product_id is not distinct from materials.product_id
    left join locations
        on sublots.storage_location_id = locations.storage_location_id
    left join facilities
        on sublots.facility_id = facilities.facility_id

)

select * from final
