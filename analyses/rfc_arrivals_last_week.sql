-- The sublot location history RFC, question 2: "What inventory arrived into the warehouse last
-- week?" Plain SQL for the DuckDB shell or Python on the built warehouse, through the
-- arrivals_between table macro (supplier receipts, transfers in, production receipts).
-- "The warehouse" is FAC-CHI; last week is its local Monday 00:00 to the next Monday 00:00.
-- The same answer: plantledger report arrivals --week last --facility FAC-CHI

with facility as (

    select facility_code, timezone
    from marts.dim_facilities
    where facility_code = 'FAC-CHI'

),

last_week as (

    select
        cast(
            date_trunc('week', cast(timezone(timezone, current_timestamp) as date))
            - interval 7 day as date
        ) as monday,
        timezone
    from facility

),

period as (

    select
        timezone(timezone, cast(monday as timestamp)) as from_at,
        timezone(timezone, cast(monday + interval 7 day as timestamp)) as to_at
    from last_week

),

arrivals as (

    select *
    from arrivals_between((select from_at from period), (select to_at from period))
    where facility_code = (select facility_code from facility)

)

select
    arrival_kind,
    from_facility_code,
    material_code,
    count(*) as sublots,
    sum(quantity) as quantity,
    min(arrived_at) as first_arrived_at,
    max(arrived_at) as last_arrived_at
from arrivals
group by arrival_kind, from_facility_code, material_code
order by arrival_kind, from_facility_code, material_code
