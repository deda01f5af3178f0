-- Customers with the count and date range of their orders (the joins: int_customers__summarized).

with customers as (

    select * from {{ ref('int_customers__summarized') }}

),

final as (

    select
        customer_id,
        customer_code,
        customer_name,
        customer_type,
        city,
        country,
        order_count,
        first_order_date,
        last_order_date,
        created_at
    from customers

)

select * from final
