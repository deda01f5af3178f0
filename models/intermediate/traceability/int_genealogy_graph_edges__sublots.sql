{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key=['source_table', 'source_id'],
    keys_placeholder_column='relationship',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_materials') }}
-- depends_on: {{ ref('stg_plantledger__suppliers') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- The genealogy edges of graph_edges that come from a sublot, from int_genealogy_edges with
-- business codes for the node keys: HasSublot (lot -> sublot; source_table material_sublots),
-- ConsumedBy (sublot -> work order; its consumption, sublot_consumption) and ProducedSublot
-- (work order -> sublot; its receipt, work_order_outputs); int_graph_edges__genealogy unions
-- them with the other genealogy edges.
--
-- Incremental (strategy 'keys', macros/incremental_keys.sql): a run rebuilds the edges of the
-- sublots with a version, or of a lot with a version, in a load not consumed yet, and of the
-- sublots with an event in the window (int_window_sublots: their consumption and receipt); a
-- changed supplier, part or product rebuilds everything, as the codes it names may have
-- changed.

with genealogy as (

    select * from {{ ref('int_genealogy_edges') }}

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

changed_sublots as (

    select material_sublot_id
    from sublots
    where {{ in_unconsumed_loads() }}
        or material_lot_id in (select material_lot_id from changed_lots)
        or (select is_changed from master_changed)

),

changed_sources as (

    select 'material_sublots' as source_table, material_sublot_id as source_id
    from changed_sublots

    union

    select 'sublot_consumption', material_sublot_id from {{ ref('int_window_sublots') }}

    union

    select 'work_order_outputs', material_sublot_id from {{ ref('int_window_sublots') }}

    union

    select 'sublot_consumption', material_sublot_id from changed_sublots

    union

    select 'work_order_outputs', material_sublot_id from changed_sublots

),

{%- endif %}

sublot_loads as (

    -- input_load_id of the edges a sublot is the source of: the newest load of the sublot, its
    -- lot and the master rows (the rows whose new version rebuilds them; the sublots with an
    -- event in the window are rebuilt too, int_window_sublots, which the proofs' window adds)
    select
        sublots.material_sublot_id,
        greatest(
            sublots.load_id,
            -- its lot's load, looked up by key (the edges below hold the joins)
            (
                select max(sublot_lots.load_id) from lots as sublot_lots
                where sublot_lots.material_lot_id = sublots.material_lot_id
            ),
            (select load_id from master_load)
        ) as input_load_id
    from sublots
    {%- if is_incremental() %}
    where sublots.material_sublot_id in (select source_id from changed_sources)
    {%- endif %}

),

keyed_genealogy as (

    -- each edge of the genealogy with the source row it comes from
    select
        case relationship
            when 'HasSublot' then 'material_sublots'
            when 'ConsumedBy' then 'sublot_consumption'
            when 'ProducedSublot' then 'work_order_outputs'
        end as source_table,
        case when relationship = 'ConsumedBy' then from_node_id else to_node_id end as source_id,
        *
    from genealogy
    where relationship in ('HasSublot', 'ConsumedBy', 'ProducedSublot')

),

scoped_genealogy as (

    select
        keyed_genealogy.*,
        (
            select max(sublot_loads.input_load_id) from sublot_loads
            where sublot_loads.material_sublot_id = keyed_genealogy.source_id
        ) as input_load_id
    from keyed_genealogy
    {%- if is_incremental() %}
    where (keyed_genealogy.source_table, keyed_genealogy.source_id) in (
        select source_table, source_id from changed_sources
    )
    {%- endif %}

),

edges as (

    -- HasSublot: lot -> each of its sublots (initial quantity)
    select
        scoped_genealogy.source_table,
        scoped_genealogy.source_id,
        'HasSublot' as relationship,
        'MaterialLot' as from_node_type, lots.lot_code as from_node_key,
        'MaterialSublot' as to_node_type, sublots.sublot_code as to_node_key,
        scoped_genealogy.occurred_at as valid_from,
        cast(null as {{ type_timestamptz() }}) as valid_to,
        scoped_genealogy.quantity,
        cast(null as {{ dbt.type_string() }}) as edge_detail,
        scoped_genealogy.input_load_id
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
        case when sublots.part_id is not null then 'part' else 'product' end,
        scoped_genealogy.input_load_id
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
        case when sublots.part_id is not null then 'part' else 'product' end,
        scoped_genealogy.input_load_id
    from scoped_genealogy
    left join sublots
        on scoped_genealogy.to_node_id = sublots.material_sublot_id
    left join work_orders
        on scoped_genealogy.from_node_id = work_orders.work_order_id
    where scoped_genealogy.relationship = 'ProducedSublot'

),

final as (

    select 'genealogy' as relationship_group, *
    from edges
    {%- if is_incremental() %}

    union all

    -- every changed source also gets a placeholder: it deletes its old edges (strategy 'keys')
    select
        'genealogy', changed_sources.source_table, changed_sources.source_id,
        null, null, null, null, null, null, null, null, null, null
    from changed_sources
    {%- endif %}

)

select * from final
