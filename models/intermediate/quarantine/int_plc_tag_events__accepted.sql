{{ config(meta={'proof_window': {'lookback': 'source_timestamp'}}) }}
-- proof_window: this view's rows are those of int_plc_tag_events__screened, whose
-- window (strategy 'lookback' on source_timestamp) is all a run rewrites: column_rules
-- checks that window in an incremental run (docs block incremental_loads).

-- The accepted rows of plc_tag_events: the staged columns of every screened row that is neither
-- rejected nor a removed exact duplicate (int_plc_tag_events__screened). Everything downstream of
-- staging reads plc_tag_events from here.

select
    plc_tag_event_id,
    tag_name,
    storage_location_id,
    tag_value,
    source_timestamp,
    server_timestamp,
    quality
from {{ ref('int_plc_tag_events__screened') }}
where rejection_reason is null
    and not is_removed_duplicate
