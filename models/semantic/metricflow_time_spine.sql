-- The day-grain time spine MetricFlow joins time-based metrics to (one row per calendar day of
-- dim_date).

select date_day
from {{ ref('dim_date') }}
