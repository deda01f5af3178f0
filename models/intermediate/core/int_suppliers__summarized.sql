-- Every supplier with its certifications, its place in the tier network and the parts it
-- is approved for (dim_suppliers).

with suppliers as (

    select * from {{ ref('stg_plantledger__suppliers') }}

),

certifications as (

    select
        supplier_id,
        count(*) as certification_count,
        sum(case when is_valid then 1 else 0 end) as valid_certification_count
    from {{ ref('stg_plantledger__supplier_certifications') }}
    group by supplier_id

),

relationships as (

    -- the tier network: to how many suppliers this one sells, from how many it buys
    select seller_supplier_id as supplier_id, count(*) as customer_supplier_count, 0 as source_supplier_count
    from {{ ref('stg_plantledger__supplier_relationships') }}
    group by seller_supplier_id
    union all
    select buyer_supplier_id as supplier_id, 0 as customer_supplier_count, count(*) as source_supplier_count
    from {{ ref('stg_plantledger__supplier_relationships') }}
    group by buyer_supplier_id

),

relationship_counts as (

    select
        supplier_id,
        sum(customer_supplier_count) as customer_supplier_count,
        sum(source_supplier_count) as source_supplier_count
    from relationships
    group by supplier_id

),

parts_supplied as (

    select supplier_id, count(*) as approved_part_count
    from {{ ref('stg_plantledger__part_suppliers') }}
    where is_approved
    group by supplier_id

),

final as (

    select
        suppliers.supplier_id,
        suppliers.supplier_code,
        suppliers.supplier_name,
        suppliers.tier,
        suppliers.country,
        suppliers.city,
        suppliers.contact_email,
        suppliers.credit_rating,
        suppliers.is_active,
        coalesce(certifications.certification_count, 0) as certification_count,
        coalesce(certifications.valid_certification_count, 0) as valid_certification_count,
        coalesce(relationship_counts.customer_supplier_count, 0) as customer_supplier_count,
        coalesce(relationship_counts.source_supplier_count, 0) as source_supplier_count,
        coalesce(parts_supplied.approved_part_count, 0) as approved_part_count,
        suppliers.created_at
    from suppliers
    left join certifications
        on suppliers.supplier_id = certifications.supplier_id
    left join relationship_counts
        on suppliers.supplier_id = relationship_counts.supplier_id
    left join parts_supplied
        on suppliers.supplier_id = parts_supplied.supplier_id

)

select * from final
