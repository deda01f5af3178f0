-- FulfilledBy (Order -> WorkOrder): "Production for order #123". The work orders making a
-- sales order's products, with what each makes (Produces) and what it has received so far
-- (ProducedSublot).
--   dbt compile -s graph_production_for_order --vars '{order_number: ORD-2024-001}'

with fulfilled_by as (

    select to_node_key as wo_number
    from {{ ref('graph_edges') }}
    where relationship = 'FulfilledBy'
        and from_node_key = '{{ var("order_number", "ORD-2024-001") }}'

),

produces as (

    select
        from_node_key as wo_number,
        to_node_key as sku,
        quantity as quantity_planned,
        edge_detail as work_order_status
    from {{ ref('graph_edges') }}
    where relationship = 'Produces'

),

produced_sublots as (

    select
        from_node_key as wo_number,
        count(*) as sublot_count,
        sum(quantity) as quantity_received
    from {{ ref('graph_edges') }}
    where relationship = 'ProducedSublot'
    group by from_node_key

)

select
    fulfilled_by.wo_number,
    produces.sku,
    produces.quantity_planned,
    produces.work_order_status,
    coalesce(produced_sublots.quantity_received, 0) as quantity_received,
    coalesce(produced_sublots.sublot_count, 0) as sublot_count
from fulfilled_by
inner join produces
    on fulfilled_by.wo_number = produces.wo_number
left join produced_sublots
    on fulfilled_by.wo_number = produced_sublots.wo_number
order by fulfilled_by.wo_number
