{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key=['source_table', 'source_id'],
    keys_placeholder_column='relationship',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- The genealogy edges of graph_edges that come from a lot (source_table material_lots):
-- SuppliedLot (supplier -> lot, from int_genealogy_edges) and OfMaterial (lot -> its part or
-- product), with business codes for the node keys (int_graph_edges__genealogy unions them with
-- the other genealogy edges).
--
-- Incremental (strategy 'keys', macros/incremental_keys.sql): a run rebuilds the edges of the
-- lots with a version in a load not consumed yet; a changed supplier, part or product
-- rebuilds everything, as the codes it names may have changed.

with genealogy as (

    select * from {{ ref('int_genealogy_edges') }}
    where relationship = 'SuppliedLot'

),

suppliers as (

    select * from {{ ref('stg_plantledger__suppliers') }}

),

materials as (

    select * from {{ ref('int_materials') }}

),

lots as (

    select * from {{ ref('stg_plantledger__material_lots') }}

),

master_load as (

    -- the newest load of the suppliers, parts and products (a changed one rebuilds every edge)
    select greatest(suppliers_load_id, materials_load_id) as load_id
    from {{ ref('int_master_data_loads') }}

),

{%- if is_incremental() %}

master_changed as (

    select {{ in_unconsumed_loads() }} as is_changed from master_load

),

changed_lots as (

    select material_lot_id
    from lots
    where {{ in_unconsumed_loads() }} or (select is_changed from master_changed)

),

{%- endif %}

scoped_genealogy as (

    -- a SuppliedLot edge comes from its lot (to_node_id)
    select * from genealogy
    {%- if is_incremental() %}
    where to_node_id in (select material_lot_id from changed_lots)
    {%- endif %}

),

scoped_lots as (

    -- input_load_id: the newest load among the rows whose new version rebuilds the lot's edges
    select lots.*, greatest(lots.load_id, (select load_id from master_load)) as input_load_id
    from lots
    {%- if is_incremental() %}
    where material_lot_id in (select material_lot_id from changed_lots)
    {%- endif %}

),

edges as (

    -- SuppliedLot: supplier -> the lot it delivered (detail: the supplier's lot number)
    select
        'material_lots' as source_table,
        scoped_genealogy.to_node_id as source_id,
        'SuppliedLot' as relationship,
        'Supplier' as from_node_type, suppliers.supplier_code as from_node_key,
        'MaterialLot' as to_node_type, lots.lot_code as to_node_key,
        scoped_genealogy.occurred_at as valid_from,
        cast(null as {{ type_timestamptz() }}) as valid_to,
        scoped_genealogy.quantity,
        lots.supplier_lot_number as edge_detail,
        lots.input_load_id
    from scoped_genealogy
    inner join suppliers
        on scoped_genealogy.from_node_id = suppliers.supplier_id
    inner join scoped_lots as lots
        on scoped_genealogy.to_node_id = lots.material_lot_id

    union all

    -- OfMaterial: lot -> the part or product it holds
    select
        'material_lots', lots.material_lot_id,
        'OfMaterial',
        'MaterialLot', lots.lot_code,
        case when lots.part_id is not null then 'Part' else 'Product' end,
        materials.material_code,
        lots.created_at, null, lots.lot_quantity, null, lots.input_load_id
    from scoped_lots as lots
    left join materials
        on lots.part_id is not distinct from materials.part_id
        and lots.product_id is not distinct from materials.product_id

),

final as (

    select 'genealogy' as relationship_group, *
    from edges
    {%- if is_incremental() %}

    union all

    -- every changed lot also gets a placeholder: it deletes its old edges (strategy 'keys')
    select
        'genealogy', 'material_lots', changed_lots.material_lot_id,
        null, null, null, null, null, null, null, null, null, null
    from changed_lots
    {%- endif %}

)

select * from final
