{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key='location_code',
    keys_placeholder_column='is_derived',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('stg_plantledger__work_orders') }}
-- depends_on: {{ ref('stg_plantledger__facilities') }}
-- depends_on: {{ ref('stg_plantledger__storage_locations') }}
-- Every location stock can be at, keyed by location_code: the raw location tree of each
-- facility (physical and virtual) with its depth and path from the site, plus the derived
-- virtual production locations <facility_code>/PRODUCTION/<wo_number>.
--
-- Incremental as int_storage_locations (strategy 'keys' on location_code): the rows that model
-- rewrote in the run (every row not derived from a work order, those of the changed work
-- orders: storage_locations_changed_work_orders), and a placeholder for each such previous row
-- whose code is gone.

with
{%- if is_incremental() %}

current_locations as (

    -- the raw locations of this run (their site rows: storage_locations_changed_work_orders)
    select * from {{ ref('int_storage_locations') }}
    where work_order_id is null

),
{%- endif %}

locations as (

    select * from {{ ref('int_storage_locations') }}
    {%- if is_incremental() %}
    where work_order_id is null
    union all
    select * from {{ ref('int_storage_locations') }}
    where work_order_id in ({{ storage_locations_changed_work_orders(this, 'current_locations') }})
    {%- endif %}

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
{%- if is_incremental() %}

union all

{{ storage_locations_placeholders(this, 'final', 'current_locations', [
    'location_code', 'storage_location_id', 'location_name', 'facility_id', 'facility_code',
    'parent_location_code', 'location_type', 'is_physical', 'is_virtual', 'relocates_sublot',
    'position_sequence', 'depth', 'hierarchy_path', 'work_order_id', 'is_derived']) }}
{%- endif %}
