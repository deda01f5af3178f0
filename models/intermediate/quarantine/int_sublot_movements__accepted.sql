{{ config(meta={'proof_window': {'lookback': 'moved_at'}}) }}
-- proof_window: this view's rows are those of int_sublot_movements__screened, whose
-- window (strategy 'lookback' on moved_at) is all a run rewrites: column_rules
-- checks that window in an incremental run (docs block incremental_loads).

-- The accepted rows of sublot_movements: the staged columns of every screened row that is
-- neither rejected (row checks or exceeds_sublot_quantity) nor a removed exact duplicate
-- (int_sublot_movements__screened). Everything downstream of staging reads sublot_movements
-- from here.

select
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
    recorded_by
from {{ ref('int_sublot_movements__screened') }}
where rejection_reason is null
    and not is_removed_duplicate
