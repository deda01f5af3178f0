{{ config(severity='warn') }}

-- A warning, not an error: the sources whose raw rows were not all accepted as they are
-- (rejected, removed as duplicates, or read with a repair: fact_source_accounting). The build
-- goes on with the accepted rows; this says that it did, so a quarantine never goes unnoticed
-- (a rejected movement can also be the symptom of an event lost upstream: the rows of
-- <source>_rejected say which).

select *
from {{ ref('fact_source_accounting') }}
where rejected_rows > 0
    or duplicate_rows_removed > 0
    or inferred_rows > 0
    or repaired_rows > 0
