-- ConsumesPart (MaterialTransaction -> Part): "Parts consumed by WO-001". The work order's
-- transactions (RecordedFor, walked backwards), summed per part: issued, scrapped, returned,
-- and the net consumption (ConsumesPart quantities count returns negative).
--   dbt compile -s graph_parts_consumed_by_work_order --vars '{wo_number: WO-2024-00001}'

with recorded_for as (

    select from_node_key as transaction_number
    from {{ ref('graph_edges') }}
    where relationship = 'RecordedFor'
        and to_node_key = '{{ var("wo_number", "WO-2024-00001") }}'

),

consumes_part as (

    select
        from_node_key as transaction_number,
        to_node_key as part_number,
        edge_detail as transaction_type,
        quantity
    from {{ ref('graph_edges') }}
    where relationship = 'ConsumesPart'

)

select
    consumes_part.part_number,
    sum(case when consumes_part.transaction_type = 'issue_to_wo' then consumes_part.quantity else 0 end)
        as issued_quantity,
    sum(case when consumes_part.transaction_type = 'scrap' then consumes_part.quantity else 0 end)
        as scrapped_quantity,
    sum(case when consumes_part.transaction_type = 'return_to_stock' then -consumes_part.quantity else 0 end)
        as returned_quantity,
    sum(consumes_part.quantity) as net_consumed_quantity,
    count(*) as transaction_count
from recorded_for
inner join consumes_part
    on recorded_for.transaction_number = consumes_part.transaction_number
group by consumes_part.part_number
order by consumes_part.part_number
