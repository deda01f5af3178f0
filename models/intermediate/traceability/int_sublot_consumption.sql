{{ config(
    materialized='incremental',
    incremental_strategy='sublots',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- One row per (component sublot, work order it was issued to): the genealogy link "sublot
-- consumed by work order". Issues less returns of that sublot to that work order; scrap is left
-- out (material scrapped at the line never went into the product). The component is described
-- by its lot and origin: a supplier lot for purchased parts, or the work order that made it
-- when a product sublot is consumed by another work order (an in-house subassembly).

with transactions as (

    select * from {{ ref('int_material_transactions__accepted') }}
    where transaction_type in ('issue_to_wo', 'return_to_stock')
    {%- if is_incremental() %}
        and {{ in_window_sublots('material_sublot_id') }}
    {%- endif %}

),

sublots as (

    select * from {{ ref('stg_plantledger__material_sublots') }}

),

lots as (

    select * from {{ ref('stg_plantledger__material_lots') }}

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

consumption as (

    select
        material_sublot_id,
        work_order_id,
        cast(sum(case when transaction_type = 'issue_to_wo' then quantity else 0 end) as bigint)
            as issued_quantity,
        cast(sum(case when transaction_type = 'return_to_stock' then quantity else 0 end) as bigint)
            as returned_quantity,
        cast(sum(case when transaction_type = 'issue_to_wo' then 1 else 0 end) as bigint) as issue_count,
        min(case when transaction_type = 'issue_to_wo' then transacted_at end) as first_issued_at,
        max(case when transaction_type = 'issue_to_wo' then transacted_at end) as last_issued_at
    from transactions
    group by material_sublot_id, work_order_id
    having sum(case when transaction_type = 'issue_to_wo' then quantity else 0 end) > 0

),

final as (

    select
        {{ composite_key(['consumption.material_sublot_id', 'consumption.work_order_id']) }}
            as sublot_consumption_id,
        consumption.material_sublot_id,
        sublots.sublot_code,
        sublots.material_lot_id,
        lots.lot_code,
        case when sublots.part_id is not null then 'part' else 'product' end as material_type,
        materials.material_code,
        sublots.initial_quantity as sublot_initial_quantity,
        case when lots.work_order_id is not null then 'work_order' else 'supplier' end as lot_origin,
        lots.supplier_id,
        suppliers.supplier_code,
        lots.supplier_lot_number,
        lots.work_order_id as source_work_order_id,
        consumption.work_order_id,
        work_orders.wo_number,
        consumption.issued_quantity,
        consumption.returned_quantity,
        consumption.issued_quantity - consumption.returned_quantity as net_quantity,
        consumption.issue_count,
        consumption.first_issued_at,
        consumption.last_issued_at
    from consumption
    inner join sublots
        on consumption.material_sublot_id = sublots.material_sublot_id
    left join lots
        on sublots.material_lot_id = lots.material_lot_id
    left join materials
        on sublots.part_id is not distinct from materials.part_id
        and sublots.product_id is not distinct from materials.product_id
    left join suppliers
        on lots.supplier_id = suppliers.supplier_id
    left join work_orders
        on consumption.work_order_id = work_orders.work_order_id

)

select * from final
