with source as (

    select * from {{ source('plantledger', 'part_suppliers') }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as part_supplier_id,
        part_id,
        supplier_id,
        supplier_part_number,
        cast(unit_cost as decimal(12, 2)) as unit_cost,
        lead_time_days,
        is_approved,
        load_id
    from source

)

select * from renamed
