{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key=['node_type', 'source_id'],
    keys_placeholder_column='node_key',
    keys_replaced_into='int_graph_nodes__replaced',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_graph_nodes__replaced') }}
-- depends_on: {{ ref('int_material_transactions__screened') }}

-- Every entity of the graph view of the warehouse, one row per node, keyed by node_type and
-- node_key (the business code), as graph_edges names its ends, so a graph tool can load both
-- as they are. node_label is a name for display (the entity's name, or what it
-- is: the SKU a work order makes, a step's operation, a lot's material and supplier lot
-- number); created_at is when the entity came to be. The nodes come from
-- int_graph_nodes__master (master data), int_graph_nodes__operations (orders, work orders and
-- steps, lots, sublots, shipments) and the accepted material transactions.
--
-- Incremental (strategy 'keys', macros/incremental_keys.sql): a run rebuilds the nodes of the
-- rows of loads not consumed yet (orders, work orders and their steps, lots, sublots,
-- shipments), of the screened material transactions of the window, and every master-data
-- node (a few thousand); a changed master row rebuilds everything, as the labels it names may
-- have changed (int_graph_nodes__operations.input_load_id).
--
-- input_load_id, the newest load among the staged rows a node is built from (null for a
-- material transaction), is the same in a full refresh; with created_at it names the nodes a
-- daily run may have written, which column_rules_graph_nodes checks (docs block
-- incremental_loads). An incremental run copies the nodes it replaces, as they were, into
-- int_graph_nodes__replaced (keys_replaced_into), for the edge proofs.

with master_nodes as (

    select * from {{ ref('int_graph_nodes__master') }}

),

operation_nodes as (

    select * from {{ ref('int_graph_nodes__operations') }}

),

transactions as (

    select * from {{ ref('int_material_transactions__accepted') }}

),

{%- if is_incremental() %}

changed_operation_nodes as (

    -- one row per node (node_type, source_id): the changed nodes' rows themselves
    select * from operation_nodes
    where {{ in_unconsumed_loads('input_load_id') }}

),

changed_transactions as (

    select material_transaction_id
    from {{ ref('int_material_transactions__screened') }}
    where {{ in_lookback('transacted_at') }}

),

changed_nodes as (

    -- master data: always (small)
    select node_type, source_id from master_nodes
    union all
    select node_type, source_id from changed_operation_nodes
    union all
    select 'MaterialTransaction', material_transaction_id from changed_transactions

),

{%- endif %}

nodes as (

    select node_type, node_key, node_label, source_id, created_at, input_load_id
    from master_nodes

    union all

    -- on an incremental run the changed ones only: the operations are computed once
    select node_type, node_key, node_label, source_id, created_at, input_load_id
    from {% if is_incremental() %}changed_operation_nodes{% else %}operation_nodes{% endif %}

    union all

    -- no load: a transaction's node is rewritten with its screened window (transacted_at)
    select 'MaterialTransaction', transaction_number, transaction_type, material_transaction_id,
        transacted_at, cast(null as bigint)
    from transactions
    {%- if is_incremental() %}
    where material_transaction_id in (select material_transaction_id from changed_transactions)
    {%- endif %}

),

final as (

    select
        node_type,
        node_key,
        node_label,
        source_id,
        created_at,
        input_load_id
    from nodes
    {%- if is_incremental() %}

    union all

    -- every changed node also gets a placeholder: it deletes its old row (strategy 'keys')
    select distinct node_type, null, null, source_id, null, null
    from changed_nodes
    {%- endif %}

)

select * from final
order by node_type, source_id
