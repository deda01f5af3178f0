with source as (

    select * from {{ source('plantledger', 'supplier_certifications') }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as supplier_certification_id,
        supplier_id,
        certification_type,
        certification_number,
        issued_date,
        expiry_date,
        is_valid,
        load_id
    from source

)

select * from renamed
