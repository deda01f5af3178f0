-- The sublot location history RFC, question 1: "What inventory did we have in the warehouse on
-- Friday last week?" Plain SQL for the DuckDB shell or Python on the built warehouse
-- (duckdb warehouse/plantledger.duckdb < analyses/rfc_inventory_friday_last_week.sql), through
-- the inventory_as_of table macro `dbt build` leaves there. "The warehouse" is FAC-CHI, and
-- Friday is its local Friday (America/Chicago): the stock at the last microsecond of that day.
-- The same answer: plantledger report inventory --as-of "friday last week" --facility FAC-CHI

with facility as (

    select facility_code, timezone
    from marts.dim_facilities
    where facility_code = 'FAC-CHI'

),

friday_last_week as (

    -- Monday of this week on the facility's calendar, less three days
    select
        cast(
            date_trunc('week', cast(timezone(timezone, current_timestamp) as date))
            - interval 3 day as date
        ) as friday,
        timezone
    from facility

),

end_of_friday as (

    select
        timezone(timezone, cast(friday + interval 1 day as timestamp)) - interval 1 microsecond
            as as_of_at
    from friday_last_week

),

stock as (

    select *
    from inventory_as_of((select as_of_at from end_of_friday))
    where facility_code = (select facility_code from facility)

)

select
    location_code,
    material_code,
    status,
    count(*) as sublots,
    sum(quantity) as quantity
from stock
group by location_code, material_code, status
order by location_code, material_code, status
