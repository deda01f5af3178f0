{#
    Engine-specific expressions on instants and numbers, each dispatched (adapter.dispatch) so
    another engine can override it (macros/spark/): used by the point-in-time marts, their
    table macros (macros/table_macros/point_in_time.sql) and the dwell models.
#}

{# An instant later than every other: the open end of a current interval. #}
{% macro timestamptz_infinity() -%}
    {{ return(adapter.dispatch('timestamptz_infinity', 'plantledger')()) }}
{%- endmacro %}

{% macro default__timestamptz_infinity() -%}
    cast('infinity' as {{ type_timestamptz() }})
{%- endmacro %}


{#
    The instant at which the wall clock of an IANA time zone (a column or literal) shows the
    given local timestamp (without time zone): the inverse of to_local_time. DuckDB (ICU):
    timezone(zone, timestamp).
#}
{% macro from_local_time(local_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('from_local_time', 'plantledger')(local_timestamp, time_zone)) }}
{%- endmacro %}

{% macro default__from_local_time(local_timestamp, time_zone) -%}
    timezone({{ time_zone }}, cast({{ local_timestamp }} as timestamp))
{%- endmacro %}


{# Seconds from one instant to another, to the microsecond (stays can be shorter than 1 ms). #}
{% macro seconds_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('seconds_between', 'plantledger')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__seconds_between(start_at, end_at) -%}
    ((epoch_us({{ end_at }}) - epoch_us({{ start_at }})) / 1000000.0)
{%- endmacro %}


{# The continuous percentile (0..1) of an expression in an aggregate. DuckDB: quantile_cont. #}
{% macro percentile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'plantledger')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}


{#
    A select-list expression that repeats its row once per day from start_date to end_date
    (inclusive), giving the day (a timestamp at midnight on DuckDB: cast it to a date). DuckDB:
    unnest(generate_series(...)) in the select list, which, unlike a lateral join, lets filters
    on the row's other columns reach the table scan, and is many times faster than a range join
    with a calendar when spreading millions of rows.
#}
{% macro each_day(start_date, end_date) -%}
    {{ return(adapter.dispatch('each_day', 'plantledger')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__each_day(start_date, end_date) -%}
    unnest(generate_series({{ start_date }}, {{ end_date }}, interval 1 day))
{%- endmacro %}


{#
    A select-list expression that repeats its row once per whole number from first to last
    (inclusive), giving the number. DuckDB: unnest(generate_series(...)), as each_day.
#}
{% macro each_whole_number(first, last) -%}
    {{ return(adapter.dispatch('each_whole_number', 'plantledger')(first, last)) }}
{%- endmacro %}

{% macro default__each_whole_number(first, last) -%}
    unnest(generate_series({{ first }}, {{ last }}))
{%- endmacro %}


{# Microseconds since 1970-01-01 00:00 UTC of an instant (a bigint). DuckDB: epoch_us. #}
{% macro epoch_microseconds(instant) -%}
    {{ return(adapter.dispatch('epoch_microseconds', 'plantledger')(instant)) }}
{%- endmacro %}

{% macro default__epoch_microseconds(instant) -%}
    epoch_us({{ instant }})
{%- endmacro %}


{# The instant (timestamp with time zone) a bigint of epoch microseconds stands for. #}
{% macro instant_of_epoch_microseconds(microseconds) -%}
    {{ return(adapter.dispatch('instant_of_epoch_microseconds', 'plantledger')(microseconds)) }}
{%- endmacro %}

{% macro default__instant_of_epoch_microseconds(microseconds) -%}
    make_timestamptz({{ microseconds }})
{%- endmacro %}


{# Integer division of two bigints, rounded towards zero. DuckDB: //. #}
{% macro integer_divide(dividend, divisor) -%}
    {{ return(adapter.dispatch('integer_divide', 'plantledger')(dividend, divisor)) }}
{%- endmacro %}

{% macro default__integer_divide(dividend, divisor) -%}
    (({{ dividend }}) // ({{ divisor }}))
{%- endmacro %}


{#
    UTC weeks (Monday 00:00 UTC to the next) numbered from the one of 1970-01-05, the first
    Monday after the epoch: utc_week_number(epoch microseconds) and utc_week_start(number).
    Plain integer arithmetic on epoch microseconds: independent of the session's time zone, and
    many times faster than converting time zones row by row (fact_sublot_location_weeks).
    Instants before 1970-01-05 are not numbered correctly (no data is that old).
#}
{% macro utc_week_number(epoch_us) -%}
    {{ integer_divide('(' ~ epoch_us ~ ') - 345600000000', '604800000000') }}
{%- endmacro %}

{% macro utc_week_start(week_number) -%}
    {{ instant_of_epoch_microseconds('(' ~ week_number ~ ') * 604800000000 + 345600000000') }}
{%- endmacro %}
