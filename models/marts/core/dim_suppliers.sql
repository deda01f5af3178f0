-- Suppliers with certifications, tier network and parts (the joins: int_suppliers__summarized).

with suppliers as (

    select * from {{ ref('int_suppliers__summarized') }}

),

final as (

    select
        supplier_id,
        supplier_code,
        supplier_name,
        tier,
        country,
        city,
        contact_email,
        credit_rating,
        is_active,
        certification_count,
        valid_certification_count,
        customer_supplier_count,
        source_supplier_count,
        approved_part_count,
        created_at
    from suppliers

)

select * from final
