-- The current knowledge of fact_sublot_location_history_known (superseded_load_id null) is
-- fact_sublot_location_history, row for row: the record-time model recomputes the history per
-- load the same way, so as known after the newest load it must give today's answer. Returns
-- the rows found on one side only.

{%- set compared = 'sublot_location_history_id, material_sublot_id, location_code, status, quantity, valid_from, valid_until' %}

with known_now as (

    select {{ compared }}
    from {{ ref('fact_sublot_location_history_known') }}
    where superseded_load_id is null

),

history as (

    select {{ compared }}
    from {{ ref('fact_sublot_location_history') }}

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
