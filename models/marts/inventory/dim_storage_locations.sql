{{ config(materialized='table' if target.type == 'spark' else 'view') }}  {#- Spark: a table, so the comparison test reads its files (a Spark view is recomputed wherever it is read) -#}
-- Every location stock can be at, keyed by location_code: the raw location tree of each
-- facility (physical and virtual) with its depth and path from the site, plus the derived
-- virtual production locations <facility_code>/PRODUCTION/<wo_number>.
--
-- A view: a projection of int_storage_locations (is_virtual added), which a daily run keeps
-- up to date by the work orders it changed (strategy 'keys'); a table copied all its rows,
-- one per work order, in every run.

with locations as (

    select * from {{ ref('int_storage_locations') }}

),

final as (

    select
        location_code,
        storage_location_id,
        location_name,
        facility_id,
        facility_code,
        parent_location_code,
        location_type,
        is_physical,
        not is_physical as is_virtual,
        relocates_sublot,
        position_sequence,
        depth,
        hierarchy_path,
        work_order_id,
        is_derived
    from locations

)

select * from final
