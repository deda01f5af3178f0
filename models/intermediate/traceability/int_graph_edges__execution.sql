{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key=['source_table', 'source_id'],
    keys_placeholder_column='relationship',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_material_transactions__screened') }}

-- The execution edges of graph_edges (the manufacturing plan's relationships and RecordedFor),
-- each with the source row it comes from (source_table, source_id): a work order for
-- PerformedAt, FulfilledBy, Produces, HasStep and UsesWorkCenter; a material transaction for
-- ConsumesPart, ProducesProduct and RecordedFor; a work centre for LocatedAt; a routing step
-- for RoutesThrough.
--
-- Incremental (strategy 'keys', macros/incremental_keys.sql): a run rebuilds the edges of the
-- work orders with a new version of themselves, of their order or of a step in a load not
-- consumed yet, of the screened material transactions of the window, and of the changed work
-- centres and routing steps; a changed master row (part, product, facility, work centre)
-- rebuilds everything, as the codes it names may have changed.

with work_orders as (

    select * from {{ ref('stg_plantledger__work_orders') }}

),

work_order_steps as (

    select * from {{ ref('stg_plantledger__work_order_steps') }}

),

orders as (

    select * from {{ ref('stg_plantledger__orders') }}

),

facilities as (

    select * from {{ ref('stg_plantledger__facilities') }}

),

products as (

    select * from {{ ref('stg_plantledger__products') }}

),

parts as (

    select * from {{ ref('stg_plantledger__parts') }}

),

work_centers as (

    select * from {{ ref('stg_plantledger__work_centers') }}

),

routings as (

    select * from {{ ref('stg_plantledger__production_routings') }}

),

transactions as (

    select * from {{ ref('int_material_transactions__accepted') }}

),

{%- if is_incremental() %}

master_changed as (

    select exists (
        select 1 from facilities where {{ in_unconsumed_loads() }}
        union all
        select 1 from products where {{ in_unconsumed_loads() }}
        union all
        select 1 from parts where {{ in_unconsumed_loads() }}
        union all
        select 1 from work_centers where {{ in_unconsumed_loads() }}
    ) as is_changed

),

changed_sources as (

    select 'work_orders' as source_table, work_order_id as source_id
    from work_orders
    where {{ in_unconsumed_loads() }}
        or (select is_changed from master_changed)
        or order_id in (select order_id from orders where {{ in_unconsumed_loads() }})

    union

    select 'work_orders', work_order_id
    from work_order_steps
    where {{ in_unconsumed_loads() }}

    union

    select 'material_transactions', material_transaction_id
    from {{ ref('int_material_transactions__screened') }}
    where {{ in_lookback('transacted_at') }} or (select is_changed from master_changed)

    union

    select 'work_centers', work_center_id
    from work_centers
    where {{ in_unconsumed_loads() }} or (select is_changed from master_changed)

    union

    select 'production_routings', routing_step_id
    from routings
    where {{ in_unconsumed_loads() }} or (select is_changed from master_changed)

),

{%- endif %}

{#- the rows whose edges this run (re)builds: all of them, or on an incremental run the changed ones #}
{%- set scopes = {
    'scoped_work_orders': ('work_orders', 'work_order_id', 'work_orders'),
    'scoped_transactions': ('transactions', 'material_transaction_id', 'material_transactions'),
    'scoped_work_centers': ('work_centers', 'work_center_id', 'work_centers'),
    'scoped_routings': ('routings', 'routing_step_id', 'production_routings'),
} %}
{%- for scoped, spec in scopes.items() %}

{{ scoped }} as (

    select * from {{ spec[0] }}
    {%- if is_incremental() %}
    where {{ spec[1] }} in (
        select source_id from changed_sources where source_table = '{{ spec[2] }}'
    )
    {%- endif %}

),
{%- endfor %}

routing_keys as (

    select
        routings.routing_step_id,
        products.sku || '/' || cast(routings.step_sequence as {{ dbt.type_string() }}) || '/'
            || cast(routings.effective_from as {{ dbt.type_string() }}) as routing_key
    from routings
    inner join products
        on routings.product_id = products.product_id

),

edges as (

    -- PerformedAt: work order -> the factory it runs at
    select
        'work_orders' as source_table,
        work_orders.work_order_id as source_id,
        'PerformedAt' as relationship,
        'WorkOrder' as from_node_type, work_orders.wo_number as from_node_key,
        'Facility' as to_node_type, facilities.facility_code as to_node_key,
        work_orders.created_at as valid_from,
        cast(null as {{ type_timestamptz() }}) as valid_to,
        cast(null as double) as quantity,
        cast(null as {{ dbt.type_string() }}) as edge_detail
    from scoped_work_orders as work_orders
    inner join facilities
        on work_orders.facility_id = facilities.facility_id

    union all

    -- FulfilledBy: sales order -> the make-to-order work orders producing for it
    select
        'work_orders', work_orders.work_order_id,
        'FulfilledBy',
        'Order', orders.order_number,
        'WorkOrder', work_orders.wo_number,
        work_orders.created_at, null, null, null
    from scoped_work_orders as work_orders
    inner join orders
        on work_orders.order_id = orders.order_id

    union all

    -- Produces: work order -> the product it makes (planned quantity)
    select
        'work_orders', work_orders.work_order_id,
        'Produces',
        'WorkOrder', work_orders.wo_number,
        'Product', products.sku,
        work_orders.created_at, null, work_orders.quantity_planned, work_orders.work_order_status
    from scoped_work_orders as work_orders
    inner join products
        on work_orders.product_id = products.product_id

    union all

    -- HasStep: work order -> each of its steps (detail: the step's status)
    select
        'work_orders', work_orders.work_order_id,
        'HasStep',
        'WorkOrder', work_orders.wo_number,
        'WorkOrderStep', work_orders.wo_number || '/' || cast(work_order_steps.step_sequence as {{ dbt.type_string() }}),
        work_orders.created_at, null, work_order_steps.quantity_out, work_order_steps.step_status
    from work_order_steps
    inner join scoped_work_orders as work_orders
        on work_order_steps.work_order_id = work_orders.work_order_id

    union all

    -- UsesWorkCenter: work order step -> the work centre it runs on (detail: the step's status)
    select
        'work_orders', work_orders.work_order_id,
        'UsesWorkCenter',
        'WorkOrderStep', work_orders.wo_number || '/' || cast(work_order_steps.step_sequence as {{ dbt.type_string() }}),
        'WorkCenter', work_centers.work_center_code,
        work_orders.created_at, null, null, work_order_steps.step_status
    from work_order_steps
    inner join scoped_work_orders as work_orders
        on work_order_steps.work_order_id = work_orders.work_order_id
    inner join work_centers
        on work_order_steps.work_center_id = work_centers.work_center_id

    union all

    -- LocatedAt: work centre -> its factory
    select
        'work_centers', work_centers.work_center_id,
        'LocatedAt',
        'WorkCenter', work_centers.work_center_code,
        'Facility', facilities.facility_code,
        work_centers.created_at, null, null, null
    from scoped_work_centers as work_centers
    inner join facilities
        on work_centers.facility_id = facilities.facility_id

    union all

    -- RoutesThrough: product -> each routing step of each routing version (effectivity)
    select
        'production_routings', routings.routing_step_id,
        'RoutesThrough',
        'Product', products.sku,
        'ProductionRouting', routing_keys.routing_key,
        cast(routings.effective_from as {{ type_timestamptz() }}),
        cast(routings.effective_to as {{ type_timestamptz() }}),
        null,
        case when routings.is_active then 'active' else 'inactive' end
    from scoped_routings as routings
    inner join routing_keys
        on routings.routing_step_id = routing_keys.routing_step_id
    inner join products
        on routings.product_id = products.product_id

    union all

    -- ConsumesPart: issue, scrap or return of a part -> the part; quantity is what the
    -- transaction consumed (a return is negative), detail the transaction type
    select
        'material_transactions', transactions.material_transaction_id,
        'ConsumesPart',
        'MaterialTransaction', transactions.transaction_number,
        'Part', parts.part_number,
        transactions.transacted_at, null,
        case when transactions.transaction_type = 'return_to_stock'
            then -transactions.quantity else transactions.quantity end,
        transactions.transaction_type
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
        transactions.transacted_at, null, transactions.quantity, transactions.transaction_type
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
        transactions.transacted_at, null, transactions.quantity, transactions.transaction_type
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
        null, null, null, null, null, null, null, null, null
    from changed_sources
    {%- endif %}

)

select * from final
