-- Every customer with the count and date range of its orders (dim_customers).

with customers as (

    select * from {{ ref('stg_plantledger__customers') }}

),

orders as (

    select
        customer_id,
        count(*) as order_count,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date
    from {{ ref('stg_plantledger__orders') }}
    group by customer_id

),

final as (

    select
        customers.customer_id,
        customers.customer_code,
        customers.customer_name,
        customers.customer_type,
        customers.city,
        customers.country,
        coalesce(orders.order_count, 0) as order_count,
        orders.first_order_date,
        orders.last_order_date,
        customers.created_at
    from customers
    left join orders
        on customers.customer_id = orders.customer_id

)

select * from final
