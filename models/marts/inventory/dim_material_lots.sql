{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='material_lot_id',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- Every material lot with its material, origin (supplier or work order) and its sublots'
-- count and initial quantity (int_material_lots__summarized).
--
-- Incremental (delete+insert on material_lot_id): a run rebuilds the lots with a version, or a
-- sublot with a version, in a load not consumed yet, and the lots of work orders with such a
-- version; a changed part, product or supplier rebuilds every lot (input_load_id). Lots are
-- never deleted.

with lots as (

    select * from {{ ref('int_material_lots__summarized') }}
    {%- if is_incremental() %}
    where {{ in_unconsumed_loads('input_load_id') }}
    {%- endif %}

),

final as (

    select
        material_lot_id,
        lot_code,
        material_type,
        material_code,
        part_id,
        product_id,
        lot_origin,
        supplier_id,
        supplier_code,
        supplier_lot_number,
        work_order_id,
        wo_number,
        lot_quantity,
        sublot_count,
        sublot_initial_quantity,
        created_at
    from lots

)

select * from final
