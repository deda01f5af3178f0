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
    The two traces walk the same edges from opposite ends. trace_ends(direction) names, for a
    direction, the end of an edge the trace comes from (the parent: the node reached one level
    up) and the end it goes on to (the node it reaches), in int_genealogy_edges
    (from_node_... / to_node_...) and in int_work_order_links (source_ / consuming_work_order_id):

        forward:  parent = from, node = to;    parent work order = source,    node = consuming
        backward: parent = to,   node = from;  parent work order = consuming, node = source
#}
{% macro trace_ends(direction) %}
    {%- set ends = {
        'forward': {'parent': 'from', 'node': 'to', 'parent_work_order': 'source', 'node_work_order': 'consuming'},
        'backward': {'parent': 'to', 'node': 'from', 'parent_work_order': 'consuming', 'node_work_order': 'source'},
    } -%}
    {{ return(ends[direction]) }}
{% endmacro %}


{#
    The condition on `edges` for the genealogy edges from a node of parent_type to one of
    node_type in the trace's direction (a type none: a node of any type), as
    edges.from_node_type = ... and edges.to_node_type = ...
#}
{% macro trace_edge_types(ends, parent_type, node_type) -%}
    {%- set types = {ends.parent: parent_type, ends.node: node_type} -%}
    {%- set conditions = [] -%}
    {%- for end in ['from', 'to'] if types[end] is not none -%}
        {%- do conditions.append("edges." ~ end ~ "_node_type = '" ~ types[end] ~ "'") -%}
    {%- endfor -%}
    {{ conditions | join('\n            and ') }}
{%- endmacro %}


{#
    The tree-edge columns (node_type, node_id, depth, parent_node_type, parent_node_id,
    relationship, quantity, occurred_at) of a genealogy edge `edges` followed from its parent
    end to its node end, the node at depth (an SQL expression); node_type none: the type the
    edge gives.
#}
{% macro trace_edge_columns(ends, parent_type, node_type, depth) -%}
            {% if node_type is none %}edges.{{ ends.node }}_node_type{% else %}'{{ node_type }}'{% endif %} as node_type,
            edges.{{ ends.node }}_node_id as node_id,
            {{ depth }} as depth,
            '{{ parent_type }}' as parent_node_type,
            edges.{{ ends.parent }}_node_id as parent_node_id,
            edges.relationship,
            edges.quantity,
            edges.occurred_at
{%- endmacro %}


{#
    One step of a trace: the tree edges from the nodes reached so far (parents: the name of a
    CTE with a depth column and the id column parent_id; with parents_query, the name given to
    that query's rows) along the genealogy edges from parent_type to node_type (none: to a node
    of any type), each node one level below its parent. nearest_only: a node reached from parents at several depths is kept
    at the smallest only (once per parent at that depth); without it, every edge stays (for
    steps where a node has one parent).
#}
{% macro trace_step(edges, ends, parents, parent_type, node_type, parent_id='node_id', nearest_only=false, parents_query=none) -%}
    {%- set node_key = ('edges.' ~ ends.node ~ '_node_type, ' if node_type is none else '') ~ 'edges.' ~ ends.node ~ '_node_id' -%}
        select
            {{ trace_edge_columns(ends, parent_type, node_type, parents ~ '.depth + 1') }}
        from {{ edges }} as edges
        inner join {% if parents_query is none %}{{ parents }}{% else %}({{ parents_query }}) as {{ parents }}{% endif %}
            on edges.{{ ends.parent }}_node_id = {{ parents }}.{{ parent_id }}
        where {{ trace_edge_types(ends, parent_type, node_type) }}
        {%- if nearest_only %}
        qualify {{ parents }}.depth + 1 = min({{ parents }}.depth + 1) over (partition by {{ node_key }})
        {%- endif %}
{%- endmacro %}


{#
    The recursive CTE work_orders (work_order_id, depth): from first_work_orders (a CTE of
    work_order_id, depth), the work orders linked to reached ones in int_work_order_links:
    forward, those that consumed what a reached work order produced; backward, those that
    produced what it consumed. Work orders are two levels apart (a sublot between them).
#}
{% macro trace_work_orders(relations, ends, first_work_orders) -%}
    work_orders (work_order_id, depth) using key (work_order_id) as (

        -- the recursion: work orders linked to reached work orders (forward: that consumed what
        -- those produced; backward: that produced what those consumed), each once (USING KEY +
        -- recurring), at most var('trace_max_depth') levels from the start
        select work_order_id, depth from {{ first_work_orders }}

        union

        select
            links.{{ ends.node_work_order }}_work_order_id as work_order_id,
            work_orders.depth + 2 as depth
        from work_orders
        inner join {{ relations['int_work_order_links'] }} as links
            on work_orders.work_order_id = links.{{ ends.parent_work_order }}_work_order_id
        where work_orders.depth < {{ var('trace_max_depth', 64) }}
            and not exists (
                select 1
                from recurring.work_orders as reached
                where reached.work_order_id = links.{{ ends.node_work_order }}_work_order_id
            )

    )
{%- endmacro %}


{#
    The reached work orders as tree edges under the sublots (CTE sublots) they consumed
    (forward) or produced (backward): a work order at depth d under each of those sublots at
    depth d - 1.
#}
{% macro trace_work_order_edges(edges, ends) -%}
        select
            {{ trace_edge_columns(ends, 'MaterialSublot', 'WorkOrder', 'work_orders.depth') }}
        from {{ edges }} as edges
        inner join sublots
            on edges.{{ ends.parent }}_node_id = sublots.node_id
        inner join work_orders
            on edges.{{ ends.node }}_node_id = work_orders.work_order_id
            and work_orders.depth = sublots.depth + 1
        where {{ trace_edge_types(ends, 'MaterialSublot', 'WorkOrder') }}
{%- endmacro %}


{#
    The CTE tree_edges: the start nodes (depth 0, no parent) and the rows of the steps (CTE
    names), all in the columns of trace_edge_columns.
#}
{% macro trace_tree_edges(steps) -%}
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
        {%- for step in steps %}
        union all
        select * from {{ step }}
        {%- endfor %}

    )
{%- endmacro %}


{#
    trace_forward(lot_or_sublot_code): a lot code, a sublot code or a supplier's lot number.
    start lot -> its sublots -> the work orders that consumed them -> recursively, work orders
    that consumed what those produced -> every sublot the reached work orders produced -> the
    shipments of all reached sublots -> their customers or destination facilities.
#}
{% macro trace_forward_sql(relations) %}
    {%- set edges = relations['int_genealogy_edges'] -%}
    {%- set ends = trace_ends('forward') -%}
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

    {#- forward only: a start lot's sublots (trace_backward starts from a sublot) #}
    lot_sublots as (

        select
            {{ trace_edge_columns(ends, 'MaterialLot', 'MaterialSublot', '1') }}
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

    {#- the first work orders: those that consumed a start sublot, each one level below the
        nearest such sublot (a start sublot is at depth 0, a start lot's at depth 1) #}
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

    {{ trace_work_orders(relations, ends, 'first_consumers') }},

    {#- the sublots the reached work orders produced; no nearest_only, as a sublot is received
        from one work order (int_work_order_outputs: one row per sublot) #}
    produced as (
        {{ trace_step(edges, ends, 'work_orders', 'WorkOrder', 'MaterialSublot', parent_id='work_order_id') }}
    ),

    sublots as (

        select node_id, depth from start_sublots
        union all
        select node_id, depth from produced

    ),

    consumed as (
        {{ trace_work_order_edges(edges, ends) }}
    ),

    shipped as (
        {{ trace_step(edges, ends, 'sublots', 'MaterialSublot', 'Shipment', nearest_only=true) }}
    ),

    {#- forward only: where the shipments went, a Customer or a Facility (node type none: the
        edge's), each shipment once (it has one row in shipped per sublot it carried) #}
    delivered as (
        {{ trace_step(edges, ends, 'shipments', 'Shipment', none, nearest_only=true, parents_query='select distinct node_id, depth from shipped') }}
    ),

    {{ trace_tree_edges(['lot_sublots', 'consumed', 'produced', 'shipped', 'delivered']) }},

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
    {%- set ends = trace_ends('backward') -%}
    create or replace macro {{ target.schema }}.trace_backward(finished_sublot_code) as table
    with recursive start_nodes as (

        select 'MaterialSublot' as node_type, material_sublot_id as node_id
        from {{ relations['dim_material_sublots'] }}
        where sublot_code = finished_sublot_code

    ),

    {#- the first work order: the one that produced the start sublot, one level below it #}
    producers as (

        select edges.from_node_id as work_order_id, 1 as depth
        from {{ edges }} as edges
        inner join start_nodes
            on edges.to_node_id = start_nodes.node_id
        where edges.from_node_type = 'WorkOrder'
            and edges.to_node_type = 'MaterialSublot'

    ),

    {{ trace_work_orders(relations, ends, 'producers') }},

    {#- the sublots the reached work orders consumed; nearest_only (unlike forward's produced),
        as one sublot can be consumed by several reached work orders at different depths #}
    consumed as (
        {{ trace_step(edges, ends, 'work_orders', 'WorkOrder', 'MaterialSublot', parent_id='work_order_id', nearest_only=true) }}
    ),

    {#- distinct: a sublot consumed by several work orders at its depth has a row for each #}
    sublots as (

        select node_id, 0 as depth from start_nodes
        union all
        select distinct node_id, depth from consumed

    ),

    produced_by as (
        {{ trace_work_order_edges(edges, ends) }}
    ),

    lots as (
        {{ trace_step(edges, ends, 'sublots', 'MaterialSublot', 'MaterialLot', nearest_only=true) }}
    ),

    {#- backward only: the lots' suppliers, each lot once (it has one row in lots per sublot) #}
    suppliers as (
        {{ trace_step(edges, ends, 'reached_lots', 'MaterialLot', 'Supplier', nearest_only=true, parents_query='select distinct node_id, depth from lots') }}
    ),

    {{ trace_tree_edges(['produced_by', 'consumed', 'lots', 'suppliers']) }},

    {{ trace_labelled_rows(relations, ['MaterialSublot', 'WorkOrder', 'MaterialLot', 'Supplier']) }}
{% endmacro %}
