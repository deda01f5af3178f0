-- The raw storage locations (physical and virtual) placed in the location tree: each with its
-- parent's code, its depth and its path of names from the site (recursive walk in the
-- location_hierarchy macro). int_storage_locations adds the derived production locations.

with locations as (

    select * from {{ ref('stg_plantledger__storage_locations') }}

),

hierarchy as (

    select * from (
        {{ location_hierarchy(ref('stg_plantledger__storage_locations')) }}
    ) as tree

),

final as (

    select
        locations.location_code,
        locations.storage_location_id,
        locations.location_name,
        locations.facility_id,
        parents.location_code as parent_location_code,
        locations.location_type,
        locations.is_physical,
        locations.position_sequence,
        hierarchy.depth,
        hierarchy.hierarchy_path,
        cast(null as bigint) as work_order_id,
        false as is_derived
    from locations
    left join locations as parents
        on locations.parent_storage_location_id = parents.storage_location_id
    left join hierarchy
        on locations.storage_location_id = hierarchy.location_id

)

select * from final
