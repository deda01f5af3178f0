with source as (

    select * from {{ source('plantledger', 'supplier_relationships') }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as supplier_relationship_id,
        seller_id as seller_supplier_id,
        buyer_id as buyer_supplier_id,
        relationship_type,
        contract_start_date,
        contract_end_date,
        is_primary,
        relationship_status,
        load_id
    from source

)

select * from renamed
