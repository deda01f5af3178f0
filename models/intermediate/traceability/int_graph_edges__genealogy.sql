{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key=['source_table', 'source_id'],
    keys_placeholder_column='relationship',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}
-- depends_on: {{ ref('stg_plantledger__shipment_sublots') }}

-- The genealogy edges of graph_edges: the lot genealogy int_genealogy_edges holds (SuppliedLot,
-- HasSublot, ConsumedBy, ProducedSublot, ShippedIn), its integer node ids turned into business
-- codes with each edge's detail, plus OfMaterial (lot -> its part or product). Each edge names
-- the source row it comes from (source_table, source_id): a lot for SuppliedLot and OfMaterial,
-- a sublot for HasSublot, ConsumedBy (its consumption) and ProducedSublot (its receipt), a
-- shipment for ShippedIn.
--
-- Incremental (strategy 'keys', macros/incremental_keys.sql): a run rebuilds the edges of the
-- lots, sublots and shipments with a version in a load not consumed yet, and of the sublots
-- with an event in the window (int_window_sublots: their consumption and receipt); a changed
-- supplier, part or product rebuilds everything, as the codes it names may have changed.

with genealogy as (

    select * from {{ ref('int_genealogy_edges') }}

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

sublots as (

    select * from {{ ref('stg_plantledger__material_sublots') }}

),

work_orders as (

    select work_order_id, wo_number from {{ ref('stg_plantledger__work_orders') }}

),

shipments as (

    select * from {{ ref('stg_plantledger__shipments') }}

),

{%- if is_incremental() %}

master_changed as (

    select exists (
        select 1 from suppliers where {{ in_unconsumed_loads() }}
        union all
        select 1 from materials where {{ in_unconsumed_loads() }}
    ) as is_changed

),

changed_lots as (

    select material_lot_id
    from lots
    where {{ in_unconsumed_loads() }} or (select is_changed from master_changed)

),

changed_sublots as (

    select material_sublot_id
    from sublots
    where {{ in_unconsumed_loads() }}
        or material_lot_id in (select material_lot_id from changed_lots)
        or (select is_changed from master_changed)

),

changed_sources as (

    select 'material_lots' as source_table, material_lot_id as source_id
    from changed_lots

    union

    select 'material_sublots', material_sublot_id
    from changed_sublots

    union

    select source_table, material_sublot_id
    from {{ ref('int_window_sublots') }}
    cross join (values ('sublot_consumption'), ('work_order_outputs')) as kinds (source_table)

    union

    select source_table, material_sublot_id
    from changed_sublots
    cross join (values ('sublot_consumption'), ('work_order_outputs')) as kinds (source_table)

    union

    select 'shipments', shipment_id
    from shipments
    where {{ in_unconsumed_loads() }}

    union

    select 'shipments', shipment_id
    from {{ ref('stg_plantledger__shipment_sublots') }}
    where {{ in_unconsumed_loads() }}
        or material_sublot_id in (select material_sublot_id from changed_sublots)

),

{%- endif %}

keyed_genealogy as (

    -- each edge of the genealogy with the source row it comes from
    select
        case relationship
            when 'SuppliedLot' then 'material_lots'
            when 'HasSublot' then 'material_sublots'
            when 'ConsumedBy' then 'sublot_consumption'
            when 'ProducedSublot' then 'work_order_outputs'
            when 'ShippedIn' then 'shipments'
        end as source_table,
        case when relationship = 'ConsumedBy' then from_node_id else to_node_id end as source_id,
        *
    from genealogy
    where relationship in ('SuppliedLot', 'HasSublot', 'ConsumedBy', 'ProducedSublot', 'ShippedIn')

),

scoped_genealogy as (

    select * from keyed_genealogy
    {%- if is_incremental() %}
    where (source_table, source_id) in (select source_table, source_id from changed_sources)
    {%- endif %}

),

scoped_lots as (

    select * from lots
    {%- if is_incremental() %}
    where material_lot_id in (select material_lot_id from changed_lots)
    {%- endif %}

),

edges as (

    -- SuppliedLot: supplier -> the lot it delivered (detail: the supplier's lot number)
    select
        scoped_genealogy.source_table,
        scoped_genealogy.source_id,
        'SuppliedLot' as relationship,
        'Supplier' as from_node_type, suppliers.supplier_code as from_node_key,
        'MaterialLot' as to_node_type, lots.lot_code as to_node_key,
        scoped_genealogy.occurred_at as valid_from,
        cast(null as {{ type_timestamptz() }}) as valid_to,
        scoped_genealogy.quantity,
        lots.supplier_lot_number as edge_detail
    from scoped_genealogy
    inner join suppliers
        on scoped_genealogy.from_node_id = suppliers.supplier_id
    inner join lots
        on scoped_genealogy.to_node_id = lots.material_lot_id
    where scoped_genealogy.relationship = 'SuppliedLot'

    union all

    -- OfMaterial: lot -> the part or product it holds
    select
        'material_lots', lots.material_lot_id,
        'OfMaterial',
        'MaterialLot', lots.lot_code,
        case when lots.part_id is not null then 'Part' else 'Product' end,
        materials.material_code,
        lots.created_at, null, lots.lot_quantity, null
    from scoped_lots as lots
    left join materials
        on lots.part_id is not distinct from materials.part_id
        and lots.product_id is not distinct from materials.product_id

    union all

    -- HasSublot: lot -> each of its sublots (initial quantity)
    select
        scoped_genealogy.source_table, scoped_genealogy.source_id,
        'HasSublot',
        'MaterialLot', lots.lot_code,
        'MaterialSublot', sublots.sublot_code,
        scoped_genealogy.occurred_at, null, scoped_genealogy.quantity, null
    from scoped_genealogy
    inner join sublots
        on scoped_genealogy.to_node_id = sublots.material_sublot_id
    inner join lots
        on scoped_genealogy.from_node_id = lots.material_lot_id
    where scoped_genealogy.relationship = 'HasSublot'

    union all

    -- ConsumedBy: component sublot -> work order it was issued to (issued less returned)
    select
        scoped_genealogy.source_table, scoped_genealogy.source_id,
        'ConsumedBy',
        'MaterialSublot', sublots.sublot_code,
        'WorkOrder', work_orders.wo_number,
        scoped_genealogy.occurred_at, null, scoped_genealogy.quantity,
        case when sublots.part_id is not null then 'part' else 'product' end
    from scoped_genealogy
    left join sublots
        on scoped_genealogy.from_node_id = sublots.material_sublot_id
    left join work_orders
        on scoped_genealogy.to_node_id = work_orders.work_order_id
    where scoped_genealogy.relationship = 'ConsumedBy'

    union all

    -- ProducedSublot: work order -> sublot it produced (received quantity)
    select
        scoped_genealogy.source_table, scoped_genealogy.source_id,
        'ProducedSublot',
        'WorkOrder', work_orders.wo_number,
        'MaterialSublot', sublots.sublot_code,
        scoped_genealogy.occurred_at, null, scoped_genealogy.quantity,
        case when sublots.part_id is not null then 'part' else 'product' end
    from scoped_genealogy
    left join sublots
        on scoped_genealogy.to_node_id = sublots.material_sublot_id
    left join work_orders
        on scoped_genealogy.from_node_id = work_orders.work_order_id
    where scoped_genealogy.relationship = 'ProducedSublot'

    union all

    -- ShippedIn: sublot -> the shipment it left in
    select
        scoped_genealogy.source_table, scoped_genealogy.source_id,
        'ShippedIn',
        'MaterialSublot', sublots.sublot_code,
        'Shipment', shipments.shipment_number,
        scoped_genealogy.occurred_at, shipments.delivered_at, scoped_genealogy.quantity,
        shipments.shipment_type
    from scoped_genealogy
    inner join sublots
        on scoped_genealogy.from_node_id = sublots.material_sublot_id
    inner join shipments
        on scoped_genealogy.to_node_id = shipments.shipment_id
    where scoped_genealogy.relationship = 'ShippedIn'

),

final as (

    select 'genealogy' as relationship_group, *
    from edges
    {%- if is_incremental() %}

    union all

    -- every changed source also gets a placeholder: it deletes its old edges (strategy 'keys')
    select
        'genealogy', changed_sources.source_table, changed_sources.source_id,
        null, null, null, null, null, null, null, null, null
    from changed_sources
    {%- endif %}

)

select * from final
