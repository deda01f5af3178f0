-- The rejected rows of raw material_transactions (docs/faults.md, "Rejected rows"): every raw row the
-- warehouse does not trust, with its rejection_reason and all its columns (the raw values
-- under their staged names). They never reach the journal; fact_source_accounting counts them.

select
    rejection_reason,
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
where rejection_reason is not null
