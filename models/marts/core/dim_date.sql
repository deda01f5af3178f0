-- One row per calendar day from var dim_date_start to var dim_date_end (dbt_project.yml).
-- Dates in the facts are UTC dates unless a column says local.

with days as (

    {{ dbt.date_spine(
        datepart="day",
        start_date="cast('" ~ var('dim_date_start') ~ "' as date)",
        end_date="cast('" ~ var('dim_date_end') ~ "' as date)"
    ) }}

),

final as (

    select
        cast(date_day as date) as date_day,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start_date,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start_date,
        cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start_date,
        extract(year from date_day) as year_number,
        extract(quarter from date_day) as quarter_number,
        extract(month from date_day) as month_number,
        extract(day from date_day) as day_of_month,
        {{ iso_day_of_week('date_day') }} as iso_day_of_week,
        extract(doy from date_day) as day_of_year,
        {{ iso_day_of_week('date_day') }} in (6, 7) as is_weekend
    from days

)

select * from final
