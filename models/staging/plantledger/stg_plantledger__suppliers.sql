with source as (

    select * from {{ source('plantledger', 'suppliers') }}

),

renamed as (

    select
        id as supplier_id,
        supplier_code,
        name as supplier_name,
        tier,
        country,
        city,
        contact_email,
        credit_rating,
        is_active,
        cast(created_at as {{ type_timestamptz() }}) as created_at
    from source

)

select * from renamed
