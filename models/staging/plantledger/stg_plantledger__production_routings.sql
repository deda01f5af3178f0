with source as (

    select * from {{ source('plantledger', 'production_routings') }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as routing_step_id,
        product_id,
        step_sequence,
        operation_name,
        work_center_id,
        setup_time_mins,
        run_time_per_unit_mins,
        is_active,
        effective_from,
        effective_to,
        cast(created_at as {{ type_timestamptz() }}) as created_at,
        load_id
    from source

)

select * from renamed
