with source as (

    select * from {{ source('plantledger', 'bill_of_materials') }}
    {{ latest_version('id') }}

),

renamed as (

    select
        id as bom_line_id,
        parent_part_id,
        child_part_id,
        quantity as quantity_per_parent,
        unit as unit_of_measure,
        is_optional,
        assembly_sequence,
        effective_from,
        effective_to,
        load_id
    from source

)

select * from renamed
