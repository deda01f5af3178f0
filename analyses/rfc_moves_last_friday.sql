-- The sublot location history RFC, question 3: "Which sublots moved to a different location
-- within the warehouse last Friday?" Plain SQL for the DuckDB shell or Python on the built
-- warehouse, through the sublot_moves_between table macro (putaways, bin transfers,
-- replenishments, picks, conveyor moves; status changes stay in place). "The warehouse" is
-- FAC-CHI; last Friday is the most recent Friday before today on its calendar, the whole
-- local day.
-- The same answer: plantledger report moves --on "last friday" --facility FAC-CHI

with facility as (

    select facility_code, timezone
    from marts.dim_facilities
    where facility_code = 'FAC-CHI'

),

facility_today as (

    select cast(timezone(timezone, current_timestamp) as date) as today, timezone
    from facility

),

last_friday as (

    -- isodow: Monday 1 .. Sunday 7; back 1 day on a Saturday .. 7 days on a Friday
    select
        today - cast((isodow(today) + 1) % 7 + 1 as integer) as friday,
        timezone
    from facility_today

),

period as (

    select
        timezone(timezone, cast(friday as timestamp)) as from_at,
        timezone(timezone, cast(friday + interval 1 day as timestamp)) as to_at
    from last_friday

),

moves as (

    select *
    from sublot_moves_between((select from_at from period), (select to_at from period))
    where facility_code = (select facility_code from facility)

)

select
    material_sublot_code,
    material_code,
    count(*) as moves,
    min(moved_at) as first_moved_at,
    max(moved_at) as last_moved_at,
    string_agg(from_location_code || ' -> ' || to_location_code, ', ' order by moved_at) as path
from moves
group by material_sublot_code, material_code
order by first_moved_at, material_sublot_code
