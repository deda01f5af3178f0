-- The rejected rows of raw sublot_movements (docs/faults.md, "Rejected rows"): every raw row the
-- warehouse does not trust, with its rejection_reason and all its columns (the raw values
-- under their staged names). They never reach the journal; fact_source_accounting counts them.

select
    rejection_reason,
    sublot_movement_id,
    movement_number,
    movement_type,
    material_sublot_id,
    facility_id,
    from_location_id,
    to_location_id,
    quantity,
    from_status,
    to_status,
    reason_code,
    moved_at,
    recorded_by,
    balance_before_movement
from {{ ref('int_sublot_movements__screened') }}
where rejection_reason is not null
