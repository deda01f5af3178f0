with source as (

    select * from {{ source('plantledger', 'material_transactions') }}

),

renamed as (

    select
        id as material_transaction_id,
        transaction_number,
        transaction_type,
        work_order_id,
        part_id,
        product_id,
        facility_id,
        material_sublot_id,
        storage_location_id,
        quantity,
        cast(unit_cost as decimal(12, 2)) as unit_cost,
        reason_code,
        reference_number,
        cast(created_at as {{ type_timestamptz() }}) as transacted_at,
        created_by,
        load_id
    from source

)

select * from renamed
