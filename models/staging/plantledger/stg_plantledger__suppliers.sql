with source as (

    select * from {{ source('plantledger', 'suppliers') }}
    {{ latest_version('id') }}

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
        cast(created_at as {{ type_timestamptz() }}) as created_at,
        load_id
    from source

)

select * from renamed
