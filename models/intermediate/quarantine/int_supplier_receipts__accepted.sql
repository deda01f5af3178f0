{{ config(meta={'proof_window': {'lookback': 'received_at'}}) }}
-- proof_window: this view's rows are those of int_supplier_receipts__screened, whose
-- window (strategy 'lookback' on received_at) is all a run rewrites: column_rules
-- checks that window in an incremental run (docs block incremental_loads).

-- The accepted rows of supplier_receipts: the staged columns of every screened row that is neither
-- rejected nor a removed exact duplicate (int_supplier_receipts__screened). Everything downstream of
-- staging reads supplier_receipts from here.

select
    supplier_receipt_id,
    receipt_number,
    material_sublot_id,
    supplier_id,
    part_id,
    facility_id,
    storage_location_id,
    quantity,
    received_status,
    purchase_order_number,
    received_at
from {{ ref('int_supplier_receipts__screened') }}
where rejection_reason is null
    and not is_removed_duplicate
