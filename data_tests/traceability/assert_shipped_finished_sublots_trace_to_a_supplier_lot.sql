-- Every sublot a work order produced and that was shipped traces back, through its genealogy,
-- to at least one supplier lot. Returns the shipped finished sublots that do not.

with shipped_finished_sublots as (

    select distinct
        shipment_sublots.material_sublot_id,
        outputs.sublot_code,
        outputs.wo_number
    from {{ ref('stg_plantledger__shipment_sublots') }} as shipment_sublots
    inner join {{ ref('int_work_order_outputs') }} as outputs
        on shipment_sublots.material_sublot_id = outputs.material_sublot_id

),

supplier_lots_in as (

    select finished_sublot_id, count(distinct component_lot_id) as supplier_lot_count
    from {{ ref('fact_sublot_genealogy') }}
    where is_supplier_material
    group by finished_sublot_id

)

select
    shipped_finished_sublots.material_sublot_id,
    shipped_finished_sublots.sublot_code,
    shipped_finished_sublots.wo_number
from shipped_finished_sublots
left join supplier_lots_in
    on shipped_finished_sublots.material_sublot_id = supplier_lots_in.finished_sublot_id
where supplier_lots_in.finished_sublot_id is null
