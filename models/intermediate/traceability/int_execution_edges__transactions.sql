{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key=['source_table', 'source_id'],
    keys_placeholder_column='relationship',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_materials') }}
-- depends_on: {{ ref('stg_plantledger__facilities') }}
-- depends_on: {{ ref('stg_plantledger__work_centers') }}
-- depends_on: {{ ref('int_material_transactions__screened') }}

-- The execution edges of graph_edges that come from a material transaction (source_table
-- material_transactions): ConsumesPart, ProducesProduct and RecordedFor
-- (int_graph_edges__execution unions them with the other execution edges).
--
-- Incremental (strategy 'keys', macros/incremental_keys.sql): a run rebuilds the edges of the
-- screened material transactions of the window; a changed master row (part, product,
-- facility, work centre) rebuilds everything, as the codes it names may have changed.

with transactions as (

    select * from {{ ref('int_material_transactions__accepted') }}

),

parts as (

    select * from {{ ref('stg_plantledger__parts') }}

),

products as (

    select * from {{ ref('stg_plantledger__products') }}

),

work_orders as (

    select work_order_id, wo_number from {{ ref('stg_plantledger__work_orders') }}

),

master_load as (

    -- the newest load of the master rows these edges name (a changed one rebuilds them all);
    -- a transaction's own edges are rewritten with the screened window (valid_from)
    select greatest(facilities_load_id, materials_load_id, work_centers_load_id) as load_id
    from {{ ref('int_master_data_loads') }}

),

{%- if is_incremental() %}

master_changed as (

    select {{ in_unconsumed_loads() }} as is_changed from master_load

),

changed_sources as (

    select 'material_transactions' as source_table, material_transaction_id as source_id
    from {{ ref('int_material_transactions__screened') }}
    where {{ in_lookback('transacted_at') }} or (select is_changed from master_changed)

),

{%- endif %}

scoped_transactions as (

    select * from transactions
    {%- if is_incremental() %}
    where material_transaction_id in (select source_id from changed_sources)
    {%- endif %}

),

edges as (

    -- ConsumesPart: issue, scrap or return of a part -> the part; quantity is what the
    -- transaction consumed (a return is negative), detail the transaction type
    select
        'material_transactions' as source_table,
        transactions.material_transaction_id as source_id,
        'ConsumesPart' as relationship,
        'MaterialTransaction' as from_node_type, transactions.transaction_number as from_node_key,
        'Part' as to_node_type, parts.part_number as to_node_key,
        transactions.transacted_at as valid_from,
        cast(null as {{ type_timestamptz() }}) as valid_to,
        cast(
            case when transactions.transaction_type = 'return_to_stock'
                then -transactions.quantity else transactions.quantity end
            as double
        ) as quantity,
        transactions.transaction_type as edge_detail,
        (select load_id from master_load) as input_load_id
    from scoped_transactions as transactions
    inner join parts
        on transactions.part_id = parts.part_id

    union all

    -- ProducesProduct: receipt from a work order -> the product received
    select
        'material_transactions', transactions.material_transaction_id,
        'ProducesProduct',
        'MaterialTransaction', transactions.transaction_number,
        'Product', products.sku,
        transactions.transacted_at, null, transactions.quantity, transactions.transaction_type,
        (select load_id from master_load)
    from scoped_transactions as transactions
    inner join products
        on transactions.product_id = products.product_id
    where transactions.transaction_type = 'receipt_from_wo'

    union all

    -- RecordedFor: material transaction -> its work order
    select
        'material_transactions', transactions.material_transaction_id,
        'RecordedFor',
        'MaterialTransaction', transactions.transaction_number,
        'WorkOrder', work_orders.wo_number,
        transactions.transacted_at, null, transactions.quantity, transactions.transaction_type,
        (select load_id from master_load)
    from scoped_transactions as transactions
    inner join work_orders
        on transactions.work_order_id = work_orders.work_order_id

),

final as (

    select 'execution' as relationship_group, *
    from edges
    {%- if is_incremental() %}

    union all

    -- every changed source also gets a placeholder: it deletes its old edges (strategy 'keys')
    select
        'execution', changed_sources.source_table, changed_sources.source_id,
        null, null, null, null, null, null, null, null, null, null
    from changed_sources
    {%- endif %}

)

select * from final
