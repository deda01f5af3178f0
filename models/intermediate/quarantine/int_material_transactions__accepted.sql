{{ config(meta={'proof_window': {'lookback': 'transacted_at'}}) }}
-- proof_window: this view's rows are those of int_material_transactions__screened, whose
-- window (strategy 'lookback' on transacted_at) is all a run rewrites: column_rules
-- checks that window in an incremental run (docs block incremental_loads).

-- The accepted rows of material_transactions: the staged columns of every screened row that is neither
-- rejected nor a removed exact duplicate (int_material_transactions__screened). Everything downstream of
-- staging reads material_transactions from here.

select
    material_transaction_id,
    transaction_number,
    transaction_type,
    work_order_id,
    part_id,
    product_id,
    facility_id,
    material_sublot_id,
    storage_location_id,
    quantity,
    unit_cost,
    reason_code,
    reference_number,
    transacted_at,
    created_by
from {{ ref('int_material_transactions__screened') }}
where rejection_reason is null
    and not is_removed_duplicate
