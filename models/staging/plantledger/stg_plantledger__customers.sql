with source as (

    select * from {{ source('plantledger', 'customers') }}

),

renamed as (

    select
        id as customer_id,
        customer_code,
        name as customer_name,
        customer_type,
        city,
        country,
        cast(created_at as {{ type_timestamptz() }}) as created_at
    from source

)

select * from renamed
