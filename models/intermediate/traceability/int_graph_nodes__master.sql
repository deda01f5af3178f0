-- The master-data nodes of graph_nodes: suppliers, parts, products, facilities, customers,
-- work centres and routing steps, one row per entity, keyed by node_type and node_key (the
-- business code) as graph_edges names its ends. graph_nodes rebuilds them on every
-- incremental run (a few thousand rows). input_load_id is the latest load that brought a
-- version of a row the node is built from: the entity's own (a routing step: its product's
-- too, whose SKU its key names).

with suppliers as (

    select * from {{ ref('stg_plantledger__suppliers') }}

),

parts as (

    select * from {{ ref('stg_plantledger__parts') }}

),

products as (

    select * from {{ ref('stg_plantledger__products') }}

),

facilities as (

    select * from {{ ref('stg_plantledger__facilities') }}

),

customers as (

    select * from {{ ref('stg_plantledger__customers') }}

),

work_centers as (

    select * from {{ ref('stg_plantledger__work_centers') }}

),

routings as (

    select * from {{ ref('stg_plantledger__production_routings') }}

),

final as (

    select 'Supplier' as node_type, supplier_code as node_key, supplier_name as node_label,
        supplier_id as source_id, created_at, load_id as input_load_id
    from suppliers

    union all

    select 'Part', part_number, part_description, part_id, created_at, load_id
    from parts

    union all

    select 'Product', sku, product_name, product_id, cast(launch_date as {{ type_timestamptz() }}),
        load_id
    from products

    union all

    select 'Facility', facility_code, facility_name, facility_id, created_at, load_id
    from facilities

    union all

    select 'Customer', customer_code, customer_name, customer_id, created_at, load_id
    from customers

    union all

    select 'WorkCenter', work_center_code, work_center_name, work_center_id, created_at, load_id
    from work_centers

    union all

    select 'ProductionRouting',
        products.sku || '/' || cast(routings.step_sequence as {{ dbt.type_string() }}) || '/'
            || cast(routings.effective_from as {{ dbt.type_string() }}),
        routings.operation_name, routings.routing_step_id, routings.created_at,
        greatest(routings.load_id, products.load_id)
    from routings
    inner join products
        on routings.product_id = products.product_id

)

select * from final
