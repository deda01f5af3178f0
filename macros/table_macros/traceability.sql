{#
    Lot traceability left in the warehouse as two table macros (on-run-end hook
    create_trace_macros, after the models they read are built):

        select * from trace_forward('LOT-00012345');   -- or a sublot code, or a supplier lot number
        select * from trace_backward('SL-000123456');

    trace_forward: everything made from a lot or sublot: its sublots, the work orders that
    consumed them, the sublots those produced (and, for subassemblies, onwards), the shipments
    they left in and the customers or facilities those went to.
    trace_backward: everything a sublot was made from: the work order that produced it, the
    sublots it consumed (and, for subassemblies, what their work orders consumed), their lots
    and the suppliers of those.

    The only part of the chain that can repeat to any depth is work order -> sublot -> work
    order (an in-house subassembly consumed by the next work order), so that is what recurses:
    a recursive CTE over intermediate.int_work_order_links, with cycle protection (USING KEY on
    the work order, recurring.<cte> drops work orders reached before, and no path goes deeper
    than var('trace_max_depth', 64)). The fixed hops around it (lot -> sublots, sublots -> work
    orders, work orders -> sublots, sublots -> shipments -> customers; and back to lots and
    suppliers) are plain joins on intermediate.int_genealogy_edges, sorted by the node an edge
    leaves, so DuckDB's join filters skip most of it: a few tens of milliseconds at scale 10,
    where a recursion over all genealogy edges scanned them whole at every level (DuckDB pushes
    no join filter into the recursive part of a CTE).

    Every node is listed at its shortest distance (depth) from the start, once per parent it is
    reached from at the level above. Columns: depth, node_type, node_key, node_label,
    parent_node_type, parent_node_key, relationship, quantity, occurred_at, node_id,
    parent_node_id (node ids are the ids of the source tables).

    Tables are qualified with their schema only, not with the database: DuckDB names the
    database after the file, so a copy or a renamed warehouse file would break a qualified
    name; schema-qualified, the macros work from any connection that opens the file.
#}
{% macro create_trace_macros() %}
    {{ return(adapter.dispatch('create_trace_macros', 'plantledger')()) }}
{% endmacro %}

{% macro default__create_trace_macros() %}
    {%- if execute and flags.WHICH in ('run', 'build', 'run-operation') -%}
        {%- set relations = {} -%}
        {%- for name in ['int_genealogy_edges', 'int_work_order_links', 'graph_nodes', 'dim_material_lots', 'dim_material_sublots'] -%}
            {%- set relation = table_macro_relation(name) -%}
            {%- if relation is none -%}
                {{ log("trace macros not created: " ~ name ~ " is not built yet", info=true) }}
                {{ return('') }}
            {%- endif -%}
            {%- do relations.update({name: relation}) -%}
        {%- endfor -%}
        {%- do run_query(trace_forward_sql(relations)) -%}
        {%- do run_query(trace_backward_sql(relations)) -%}
        {%- if flags.WHICH == 'run-operation' -%}
            {#- run-operation rolls back what it did not commit; hooks commit on their own -#}
            {%- do run_query('commit') -%}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#
    The rows both traces end with: tree_edges (node_type, node_id, depth, parent_node_type,
    parent_node_id, relationship, quantity, occurred_at) labelled with the node keys and
    labels of graph_nodes, looked up one node type at a time (so each lookup reads only that
    type's rows of graph_nodes, sorted by node_type and source_id).
#}
{% macro trace_labelled_rows(relations, node_types) %}
    labels as (

        {% for node_type in node_types %}
        select
            graph_nodes.node_type,
            graph_nodes.source_id as node_id,
            graph_nodes.node_key,
            graph_nodes.node_label
        from {{ relations['graph_nodes'] }} as graph_nodes
        inner join (
            select distinct node_id from tree_edges where node_type = '{{ node_type }}'
        ) as reached
            on graph_nodes.source_id = reached.node_id
        where graph_nodes.node_type = '{{ node_type }}'
        {% if not loop.last %}union all{% endif %}
        {% endfor %}

    )

    select
        tree_edges.depth,
        tree_edges.node_type,
        node_labels.node_key,
        node_labels.node_label,
        tree_edges.parent_node_type,
        parent_labels.node_key as parent_node_key,
        tree_edges.relationship,
        tree_edges.quantity,
        tree_edges.occurred_at,
        tree_edges.node_id,
        tree_edges.parent_node_id
    from tree_edges
    left join labels as node_labels
        on tree_edges.node_type = node_labels.node_type
        and tree_edges.node_id = node_labels.node_id
    left join labels as parent_labels
        on tree_edges.parent_node_type = parent_labels.node_type
        and tree_edges.parent_node_id = parent_labels.node_id
    order by tree_edges.depth, parent_labels.node_key, tree_edges.relationship, node_labels.node_key
{% endmacro %}


{#
    trace_forward(lot_or_sublot_code): a lot code, a sublot code or a supplier's lot number.
    start lot -> its sublots -> the work orders that consumed them -> recursively, work orders
    that consumed what those produced -> every sublot the reached work orders produced -> the
    shipments of all reached sublots -> their customers or destination facilities.
#}
{% macro trace_forward_sql(relations) %}
    {%- set edges = relations['int_genealogy_edges'] -%}
    create or replace macro {{ target.schema }}.trace_forward(lot_or_sublot_code) as table
    with recursive start_nodes as (

        select 'MaterialLot' as node_type, material_lot_id as node_id
        from {{ relations['dim_material_lots'] }}
        where lot_code = lot_or_sublot_code or supplier_lot_number = lot_or_sublot_code
        union all
        select 'MaterialSublot' as node_type, material_sublot_id as node_id
        from {{ relations['dim_material_sublots'] }}
        where sublot_code = lot_or_sublot_code

    ),

    lot_sublots as (

        select
            'MaterialSublot' as node_type,
            edges.to_node_id as node_id,
            1 as depth,
            'MaterialLot' as parent_node_type,
            edges.from_node_id as parent_node_id,
            edges.relationship,
            edges.quantity,
            edges.occurred_at
        from {{ edges }} as edges
        inner join start_nodes
            on edges.from_node_id = start_nodes.node_id
        where edges.from_node_type = 'MaterialLot'
            and start_nodes.node_type = 'MaterialLot'

    ),

    start_sublots as (

        select node_id, 0 as depth from start_nodes where node_type = 'MaterialSublot'
        union all
        select node_id, depth from lot_sublots

    ),

    first_consumers as (

        select
            edges.to_node_id as work_order_id,
            min(start_sublots.depth) + 1 as depth
        from {{ edges }} as edges
        inner join start_sublots
            on edges.from_node_id = start_sublots.node_id
        where edges.from_node_type = 'MaterialSublot'
            and edges.to_node_type = 'WorkOrder'
        group by edges.to_node_id

    ),

    work_orders (work_order_id, depth) using key (work_order_id) as (

        -- the recursion: work orders that consumed what reached work orders produced,
        -- each once (USING KEY + recurring), at most var('trace_max_depth') levels down
        select work_order_id, depth from first_consumers

        union

        select
            links.consuming_work_order_id as work_order_id,
            work_orders.depth + 2 as depth
        from work_orders
        inner join {{ relations['int_work_order_links'] }} as links
            on work_orders.work_order_id = links.source_work_order_id
        where work_orders.depth < {{ var('trace_max_depth', 64) }}
            and not exists (
                select 1
                from recurring.work_orders as reached
                where reached.work_order_id = links.consuming_work_order_id
            )

    ),

    produced as (

        select
            'MaterialSublot' as node_type,
            edges.to_node_id as node_id,
            work_orders.depth + 1 as depth,
            'WorkOrder' as parent_node_type,
            edges.from_node_id as parent_node_id,
            edges.relationship,
            edges.quantity,
            edges.occurred_at
        from {{ edges }} as edges
        inner join work_orders
            on edges.from_node_id = work_orders.work_order_id
        where edges.from_node_type = 'WorkOrder'
            and edges.to_node_type = 'MaterialSublot'

    ),

    sublots as (

        select node_id, depth from start_sublots
        union all
        select node_id, depth from produced

    ),

    consumed as (

        select
            'WorkOrder' as node_type,
            edges.to_node_id as node_id,
            work_orders.depth,
            'MaterialSublot' as parent_node_type,
            edges.from_node_id as parent_node_id,
            edges.relationship,
            edges.quantity,
            edges.occurred_at
        from {{ edges }} as edges
        inner join sublots
            on edges.from_node_id = sublots.node_id
        inner join work_orders
            on edges.to_node_id = work_orders.work_order_id
            and work_orders.depth = sublots.depth + 1
        where edges.from_node_type = 'MaterialSublot'
            and edges.to_node_type = 'WorkOrder'

    ),

    shipped as (

        select
            'Shipment' as node_type,
            edges.to_node_id as node_id,
            sublots.depth + 1 as depth,
            'MaterialSublot' as parent_node_type,
            edges.from_node_id as parent_node_id,
            edges.relationship,
            edges.quantity,
            edges.occurred_at
        from {{ edges }} as edges
        inner join sublots
            on edges.from_node_id = sublots.node_id
        where edges.from_node_type = 'MaterialSublot'
            and edges.to_node_type = 'Shipment'
        qualify sublots.depth + 1 = min(sublots.depth + 1) over (partition by edges.to_node_id)

    ),

    delivered as (

        select
            edges.to_node_type as node_type,
            edges.to_node_id as node_id,
            shipments.depth + 1 as depth,
            'Shipment' as parent_node_type,
            edges.from_node_id as parent_node_id,
            edges.relationship,
            edges.quantity,
            edges.occurred_at
        from {{ edges }} as edges
        inner join (select distinct node_id, depth from shipped) as shipments
            on edges.from_node_id = shipments.node_id
        where edges.from_node_type = 'Shipment'
        qualify shipments.depth + 1
            = min(shipments.depth + 1) over (partition by edges.to_node_type, edges.to_node_id)

    ),

    tree_edges as (

        select
            node_type,
            node_id,
            0 as depth,
            cast(null as {{ dbt.type_string() }}) as parent_node_type,
            cast(null as bigint) as parent_node_id,
            cast(null as {{ dbt.type_string() }}) as relationship,
            cast(null as double) as quantity,
            cast(null as {{ type_timestamptz() }}) as occurred_at
        from start_nodes
        union all
        select * from lot_sublots
        union all
        select * from consumed
        union all
        select * from produced
        union all
        select * from shipped
        union all
        select * from delivered

    ),

    {{ trace_labelled_rows(relations, ['MaterialLot', 'MaterialSublot', 'WorkOrder', 'Shipment', 'Customer', 'Facility']) }}
{% endmacro %}


{#
    trace_backward(finished_sublot_code): a sublot code.
    start sublot -> the work order that produced it -> recursively, the work orders that
    produced what it consumed -> every sublot the reached work orders consumed -> the lots of
    the reached sublots -> the suppliers of those lots.
#}
{% macro trace_backward_sql(relations) %}
    {%- set edges = relations['int_genealogy_edges'] -%}
    create or replace macro {{ target.schema }}.trace_backward(finished_sublot_code) as table
    with recursive start_nodes as (

        select 'MaterialSublot' as node_type, material_sublot_id as node_id
        from {{ relations['dim_material_sublots'] }}
        where sublot_code = finished_sublot_code

    ),

    producers as (

        select edges.from_node_id as work_order_id, 1 as depth
        from {{ edges }} as edges
        inner join start_nodes
            on edges.to_node_id = start_nodes.node_id
        where edges.from_node_type = 'WorkOrder'
            and edges.to_node_type = 'MaterialSublot'

    ),

    work_orders (work_order_id, depth) using key (work_order_id) as (

        -- the recursion: work orders that produced what reached work orders consumed,
        -- each once (USING KEY + recurring), at most var('trace_max_depth') levels up
        select work_order_id, depth from producers

        union

        select
            links.source_work_order_id as work_order_id,
            work_orders.depth + 2 as depth
        from work_orders
        inner join {{ relations['int_work_order_links'] }} as links
            on work_orders.work_order_id = links.consuming_work_order_id
        where work_orders.depth < {{ var('trace_max_depth', 64) }}
            and not exists (
                select 1
                from recurring.work_orders as reached
                where reached.work_order_id = links.source_work_order_id
            )

    ),

    consumed as (

        select
            'MaterialSublot' as node_type,
            edges.from_node_id as node_id,
            work_orders.depth + 1 as depth,
            'WorkOrder' as parent_node_type,
            edges.to_node_id as parent_node_id,
            edges.relationship,
            edges.quantity,
            edges.occurred_at
        from {{ edges }} as edges
        inner join work_orders
            on edges.to_node_id = work_orders.work_order_id
        where edges.from_node_type = 'MaterialSublot'
            and edges.to_node_type = 'WorkOrder'
        qualify work_orders.depth + 1 = min(work_orders.depth + 1) over (partition by edges.from_node_id)

    ),

    sublots as (

        select node_id, 0 as depth from start_nodes
        union all
        select distinct node_id, depth from consumed

    ),

    produced_by as (

        select
            'WorkOrder' as node_type,
            edges.from_node_id as node_id,
            work_orders.depth,
            'MaterialSublot' as parent_node_type,
            edges.to_node_id as parent_node_id,
            edges.relationship,
            edges.quantity,
            edges.occurred_at
        from {{ edges }} as edges
        inner join sublots
            on edges.to_node_id = sublots.node_id
        inner join work_orders
            on edges.from_node_id = work_orders.work_order_id
            and work_orders.depth = sublots.depth + 1
        where edges.from_node_type = 'WorkOrder'
            and edges.to_node_type = 'MaterialSublot'

    ),

    lots as (

        select
            'MaterialLot' as node_type,
            edges.from_node_id as node_id,
            sublots.depth + 1 as depth,
            'MaterialSublot' as parent_node_type,
            edges.to_node_id as parent_node_id,
            edges.relationship,
            edges.quantity,
            edges.occurred_at
        from {{ edges }} as edges
        inner join sublots
            on edges.to_node_id = sublots.node_id
        where edges.from_node_type = 'MaterialLot'
            and edges.to_node_type = 'MaterialSublot'
        qualify sublots.depth + 1 = min(sublots.depth + 1) over (partition by edges.from_node_id)

    ),

    suppliers as (

        select
            'Supplier' as node_type,
            edges.from_node_id as node_id,
            reached_lots.depth + 1 as depth,
            'MaterialLot' as parent_node_type,
            edges.to_node_id as parent_node_id,
            edges.relationship,
            edges.quantity,
            edges.occurred_at
        from {{ edges }} as edges
        inner join (select distinct node_id, depth from lots) as reached_lots
            on edges.to_node_id = reached_lots.node_id
        where edges.from_node_type = 'Supplier'
            and edges.to_node_type = 'MaterialLot'
        qualify reached_lots.depth + 1 = min(reached_lots.depth + 1) over (partition by edges.from_node_id)

    ),

    tree_edges as (

        select
            node_type,
            node_id,
            0 as depth,
            cast(null as {{ dbt.type_string() }}) as parent_node_type,
            cast(null as bigint) as parent_node_id,
            cast(null as {{ dbt.type_string() }}) as relationship,
            cast(null as double) as quantity,
            cast(null as {{ type_timestamptz() }}) as occurred_at
        from start_nodes
        union all
        select * from produced_by
        union all
        select * from consumed
        union all
        select * from lots
        union all
        select * from suppliers

    ),

    {{ trace_labelled_rows(relations, ['MaterialSublot', 'WorkOrder', 'MaterialLot', 'Supplier']) }}
{% endmacro %}
