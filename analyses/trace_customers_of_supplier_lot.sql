-- The recall question, forwards: "which customers received product built from supplier lot
-- L?". L is a lot code (LOT-...) or the supplier's own lot number. Finished sublots holding
-- material of the lot (fact_sublot_genealogy, any depth), the shipments they left in
-- (ShippedIn) and the customers those went to (ShipsTo). The table macro
-- trace_forward('<lot>') gives the whole tree.
--   dbt compile -s trace_customers_of_supplier_lot --vars '{supplier_lot: LOT-00000001}'

with finished_sublots as (

    select distinct
        finished_sublot_code,
        finished_material_code as sku
    from {{ ref('fact_sublot_genealogy') }}
    where component_lot_code = {{ analysis_code('supplier_lot', 'LOT-00000001') }}
        or supplier_lot_number = {{ analysis_code('supplier_lot', 'LOT-00000001') }}

),

shipped_in as (

    select from_node_key as sublot_code, to_node_key as shipment_number, valid_from as shipped_at, quantity
    from {{ ref('graph_edges') }}
    where relationship = 'ShippedIn'

),

ships_to_customers as (

    select from_node_key as shipment_number, to_node_key as customer_code
    from {{ ref('graph_edges') }}
    where relationship = 'ShipsTo'
        and to_node_type = 'Customer'

),

customers as (

    select node_key as customer_code, node_label as customer_name
    from {{ ref('graph_nodes') }}
    where node_type = 'Customer'

)

select
    ships_to_customers.customer_code,
    customers.customer_name,
    count(distinct shipped_in.shipment_number) as shipment_count,
    count(distinct finished_sublots.finished_sublot_code) as sublot_count,
    sum(shipped_in.quantity) as quantity_shipped,
    {{ sorted_distinct_string_agg('finished_sublots.sku', "', '") }} as skus,
    min(shipped_in.shipped_at) as first_shipped_at,
    max(shipped_in.shipped_at) as last_shipped_at
from finished_sublots
inner join shipped_in
    on finished_sublots.finished_sublot_code = shipped_in.sublot_code
inner join ships_to_customers
    on shipped_in.shipment_number = ships_to_customers.shipment_number
inner join customers
    on ships_to_customers.customer_code = customers.customer_code
group by ships_to_customers.customer_code, customers.customer_name
order by quantity_shipped desc, ships_to_customers.customer_code
