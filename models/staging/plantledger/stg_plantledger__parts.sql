with source as (

    select * from {{ source('plantledger', 'parts') }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as part_id,
        part_number,
        description as part_description,
        category as part_category,
        cast(unit_cost as decimal(12, 2)) as unit_cost,
        weight_kg,
        lead_time_days,
        primary_supplier_id,
        is_critical,
        min_stock_level,
        base_uom,
        cast(created_at as {{ type_timestamptz() }}) as created_at,
        load_id
    from source

)

select * from renamed
