-- The current knowledge of fact_sublot_location_history_known (superseded_load_id null) is
-- fact_sublot_location_history, row for row, for the sublots it recomputes per load (those
-- with entries from several loads, so intervals recorded by several loads; the others are
-- copied from the history): as known after the newest load it must give today's answer.
-- Returns the rows found on one side only. A sublot-grained proof: both models rebuild the
-- window's sublots whole (int_window_sublots), so an incremental run checks exactly those.

{%- set compared = 'sublot_location_history_id, material_sublot_id, location_code, status, quantity, valid_from, valid_until' %}

with recomputed_sublots as (

    select material_sublot_id
    from {{ ref('fact_sublot_location_history_known') }}
    where {{ proof_in_window_sublots('material_sublot_id') }}
    group by material_sublot_id
    having count(distinct recorded_load_id) > 1

),

known_now as (

    select {{ compared }}
    from {{ ref('fact_sublot_location_history_known') }}
    where superseded_load_id is null
        and material_sublot_id in (select material_sublot_id from recomputed_sublots)

),

history as (

    select {{ compared }}
    from {{ ref('fact_sublot_location_history') }}
    where material_sublot_id in (select material_sublot_id from recomputed_sublots)

),

only_known as (

    select 'only in fact_sublot_location_history_known' as found, * from (
        select * from known_now
        except all
        select * from history
    ) as differences

),

only_history as (

    select 'only in fact_sublot_location_history' as found, * from (
        select * from history
        except all
        select * from known_now
    ) as differences

)

select * from only_known
union all
select * from only_history
