{{ config(
    materialized='incremental',
    incremental_strategy='sublots',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- Time each sublot spent at each physical location (the RFC's conveyor analysis, and dock,
-- bin and staging dwell too): one row per stay, a run of back-to-back intervals of
-- fact_sublot_location_history (read from int_sublot_location_balances) at the same location
-- (a status or quantity change during a stay does not end it). fact_conveyor_dwell_summary sums it up per conveyor position.

with locations as (

    select * from {{ ref('dim_storage_locations') }}

),

sublots as (

    select * from {{ ref('dim_material_sublots') }}

),

physical_intervals as (

    -- the intervals of fact_sublot_location_history at physical locations, read from the
    -- entries that open them (int_sublot_location_balances); narrow on purpose: the joins
    -- below hash every interval (names are joined at the end)
    select
        balances.entry_sequence as sublot_location_history_id,
        balances.material_sublot_id,
        balances.storage_location_id,
        balances.status,
        cast(balances.balance as {{ dbt.type_int() }}) as quantity,
        balances.entry_at as valid_from,
        balances.next_entry_at as valid_to
    from {{ ref('int_sublot_location_balances') }} as balances
    inner join locations
        on balances.storage_location_id = locations.storage_location_id
    where locations.is_physical
        {% if is_incremental() %}and {{ in_window_sublots('balances.material_sublot_id') }}{% endif %}

),

stays as (

    -- runs of back-to-back intervals at one location (macro sublot_stays_sql, shared with
    -- conveyor_dwell_between's known_at branch)
    {{ sublot_stays_sql('physical_intervals') }}

),

final as (

    select
        stays.sublot_dwell_id,
        stays.material_sublot_id,
        sublots.sublot_code as material_sublot_code,
        sublots.material_type,
        sublots.material_code,
        locations.facility_id,
        locations.facility_code,
        locations.location_code,
        locations.location_type,
        case
            when locations.location_type = 'conveyor_line' then locations.location_code
            when locations.location_type = 'conveyor_position'
                then locations.parent_location_code
        end as conveyor_line_code,
        locations.position_sequence,
        stays.arrived_at,
        stays.left_at,
        {{ seconds_between('stays.arrived_at', 'stays.left_at') }} as dwell_seconds,
        stays.left_at is null as is_open,
        stays.arrival_quantity,
        stays.arrival_status,
        stays.intervals
    from stays
    inner join sublots
        on stays.material_sublot_id = sublots.material_sublot_id
    inner join locations
        on stays.storage_location_id = locations.storage_location_id

)

select * from final
order by facility_code, arrived_at
