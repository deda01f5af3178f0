{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='material_sublot_id',
    on_schema_change='fail',
    keep_unchanged_rows=false
) }}
-- keep_unchanged_rows false: a reprocessed sublot's row changes (its new version): written whole
-- depends_on: {{ ref('int_load_window') }}

-- Every sublot with its lot, material and origin, and its current state as the source system
-- states it (location, quantity, status), which the journal replay reproduces
-- (int_material_sublots__located).
--
-- Incremental (delete+insert on material_sublot_id): a run rebuilds the sublots with a version
-- in a load not consumed yet, of a lot or at a storage location of such a load; a changed part,
-- product or facility rebuilds every sublot (input_load_id). Sublots are never deleted.

with sublots as (

    select * from {{ ref('int_material_sublots__located') }}
    {%- if is_incremental() %}
    where {{ in_unconsumed_loads('input_load_id') }}
    {%- endif %}

),

final as (

    select
        material_sublot_id,
        sublot_code,
        material_lot_id,
        lot_code,
        material_type,
        material_code,
        part_id,
        product_id,
        supplier_id,
        work_order_id,
        initial_quantity,
        quantity,
        sublot_status,
        holds_stock,
        facility_id,
        facility_code,
        storage_location_id,
        location_code,
        location_type,
        created_at,
        updated_at
    from sublots

)

select * from final
