-- Every relationship of the graph view, one row per edge, between two nodes of graph_nodes
-- (a node is its node_type and node_key). Four groups:
--   execution  the manufacturing plan's nine relationships (PerformedAt, FulfilledBy, Produces,
--              HasStep, UsesWorkCenter, LocatedAt, RoutesThrough, ConsumesPart,
--              ProducesProduct) plus RecordedFor, which ties a material transaction to its
--              work order;
--   supply     the base model's network: supplier tiers (SuppliesTo), approved sources
--              (SuppliesPart), bills of materials (HasComponent), transport routes (RouteTo);
--   demand     orders and shipments: PlacedBy, Fulfills, ShipsFrom, ShipsTo;
--   genealogy  lot genealogy: SuppliedLot, OfMaterial, HasSublot, ConsumedBy, ProducedSublot,
--              ShippedIn (with ShipsTo, the path from a supplier lot to a customer).
-- valid_from is when the edge became true (null where the source has no time), valid_to when
-- it stopped (effectivity, contract end), quantity what flowed or is needed per unit. An edge
-- is keyed by its relationship and both nodes (RouteTo: and edge_detail, as a facility pair has
-- a route per transport mode). No edge_id or '<type>:<key>' node id strings: at scale 10 that
-- is ~45 million edges, and those unique strings doubled the time to write the table.

with suppliers as (

    select * from {{ ref('stg_plantledger__suppliers') }}

),

supplier_relationships as (

    select * from {{ ref('stg_plantledger__supplier_relationships') }}

),

parts as (

    select * from {{ ref('stg_plantledger__parts') }}

),

part_suppliers as (

    select * from {{ ref('stg_plantledger__part_suppliers') }}

),

bill_of_materials as (

    select * from {{ ref('stg_plantledger__bill_of_materials') }}

),

products as (

    select * from {{ ref('stg_plantledger__products') }}

),

product_components as (

    select * from {{ ref('stg_plantledger__product_components') }}

),

facilities as (

    select * from {{ ref('stg_plantledger__facilities') }}

),

transport_routes as (

    select * from {{ ref('stg_plantledger__transport_routes') }}

),

customers as (

    select * from {{ ref('stg_plantledger__customers') }}

),

orders as (

    select * from {{ ref('stg_plantledger__orders') }}

),

shipments as (

    select * from {{ ref('stg_plantledger__shipments') }}

),

shipment_sublots as (

    select * from {{ ref('stg_plantledger__shipment_sublots') }}

),

work_orders as (

    select * from {{ ref('stg_plantledger__work_orders') }}

),

work_order_steps as (

    select * from {{ ref('stg_plantledger__work_order_steps') }}

),

work_centers as (

    select * from {{ ref('stg_plantledger__work_centers') }}

),

routings as (

    select * from {{ ref('stg_plantledger__production_routings') }}

),

transactions as (

    select * from {{ ref('int_material_transactions__accepted') }}

),

lots as (

    select * from {{ ref('stg_plantledger__material_lots') }}

),

sublots as (

    select * from {{ ref('stg_plantledger__material_sublots') }}

),

sublot_consumption as (

    select * from {{ ref('int_sublot_consumption') }}

),

work_order_outputs as (

    select * from {{ ref('int_work_order_outputs') }}

),

routing_keys as (

    select
        routings.routing_step_id,
        products.sku || '/' || cast(routings.step_sequence as varchar) || '/'
            || cast(routings.effective_from as varchar) as routing_key
    from routings
    inner join products
        on routings.product_id = products.product_id

),

execution_edges as (

    -- PerformedAt: work order -> the factory it runs at
    select
        'PerformedAt' as relationship,
        'WorkOrder' as from_node_type, work_orders.wo_number as from_node_key,
        'Facility' as to_node_type, facilities.facility_code as to_node_key,
        work_orders.created_at as valid_from,
        cast(null as {{ type_timestamptz() }}) as valid_to,
        cast(null as double) as quantity,
        cast(null as varchar) as edge_detail
    from work_orders
    inner join facilities
        on work_orders.facility_id = facilities.facility_id

    union all

    -- FulfilledBy: sales order -> the make-to-order work orders producing for it
    select
        'FulfilledBy',
        'Order', orders.order_number,
        'WorkOrder', work_orders.wo_number,
        work_orders.created_at, null, null, null
    from work_orders
    inner join orders
        on work_orders.order_id = orders.order_id

    union all

    -- Produces: work order -> the product it makes (planned quantity)
    select
        'Produces',
        'WorkOrder', work_orders.wo_number,
        'Product', products.sku,
        work_orders.created_at, null, work_orders.quantity_planned, work_orders.work_order_status
    from work_orders
    inner join products
        on work_orders.product_id = products.product_id

    union all

    -- HasStep: work order -> each of its steps (detail: the step's status)
    select
        'HasStep',
        'WorkOrder', work_orders.wo_number,
        'WorkOrderStep', work_orders.wo_number || '/' || cast(work_order_steps.step_sequence as varchar),
        work_orders.created_at, null, work_order_steps.quantity_out, work_order_steps.step_status
    from work_order_steps
    inner join work_orders
        on work_order_steps.work_order_id = work_orders.work_order_id

    union all

    -- UsesWorkCenter: work order step -> the work centre it runs on (detail: the step's status)
    select
        'UsesWorkCenter',
        'WorkOrderStep', work_orders.wo_number || '/' || cast(work_order_steps.step_sequence as varchar),
        'WorkCenter', work_centers.work_center_code,
        work_orders.created_at, null, null, work_order_steps.step_status
    from work_order_steps
    inner join work_orders
        on work_order_steps.work_order_id = work_orders.work_order_id
    inner join work_centers
        on work_order_steps.work_center_id = work_centers.work_center_id

    union all

    -- LocatedAt: work centre -> its factory
    select
        'LocatedAt',
        'WorkCenter', work_centers.work_center_code,
        'Facility', facilities.facility_code,
        work_centers.created_at, null, null, null
    from work_centers
    inner join facilities
        on work_centers.facility_id = facilities.facility_id

    union all

    -- RoutesThrough: product -> each routing step of each routing version (effectivity)
    select
        'RoutesThrough',
        'Product', products.sku,
        'ProductionRouting', routing_keys.routing_key,
        cast(routings.effective_from as {{ type_timestamptz() }}),
        cast(routings.effective_to as {{ type_timestamptz() }}),
        null,
        case when routings.is_active then 'active' else 'inactive' end
    from routings
    inner join routing_keys
        on routings.routing_step_id = routing_keys.routing_step_id
    inner join products
        on routings.product_id = products.product_id

    union all

    -- ConsumesPart: issue, scrap or return of a part -> the part; quantity is what the
    -- transaction consumed (a return is negative), detail the transaction type
    select
        'ConsumesPart',
        'MaterialTransaction', transactions.transaction_number,
        'Part', parts.part_number,
        transactions.transacted_at, null,
        case when transactions.transaction_type = 'return_to_stock'
            then -transactions.quantity else transactions.quantity end,
        transactions.transaction_type
    from transactions
    inner join parts
        on transactions.part_id = parts.part_id

    union all

    -- ProducesProduct: receipt from a work order -> the product received
    select
        'ProducesProduct',
        'MaterialTransaction', transactions.transaction_number,
        'Product', products.sku,
        transactions.transacted_at, null, transactions.quantity, transactions.transaction_type
    from transactions
    inner join products
        on transactions.product_id = products.product_id
    where transactions.transaction_type = 'receipt_from_wo'

    union all

    -- RecordedFor: material transaction -> its work order
    select
        'RecordedFor',
        'MaterialTransaction', transactions.transaction_number,
        'WorkOrder', work_orders.wo_number,
        transactions.transacted_at, null, transactions.quantity, transactions.transaction_type
    from transactions
    inner join work_orders
        on transactions.work_order_id = work_orders.work_order_id

),

supply_edges as (

    -- SuppliesTo: seller -> buyer in the supplier tier network (detail: type and status)
    select
        'SuppliesTo' as relationship,
        'Supplier' as from_node_type, sellers.supplier_code as from_node_key,
        'Supplier' as to_node_type, buyers.supplier_code as to_node_key,
        cast(supplier_relationships.contract_start_date as {{ type_timestamptz() }}) as valid_from,
        cast(supplier_relationships.contract_end_date as {{ type_timestamptz() }}) as valid_to,
        cast(null as double) as quantity,
        supplier_relationships.relationship_type || ', ' || supplier_relationships.relationship_status
            as edge_detail
    from supplier_relationships
    inner join suppliers as sellers
        on supplier_relationships.seller_supplier_id = sellers.supplier_id
    inner join suppliers as buyers
        on supplier_relationships.buyer_supplier_id = buyers.supplier_id

    union all

    -- SuppliesPart: supplier -> a part it sells (detail: approved or not)
    select
        'SuppliesPart',
        'Supplier', suppliers.supplier_code,
        'Part', parts.part_number,
        null, null, null,
        case when part_suppliers.is_approved then 'approved' else 'not approved' end
    from part_suppliers
    inner join suppliers
        on part_suppliers.supplier_id = suppliers.supplier_id
    inner join parts
        on part_suppliers.part_id = parts.part_id

    union all

    -- HasComponent: assembly part -> component part (bill of materials, quantity per parent)
    select
        'HasComponent',
        'Part', parents.part_number,
        'Part', children.part_number,
        cast(bill_of_materials.effective_from as {{ type_timestamptz() }}),
        cast(bill_of_materials.effective_to as {{ type_timestamptz() }}),
        bill_of_materials.quantity_per_parent,
        case when bill_of_materials.is_optional then 'optional' else 'required' end
    from bill_of_materials
    inner join parts as parents
        on bill_of_materials.parent_part_id = parents.part_id
    inner join parts as children
        on bill_of_materials.child_part_id = children.part_id

    union all

    -- HasComponent: product -> part it consumes (the product's bill, quantity per unit)
    select
        'HasComponent',
        'Product', products.sku,
        'Part', parts.part_number,
        cast(products.launch_date as {{ type_timestamptz() }}), null,
        product_components.quantity_per_unit,
        case when product_components.is_required then 'required' else 'optional' end
    from product_components
    inner join products
        on product_components.product_id = products.product_id
    inner join parts
        on product_components.part_id = parts.part_id

    union all

    -- RouteTo: origin facility -> destination facility, one edge per transport mode
    select
        'RouteTo',
        'Facility', origins.facility_code,
        'Facility', destinations.facility_code,
        null, null, transport_routes.distance_km,
        transport_routes.transport_mode || ', ' || transport_routes.route_status
    from transport_routes
    inner join facilities as origins
        on transport_routes.origin_facility_id = origins.facility_id
    inner join facilities as destinations
        on transport_routes.destination_facility_id = destinations.facility_id

),

demand_edges as (

    -- PlacedBy: sales order -> its customer
    select
        'PlacedBy' as relationship,
        'Order' as from_node_type, orders.order_number as from_node_key,
        'Customer' as to_node_type, customers.customer_code as to_node_key,
        orders.created_at as valid_from,
        cast(null as {{ type_timestamptz() }}) as valid_to,
        cast(null as double) as quantity,
        orders.order_status as edge_detail
    from orders
    inner join customers
        on orders.customer_id = customers.customer_id

    union all

    -- Fulfills: customer shipment -> the sales order it fulfils
    select
        'Fulfills',
        'Shipment', shipments.shipment_number,
        'Order', orders.order_number,
        shipments.shipped_at, null, null, shipments.shipment_type
    from shipments
    inner join orders
        on shipments.order_id = orders.order_id

    union all

    -- ShipsFrom: shipment -> the facility it leaves
    select
        'ShipsFrom',
        'Shipment', shipments.shipment_number,
        'Facility', facilities.facility_code,
        shipments.shipped_at, null, null, shipments.shipment_type
    from shipments
    inner join facilities
        on shipments.origin_facility_id = facilities.facility_id

    union all

    -- ShipsTo: customer shipment -> the order's customer
    select
        'ShipsTo',
        'Shipment', shipments.shipment_number,
        'Customer', customers.customer_code,
        shipments.shipped_at, shipments.delivered_at, null, shipments.shipment_type
    from shipments
    inner join orders
        on shipments.order_id = orders.order_id
    inner join customers
        on orders.customer_id = customers.customer_id

    union all

    -- ShipsTo: transfer or replenishment -> the destination facility
    select
        'ShipsTo',
        'Shipment', shipments.shipment_number,
        'Facility', facilities.facility_code,
        shipments.shipped_at, shipments.delivered_at, null, shipments.shipment_type
    from shipments
    inner join facilities
        on shipments.destination_facility_id = facilities.facility_id

),

genealogy_edges as (

    -- SuppliedLot: supplier -> the lot it delivered (detail: the supplier's lot number)
    select
        'SuppliedLot' as relationship,
        'Supplier' as from_node_type, suppliers.supplier_code as from_node_key,
        'MaterialLot' as to_node_type, lots.lot_code as to_node_key,
        lots.created_at as valid_from,
        cast(null as {{ type_timestamptz() }}) as valid_to,
        cast(lots.lot_quantity as double) as quantity,
        lots.supplier_lot_number as edge_detail
    from lots
    inner join suppliers
        on lots.supplier_id = suppliers.supplier_id

    union all

    -- OfMaterial: lot -> the part or product it holds
    select
        'OfMaterial',
        'MaterialLot', lots.lot_code,
        case when lots.part_id is not null then 'Part' else 'Product' end,
        coalesce(parts.part_number, products.sku),
        lots.created_at, null, lots.lot_quantity, null
    from lots
    left join parts
        on lots.part_id = parts.part_id
    left join products
        on lots.product_id = products.product_id

    union all

    -- HasSublot: lot -> each of its sublots (initial quantity)
    select
        'HasSublot',
        'MaterialLot', lots.lot_code,
        'MaterialSublot', sublots.sublot_code,
        sublots.created_at, null, sublots.initial_quantity, null
    from sublots
    inner join lots
        on sublots.material_lot_id = lots.material_lot_id

    union all

    -- ConsumedBy: component sublot -> work order it was issued to (issued less returned)
    select
        'ConsumedBy',
        'MaterialSublot', sublot_consumption.sublot_code,
        'WorkOrder', sublot_consumption.wo_number,
        sublot_consumption.first_issued_at, null, sublot_consumption.net_quantity,
        sublot_consumption.material_type
    from sublot_consumption

    union all

    -- ProducedSublot: work order -> sublot it produced (received quantity)
    select
        'ProducedSublot',
        'WorkOrder', work_order_outputs.wo_number,
        'MaterialSublot', work_order_outputs.sublot_code,
        work_order_outputs.received_at, null, work_order_outputs.received_quantity,
        work_order_outputs.material_type
    from work_order_outputs

    union all

    -- ShippedIn: sublot -> the shipment it left in
    select
        'ShippedIn',
        'MaterialSublot', sublots.sublot_code,
        'Shipment', shipments.shipment_number,
        shipments.shipped_at, shipments.delivered_at, shipment_sublots.quantity,
        shipments.shipment_type
    from shipment_sublots
    inner join sublots
        on shipment_sublots.material_sublot_id = sublots.material_sublot_id
    inner join shipments
        on shipment_sublots.shipment_id = shipments.shipment_id

),

edges as (

    select 'execution' as relationship_group, * from execution_edges
    union all
    select 'supply' as relationship_group, * from supply_edges
    union all
    select 'demand' as relationship_group, * from demand_edges
    union all
    select 'genealogy' as relationship_group, * from genealogy_edges

),

final as (

    select
        relationship,
        relationship_group,
        from_node_type,
        from_node_key,
        to_node_type,
        to_node_key,
        valid_from,
        valid_to,
        quantity,
        edge_detail
    from edges

)

select * from final

