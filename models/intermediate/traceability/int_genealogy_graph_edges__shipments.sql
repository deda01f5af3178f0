{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key=['source_table', 'source_id'],
    keys_placeholder_column='relationship',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_materials') }}
-- depends_on: {{ ref('stg_plantledger__material_lots') }}
-- depends_on: {{ ref('stg_plantledger__suppliers') }}
-- depends_on: {{ ref('stg_plantledger__shipment_sublots') }}

-- The genealogy edges of graph_edges that come from a shipment (source_table shipments):
-- ShippedIn (sublot -> the shipment it left in), from int_genealogy_edges with business codes
-- for the node keys (int_graph_edges__genealogy unions them with the other genealogy edges).
--
-- Incremental (strategy 'keys', macros/incremental_keys.sql): a run rebuilds the edges of the
-- shipments with a version, or a shipped sublot with a version, in a load not consumed yet,
-- and of the shipments of the sublots whose codes may have changed (a sublot or its lot with a
-- version in such a load; every sublot when a supplier, part or product changed).

with genealogy as (

    select * from {{ ref('int_genealogy_edges') }}
    where relationship = 'ShippedIn'

),

sublots as (

    select * from {{ ref('stg_plantledger__material_sublots') }}

),

shipments as (

    select * from {{ ref('stg_plantledger__shipments') }}

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
    from {{ ref('stg_plantledger__material_lots') }}
    where {{ in_unconsumed_loads() }} or (select is_changed from master_changed)

),

changed_sublots as (

    select material_sublot_id
    from sublots
    where {{ in_unconsumed_loads() }}
        or material_lot_id in (select material_lot_id from changed_lots)
        or (select is_changed from master_changed)

),

changed_shipments as (

    select shipment_id
    from shipments
    where {{ in_unconsumed_loads() }}

    union

    select shipment_id
    from {{ ref('stg_plantledger__shipment_sublots') }}
    where {{ in_unconsumed_loads() }}
        or material_sublot_id in (select material_sublot_id from changed_sublots)

),

{%- endif %}

shipment_loads as (

    -- input_load_id: the newest load among the rows whose new version rebuilds the shipment's
    -- edges (itself, its shipped-sublot rows, their sublots and lots, the master rows)
    select
        shipments.shipment_id,
        greatest(
            max(shipments.load_id), max(shipment_sublots.load_id), max(sublots.load_id),
            max(lots.load_id)
        ) as load_id
    from shipments
    left join {{ ref('stg_plantledger__shipment_sublots') }} as shipment_sublots
        on shipments.shipment_id = shipment_sublots.shipment_id
    left join sublots
        on shipment_sublots.material_sublot_id = sublots.material_sublot_id
    left join {{ ref('stg_plantledger__material_lots') }} as lots
        on sublots.material_lot_id = lots.material_lot_id
    {%- if is_incremental() %}
    where shipments.shipment_id in (select shipment_id from changed_shipments)
    {%- endif %}
    group by shipments.shipment_id

),

scoped_genealogy as (

    -- a ShippedIn edge comes from its shipment (to_node_id)
    select * from genealogy
    {%- if is_incremental() %}
    where to_node_id in (select shipment_id from changed_shipments)
    {%- endif %}

),

edges as (

    -- ShippedIn: sublot -> the shipment it left in
    select
        'shipments' as source_table,
        scoped_genealogy.to_node_id as source_id,
        'ShippedIn' as relationship,
        'MaterialSublot' as from_node_type, sublots.sublot_code as from_node_key,
        'Shipment' as to_node_type, shipments.shipment_number as to_node_key,
        scoped_genealogy.occurred_at as valid_from,
        shipments.delivered_at as valid_to,
        scoped_genealogy.quantity,
        shipments.shipment_type as edge_detail,
        greatest(shipment_loads.load_id, (select load_id from master_load)) as input_load_id
    from scoped_genealogy
    inner join sublots
        on scoped_genealogy.from_node_id = sublots.material_sublot_id
    inner join shipments
        on scoped_genealogy.to_node_id = shipments.shipment_id
    inner join shipment_loads
        on scoped_genealogy.to_node_id = shipment_loads.shipment_id

),

final as (

    select 'genealogy' as relationship_group, *
    from edges
    {%- if is_incremental() %}

    union all

    -- every changed shipment also gets a placeholder: it deletes its old edges (strategy 'keys')
    select
        'genealogy', 'shipments', changed_shipments.shipment_id,
        null, null, null, null, null, null, null, null, null, null
    from changed_shipments
    {%- endif %}

)

select * from final
