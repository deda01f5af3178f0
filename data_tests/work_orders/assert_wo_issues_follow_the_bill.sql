-- Work-order rule: for every started work order and product component,
-- sum(issue_to_wo) - sum(return_to_stock) = component quantity x quantity_planned, and nothing
-- is issued or returned that is not on the product's bill. Scrap transactions are not part of
-- the bill's consumption. Returns each (work order, part) where the net issue differs.

with started_work_orders as (

    select work_order_id, wo_number, product_id, quantity_planned
    from {{ ref('fact_work_orders') }}
    where is_started

),

bill as (

    select
        started_work_orders.work_order_id,
        started_work_orders.wo_number,
        components.part_id,
        components.quantity_per_unit * started_work_orders.quantity_planned as bill_quantity
    from started_work_orders
    inner join {{ ref('stg_plantledger__product_components') }} as components
        on started_work_orders.product_id = components.product_id

),

net_issues as (

    select
        work_order_id,
        part_id,
        sum(case when transaction_type = 'issue_to_wo' then quantity else 0 end)
            - sum(case when transaction_type = 'return_to_stock' then quantity else 0 end)
            as net_issued_quantity
    from {{ ref('fact_material_transactions') }}
    where transaction_type in ('issue_to_wo', 'return_to_stock')
    group by work_order_id, part_id

)

select
    coalesce(bill.work_order_id, net_issues.work_order_id) as work_order_id,
    bill.wo_number,
    coalesce(bill.part_id, net_issues.part_id) as part_id,
    bill.bill_quantity,
    net_issues.net_issued_quantity
from bill
full outer join net_issues
    on bill.work_order_id = net_issues.work_order_id
    and bill.part_id = net_issues.part_id
where coalesce(bill.bill_quantity, 0) <> coalesce(net_issues.net_issued_quantity, 0)
