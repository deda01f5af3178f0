-- ProducesProduct (MaterialTransaction -> Product): "Products from WO-001". The work order's
-- receipts (RecordedFor, walked backwards) per product, with the sublots it produced
-- (ProducedSublot).
--   dbt compile -s graph_products_from_work_order --vars '{wo_number: WO-2024-00001}'

with recorded_for as (

    select from_node_key as transaction_number
    from {{ ref('graph_edges') }}
    where relationship = 'RecordedFor'
        and to_node_key = '{{ var("wo_number", "WO-2024-00001") }}'

),

produces_product as (

    select from_node_key as transaction_number, to_node_key as sku, quantity, valid_from
    from {{ ref('graph_edges') }}
    where relationship = 'ProducesProduct'

),

receipts as (

    select
        produces_product.sku,
        sum(produces_product.quantity) as quantity_received,
        count(*) as receipt_count,
        min(produces_product.valid_from) as first_received_at,
        max(produces_product.valid_from) as last_received_at
    from recorded_for
    inner join produces_product
        on recorded_for.transaction_number = produces_product.transaction_number
    group by produces_product.sku

),

produced_sublots as (

    select string_agg(to_node_key, ', ' order by to_node_key) as sublot_codes
    from {{ ref('graph_edges') }}
    where relationship = 'ProducedSublot'
        and from_node_key = '{{ var("wo_number", "WO-2024-00001") }}'

)

select
    receipts.sku,
    receipts.quantity_received,
    receipts.receipt_count,
    receipts.first_received_at,
    receipts.last_received_at,
    produced_sublots.sublot_codes
from receipts
cross join produced_sublots
