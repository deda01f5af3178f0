{{ config(materialized='table') }}

-- The supply edges of graph_edges: the base model's network (supplier tiers, approved sources,
-- bills of materials, transport routes). Master data only, a few tens of thousands of rows that
-- do not grow with the loads: rebuilt whole every run.

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

edges as (

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

final as (

    select 'supply' as relationship_group, * from edges

)

select * from final
