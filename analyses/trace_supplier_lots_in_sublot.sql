-- The recall question, backwards: "which supplier lots went into this finished sublot?".
-- Every supplier lot in the sublot's genealogy (fact_sublot_genealogy, any depth), with the
-- supplier, the part and how much of it the consuming work order kept. The table macro
-- trace_backward('<sublot>') gives the whole tree.
--   dbt compile -s trace_supplier_lots_in_sublot --vars '{sublot_code: SL-000200000}'

select
    genealogy.supplier_code,
    genealogy.component_lot_code as lot_code,
    genealogy.supplier_lot_number,
    genealogy.component_material_code as part_number,
    genealogy.depth,
    genealogy.consuming_wo_number,
    count(*) as component_sublot_count,
    sum(genealogy.consumed_quantity) as consumed_quantity
from {{ ref('fact_sublot_genealogy') }} as genealogy
where genealogy.finished_sublot_code = {{ analysis_code('sublot_code', 'SL-000200000') }}
    and genealogy.is_supplier_material
group by
    genealogy.supplier_code,
    genealogy.component_lot_code,
    genealogy.supplier_lot_number,
    genealogy.component_material_code,
    genealogy.depth,
    genealogy.consuming_wo_number
order by genealogy.depth, genealogy.supplier_code, genealogy.component_lot_code
