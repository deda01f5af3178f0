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
-- site row changed (changed_work_orders); a rewritten row whose code is gone
-- (a work order renumbered) gets a placeholder, which deletes it. The other work orders' rows
-- stay: they are built from nothing else.

{%- set columns = [
    'location_code', 'storage_location_id', 'location_name', 'facility_id',
    'parent_location_code', 'location_type', 'is_physical', 'position_sequence', 'depth',
    'hierarchy_path', 'work_order_id', 'is_derived', 'facility_code', 'relocates_sublot',
    'status_when_empty'] %}

with raw_locations as (

    select * from {{ ref('int_storage_locations__walked') }}

),

facilities as (

    select * from {{ ref('stg_plantledger__facilities') }}

),

{%- if is_incremental() %}

previous_sites as (

    select facility_id, location_code, hierarchy_path from {{ this }}
    where location_type = 'site' and hierarchy_path is not null

),

current_sites as (

    select facility_id, location_code, hierarchy_path from raw_locations
    where location_type = 'site' and hierarchy_path is not null

),

changed_sites as (

    -- a site row (its code and path: what a derived row takes from the location tree) that
    -- differs between the previous build and this run's raw locations
    (select * from current_sites except select * from previous_sites)
    union all
    (select * from previous_sites except select * from current_sites)

),

changed_work_orders as (

    -- the work orders whose derived location this run rebuilds: a version in a load not
    -- consumed yet, or a facility whose row is in such a load or whose site row changed (a
    -- storage location row comes with most loads; it changes no work order's row unless it
    -- is a site's)
    select work_order_id from {{ ref('stg_plantledger__work_orders') }}
    where {{ in_unconsumed_loads() }}
        or facility_id in (
            select facility_id from facilities where {{ in_unconsumed_loads() }}
            union all
            select facility_id from changed_sites
        )

),

{%- endif %}

work_orders as (

    select * from {{ ref('stg_plantledger__work_orders') }}
    {%- if is_incremental() %}
    where work_order_id in (select work_order_id from changed_work_orders)
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

){{ ',' if is_incremental() }}
{%- if is_incremental() %}

rewritten_rows as (

    -- the previous rows this run rewrites: every row not derived from a work order, and the
    -- rows of the changed work orders
    select * from {{ this }} where work_order_id is null
    union all
    select * from {{ this }}
    where work_order_id in (select work_order_id from changed_work_orders)

),

placeholders as (

    -- a rewritten row whose code is not among the new rows (a work order renumbered or moved
    -- to another facility): a placeholder (is_derived null), which deletes it
    select
        {%- for column in columns %}
        {% if column == 'is_derived' -%}
        cast(null as boolean) as is_derived
        {%- else -%}
        rewritten_rows.{{ column }}
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from rewritten_rows
    where not exists (
        select 1 from final as kept where kept.location_code = rewritten_rows.location_code
    )

)
{%- endif %}

select {{ columns | join(', ') }} from final
{%- if is_incremental() %}
union all
select * from placeholders
{%- endif %}
