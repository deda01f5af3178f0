with source as (

    select * from {{ source('plantledger', 'plc_tag_events') }}

),

renamed as (

    select
        id as plc_tag_event_id,
        tag_name,
        storage_location_id,
        value as tag_value,
        cast(source_timestamp as {{ type_timestamptz() }}) as source_timestamp,
        cast(server_timestamp as {{ type_timestamptz() }}) as server_timestamp,
        quality,
        load_id
    from source

)

select * from renamed
