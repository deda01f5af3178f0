{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key='location_code',
    keys_placeholder_column='is_derived',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- Every location stock can be at: the raw storage locations (physical and virtual) with their
-- place in the tree, plus the virtual production locations derived here: one
-- <facility_code>/PRODUCTION per facility with work orders and, below it, one
-- <facility_code>/PRODUCTION/<wo_number> per work order (the source and sink of its
-- material transactions). Keyed by location_code, which is unique across facilities. The raw
-- locations' place in the tree comes from int_storage_locations__walked.
--
-- Incremental (strategy 'keys' on location_code, macros/incremental_keys.sql): a run rebuilds
-- the raw locations and the per-facility production locations (a few thousand rows, from
-- master data), and the derived location of each work order with a version in a load not
-- consumed yet, and of every work order of a facility whose row is in such a load or whose
-- site row changed (storage_locations_changed_work_orders); a rewritten row whose code is gone
-- (a work order renumbered) gets a placeholder, which deletes it. The other work orders' rows
-- stay: they are built from nothing else.

with raw_locations as (

    select * from {{ ref('int_storage_locations__walked') }}

),

facilities as (

    select * from {{ ref('stg_plantledger__facilities') }}

),

work_orders as (

    select * from {{ ref('stg_plantledger__work_orders') }}
    {%- if is_incremental() %}
    where work_order_id in ({{ storage_locations_changed_work_orders(this, 'raw_locations') }})
    {%- endif %}

),

facilities_with_work_orders as (

    -- every facility with a work order (all of them, also on an incremental run)
    select distinct facility_id from {{ ref('stg_plantledger__work_orders') }}

),

location_types as (

    select * from {{ ref('location_types') }}

),

sites as (

    select
        facility_id,
        location_code as site_location_code,
        hierarchy_path as site_hierarchy_path
    from raw_locations
    where location_type = 'site' and hierarchy_path is not null

),

production_areas as (

    select distinct
        facilities.facility_code || '/PRODUCTION' as location_code,
        cast(null as bigint) as storage_location_id,
        'Production (work orders)' as location_name,
        facilities.facility_id,
        sites.site_location_code as parent_location_code,
        'production' as location_type,
        false as is_physical,
        cast(null as integer) as position_sequence,
        1 as depth,
        sites.site_hierarchy_path || ' > Production (work orders)' as hierarchy_path,
        cast(null as bigint) as work_order_id,
        true as is_derived
    from facilities_with_work_orders
    inner join facilities
        on facilities_with_work_orders.facility_id = facilities.facility_id
    left join sites
        on facilities_with_work_orders.facility_id = sites.facility_id

),

work_order_locations as (

    select
        facilities.facility_code || '/PRODUCTION/' || work_orders.wo_number as location_code,
        cast(null as bigint) as storage_location_id,
        'Production of ' || work_orders.wo_number as location_name,
        work_orders.facility_id,
        facilities.facility_code || '/PRODUCTION' as parent_location_code,
        'production' as location_type,
        false as is_physical,
        cast(null as integer) as position_sequence,
        2 as depth,
        sites.site_hierarchy_path || ' > Production (work orders) > ' || work_orders.wo_number
            as hierarchy_path,
        work_orders.work_order_id,
        true as is_derived
    from work_orders
    inner join facilities
        on work_orders.facility_id = facilities.facility_id
    left join sites
        on work_orders.facility_id = sites.facility_id

),

all_locations as (

    select * from raw_locations
    union all
    select * from production_areas
    union all
    select * from work_order_locations

),

final as (

    select
        all_locations.*,
        facilities.facility_code,
        location_types.relocates_sublot,
        location_types.status_when_empty
    from all_locations
    left join facilities
        on all_locations.facility_id = facilities.facility_id
    left join location_types
        on all_locations.location_type = location_types.location_type

)

{%- set columns = [
    'location_code', 'storage_location_id', 'location_name', 'facility_id',
    'parent_location_code', 'location_type', 'is_physical', 'position_sequence', 'depth',
    'hierarchy_path', 'work_order_id', 'is_derived', 'facility_code', 'relocates_sublot',
    'status_when_empty'] %}

select {{ columns | join(', ') }} from final
{%- if is_incremental() %}

union all

{{ storage_locations_placeholders(this, 'final', 'raw_locations', columns) }}
{%- endif %}
