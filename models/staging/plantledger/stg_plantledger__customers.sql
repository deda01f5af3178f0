with source as (

    select * from {{ source('plantledger', 'customers') }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as customer_id,
        customer_code,
        name as customer_name,
        customer_type,
        city,
        country,
        cast(created_at as {{ type_timestamptz() }}) as created_at,
        load_id
    from source

)

select * from renamed
