{{ config(materialized='table') }}

-- The sublots with an event in the window this run reprocesses (int_load_window): every sublot
-- of a candidate stock event (int_inventory_events__mapped) at or after the lookback start,
-- so a superset of the sublots of any journal entry there. The sublot-grained incremental models (strategy 'sublots',
-- macros/incremental.sql) rebuild exactly these sublots. On a full build: every sublot.

select distinct material_sublot_id
from {{ ref('int_inventory_events__mapped') }}
where material_sublot_id is not null
    and {{ in_lookback('occurred_at') }}
