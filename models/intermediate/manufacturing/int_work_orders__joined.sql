-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_material_transactions__screened') }}

-- Every work order with its facility's code and time zone, its product's SKU and its order's
-- number and customer (fact_work_orders), and input_load_id: the latest load that brought a
-- version of a row the work order's row is built from (the work order, its order, one of its
-- steps, or any product, facility, routing or work centre, which every work order may use).

--
-- Its one reader, fact_work_orders, rebuilds on an incremental run only the work orders whose
-- input_load_id is a load not consumed yet (int_load_window) or with a screened material
-- transaction in the window. When that reader runs incrementally (its table exists, as dbt's
-- is_incremental() asks), the work orders are restricted to that set before the joins and
-- before their steps' loads are grouped: those with a version of themselves, of their order or
-- of one of their steps in such a load, every one when a product, facility, routing or work
-- centre has one, and those with such a transaction. Exact: a work order's row depends on its
-- own versions, order and steps and the master rows only, and the reader drops every other
-- work order. A daily run then joins the day's work orders, not the history (issue #11 item
-- 1b); a reader built anew reads every work order.

{%- set window_applies = reader_runs_incrementally('fact_work_orders') %}

with facilities as (

    select facility_id, facility_code, timezone, load_id from {{ ref('stg_plantledger__facilities') }}

),

products as (

    select product_id, sku, load_id from {{ ref('stg_plantledger__products') }}

),

orders as (

    select order_id, order_number, customer_id, load_id from {{ ref('stg_plantledger__orders') }}

),

master_loads as (

    select max(load_id) as master_load_id
    from (
        select load_id from products
        union all
        select load_id from facilities
        union all
        select load_id from {{ ref('stg_plantledger__production_routings') }}
        union all
        select load_id from {{ ref('stg_plantledger__work_centers') }}
    ) as master_rows

),
{%- if window_applies %}

changed_work_orders as (

    -- the work orders fact_work_orders rebuilds in this run
    select work_order_id from {{ ref('stg_plantledger__work_orders') }}
    where {{ in_unconsumed_loads() }}
        or (select {{ in_unconsumed_loads('master_load_id') }} from master_loads)
        or order_id in (select order_id from orders where {{ in_unconsumed_loads() }})
    union
    select work_order_id from {{ ref('stg_plantledger__work_order_steps') }}
    where {{ in_unconsumed_loads() }}
    union
    select work_order_id from {{ ref('int_material_transactions__screened') }}
    where {{ in_lookback('transacted_at') }}

),
{%- endif %}

work_orders as (

    select * from {{ ref('stg_plantledger__work_orders') }}
    {%- if window_applies %}
    where work_order_id in (select work_order_id from changed_work_orders)
    {%- endif %}

),

step_loads as (

    select work_order_id, max(load_id) as steps_load_id
    from {{ ref('stg_plantledger__work_order_steps') }}
    {%- if window_applies %}
    where work_order_id in (select work_order_id from changed_work_orders)
    {%- endif %}
    group by work_order_id

),

final as (

    select
        work_orders.work_order_id,
        work_orders.wo_number,
        work_orders.product_id,
        products.sku,
        work_orders.facility_id,
        facilities.facility_code,
        facilities.timezone as facility_timezone,
        work_orders.order_id,
        orders.order_number,
        orders.customer_id,
        work_orders.order_type,
        work_orders.priority,
        work_orders.work_order_status,
        work_orders.quantity_planned,
        work_orders.quantity_completed,
        work_orders.quantity_scrapped,
        work_orders.planned_start_date,
        work_orders.planned_end_date,
        work_orders.actual_start_at,
        work_orders.actual_end_at,
        work_orders.created_at,
        work_orders.updated_at,
        greatest(
            work_orders.load_id, orders.load_id, step_loads.steps_load_id,
            master_loads.master_load_id
        ) as input_load_id
    from work_orders
    left join facilities
        on work_orders.facility_id = facilities.facility_id
    left join products
        on work_orders.product_id = products.product_id
    left join orders
        on work_orders.order_id = orders.order_id
    left join step_loads
        on work_orders.work_order_id = step_loads.work_order_id
    cross join master_loads

)

select * from final
