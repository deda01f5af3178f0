-- The bill-of-materials edges of the supply group of graph_edges: HasComponent, assembly part
-- -> component part (the parts' bill of materials) and product -> part it consumes (the
-- product's bill); int_graph_edges__supply unions them with the sourcing edges and the
-- transport routes.

with parts as (

    select * from {{ ref('stg_plantledger__parts') }}

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

edges as (

    -- HasComponent: assembly part -> component part (bill of materials, quantity per parent)
    select
        'HasComponent' as relationship,
        'Part' as from_node_type, parents.part_number as from_node_key,
        'Part' as to_node_type, children.part_number as to_node_key,
        cast(bill_of_materials.effective_from as {{ type_timestamptz() }}) as valid_from,
        cast(bill_of_materials.effective_to as {{ type_timestamptz() }}) as valid_to,
        cast(bill_of_materials.quantity_per_parent as double) as quantity,
        case when bill_of_materials.is_optional then 'optional' else 'required' end as edge_detail
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

)

select * from edges
