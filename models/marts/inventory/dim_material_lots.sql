{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='material_lot_id',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- Every material lot with its material, origin (supplier or work order) and its sublots'
-- count and initial quantity.
--
-- Incremental (delete+insert on material_lot_id): a run rebuilds the lots with a version, or a
-- sublot with a version, in a load not consumed yet, and the lots of work orders with such a
-- version; a changed part, product or supplier rebuilds every lot. Lots are never deleted.

with all_lots as (

    select * from {{ ref('stg_plantledger__material_lots') }}

),

all_sublots as (

    select * from {{ ref('stg_plantledger__material_sublots') }}

),

lots as (

    select * from all_lots
    {%- if is_incremental() %}
    where {{ in_unconsumed_loads() }}
        or material_lot_id in (select material_lot_id from all_sublots where {{ in_unconsumed_loads() }})
        or work_order_id in (
            select work_order_id from {{ ref('stg_plantledger__work_orders') }}
            where {{ in_unconsumed_loads() }}
        )
        or exists (
            select 1 from {{ ref('int_materials') }} where {{ in_unconsumed_loads() }}
            union all
            select 1 from {{ ref('stg_plantledger__suppliers') }} where {{ in_unconsumed_loads() }}
        )
    {%- endif %}

),

sublots as (

    select
        material_lot_id,
        count(*) as sublot_count,
        sum(initial_quantity) as sublot_initial_quantity
    from all_sublots
    {%- if is_incremental() %}
    where material_lot_id in (select material_lot_id from lots)
    {%- endif %}
    group by material_lot_id

),

materials as (

    select part_id, product_id, material_code from {{ ref('int_materials') }}

),

suppliers as (

    select supplier_id, supplier_code from {{ ref('stg_plantledger__suppliers') }}

),

work_orders as (

    select work_order_id, wo_number from {{ ref('stg_plantledger__work_orders') }}

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
        lots.created_at
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

)

select * from final
