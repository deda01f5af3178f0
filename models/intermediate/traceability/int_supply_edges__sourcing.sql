-- The sourcing edges of the supply group of graph_edges: SuppliesTo (seller -> buyer in the
-- supplier tier network) and SuppliesPart (supplier -> a part it sells); int_graph_edges__supply
-- unions them with the bills of materials and the transport routes.

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

)

select * from edges
