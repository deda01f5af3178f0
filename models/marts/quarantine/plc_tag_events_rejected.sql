-- The rejected rows of raw plc_tag_events (docs/faults.md, "Rejected rows"): every raw row the
-- warehouse does not trust, with its rejection_reason and all its columns (the raw values
-- under their staged names). They never reach the journal; fact_source_accounting counts them.

select
    rejection_reason,
    plc_tag_event_id,
    tag_name,
    storage_location_id,
    tag_value,
    source_timestamp,
    server_timestamp,
    quality
from {{ ref('int_plc_tag_events__screened') }}
where rejection_reason is not null
