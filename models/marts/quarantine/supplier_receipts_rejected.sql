-- The rejected rows of raw supplier_receipts (docs/faults.md, "Rejected rows"): every raw row the
-- warehouse does not trust, with its rejection_reason and all its columns (the raw values
-- under their staged names). They never reach the journal; fact_source_accounting counts them.

select
    rejection_reason,
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
where rejection_reason is not null
