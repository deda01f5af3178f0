{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='received_at',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- One row per sublot a work order produced (its receipt_from_wo): the genealogy link "work
-- order produced sublot". Normally a product sublot; written for any material, so that an
-- in-house subassembly received from a work order is an output like any other.

with receipts as (

    select * from {{ ref('int_material_transactions__accepted') }}
    where transaction_type = 'receipt_from_wo'
    {%- if is_incremental() %}
        and {{ in_lookback('transacted_at') }}
    {%- endif %}

),

sublots as (

    select * from {{ ref('stg_plantledger__material_sublots') }}

),

lots as (

    select material_lot_id, lot_code from {{ ref('stg_plantledger__material_lots') }}

),

materials as (

    select part_id, product_id, material_code from {{ ref('int_materials') }}

),

work_orders as (

    select work_order_id, wo_number, facility_id from {{ ref('stg_plantledger__work_orders') }}

),

final as (

    select
        receipts.material_sublot_id,
        sublots.sublot_code,
        sublots.material_lot_id,
        lots.lot_code,
        case when sublots.part_id is not null then 'part' else 'product' end as material_type,
        materials.material_code,
        receipts.work_order_id,
        work_orders.wo_number,
        work_orders.facility_id,
        receipts.material_transaction_id,
        receipts.transaction_number,
        receipts.quantity as received_quantity,
        receipts.transacted_at as received_at
    from receipts
    inner join sublots
        on receipts.material_sublot_id = sublots.material_sublot_id
    left join lots
        on sublots.material_lot_id = lots.material_lot_id
    left join materials
        on sublots.part_id is not distinct from materials.part_id
        and sublots.product_id is not distinct from materials.product_id
    left join work_orders
        on receipts.work_order_id = work_orders.work_order_id

)

select * from final
