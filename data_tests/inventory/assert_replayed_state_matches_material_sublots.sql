-- Replaying the journal gives every sublot's current state as material_sublots states it:
-- location, facility, quantity and status (docs/raw_data_design.md, "Current state").
-- Returns each sublot where they differ (or that is on one side only), both versions side by
-- side.
--
-- A sublot-grained proof: an incremental run checks the sublots whose replay it rebuilt (the
-- window's, int_window_sublots) and those whose stated row came with a load it consumed; no
-- other sublot changed on either side. A full build checks every sublot.

with stated as (

    select *
    from {{ ref('stg_plantledger__material_sublots') }}
    where {{ proof_in_window_sublots('material_sublot_id') }}
        or {{ proof_in_new_loads('load_id') }}

),

replayed as (

    select *
    from {{ ref('int_sublot_state_replayed') }}
    where {{ proof_in_window_sublots('material_sublot_id') }}
        or material_sublot_id in (select material_sublot_id from stated)

)

select
    coalesce(stated.material_sublot_id, replayed.material_sublot_id) as material_sublot_id,
    stated.sublot_code,
    stated.storage_location_id as stated_storage_location_id,
    replayed.storage_location_id as replayed_storage_location_id,
    stated.facility_id as stated_facility_id,
    replayed.facility_id as replayed_facility_id,
    stated.quantity as stated_quantity,
    replayed.quantity as replayed_quantity,
    stated.sublot_status as stated_status,
    replayed.sublot_status as replayed_status
from stated
full outer join replayed
    on stated.material_sublot_id = replayed.material_sublot_id
where stated.material_sublot_id is null
    or replayed.material_sublot_id is null
    or stated.storage_location_id is distinct from replayed.storage_location_id
    or stated.facility_id is distinct from replayed.facility_id
    or stated.quantity is distinct from replayed.quantity
    or stated.sublot_status is distinct from replayed.sublot_status
