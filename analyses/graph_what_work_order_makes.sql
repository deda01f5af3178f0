-- Produces (WorkOrder -> Product): "What does WO-001 make?". The product, its name and the
-- planned quantity.
--   dbt compile -s graph_what_work_order_makes --vars '{wo_number: WO-2024-00001}'

with produces as (

    select
        from_node_key as wo_number,
        to_node_key as sku,
        quantity as quantity_planned,
        edge_detail as work_order_status
    from {{ ref('graph_edges') }}
    where relationship = 'Produces'
        and from_node_key = '{{ var("wo_number", "WO-2024-00001") }}'

),

products as (

    select node_key as sku, node_label as product_name
    from {{ ref('graph_nodes') }}
    where node_type = 'Product'

)

select
    produces.wo_number,
    produces.sku,
    products.product_name,
    produces.quantity_planned,
    produces.work_order_status
from produces
inner join products
    on produces.sku = products.sku
