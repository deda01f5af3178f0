{#
    Engine-specific SQL lives here, behind adapter.dispatch('<macro>', 'plantledger'), so the
    models stay portable: add <adapter>__<macro> for another engine. The default__ versions are
    written for DuckDB (and mostly work on Postgres).
#}

{# The type of a UTC instant. #}
{% macro type_timestamptz() -%}
    {{ return(adapter.dispatch('type_timestamptz', 'plantledger')()) }}
{%- endmacro %}

{% macro default__type_timestamptz() -%}
    timestamp with time zone
{%- endmacro %}


{# A readable natural key from several columns: 'a-b-c' (each cast to string). #}
{% macro composite_key(columns, separator='-') -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last %}{% do parts.append("'" ~ separator ~ "'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}


{#
    The last non-null value of `expression` over the rows of the partition ordered by `order_by`,
    up to and including the current row (include_current=true) or up to the row before it.
    Needs IGNORE NULLS in window functions (DuckDB, Snowflake, BigQuery, Redshift, not Postgres).
#}
{% macro last_non_null_value(expression, partition_by, order_by, include_current=true) -%}
    {{ return(adapter.dispatch('last_non_null_value', 'plantledger')(expression, partition_by, order_by, include_current)) }}
{%- endmacro %}

{% macro default__last_non_null_value(expression, partition_by, order_by, include_current) -%}
    last_value({{ expression }} ignore nulls) over (
        partition by {{ partition_by }}
        order by {{ order_by }}
        rows between unbounded preceding and {{ 'current row' if include_current else '1 preceding' }}
    )
{%- endmacro %}


{# Hours (with fractions) from one instant to another. #}
{% macro hours_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('hours_between', 'plantledger')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__hours_between(start_at, end_at) -%}
    (epoch_ms({{ end_at }}) - epoch_ms({{ start_at }})) / 3600000.0
{%- endmacro %}


{#
    The wall-clock time of a UTC instant in an IANA time zone given by a column or literal
    (a timestamp without time zone). DuckDB: timezone(zone, timestamptz) (ICU).
#}
{% macro to_local_time(instant, time_zone) -%}
    {{ return(adapter.dispatch('to_local_time', 'plantledger')(instant, time_zone)) }}
{%- endmacro %}

{% macro default__to_local_time(instant, time_zone) -%}
    timezone({{ time_zone }}, {{ instant }})
{%- endmacro %}


{# The UTC calendar date of an instant (independent of the session time zone). #}
{% macro utc_date(instant) -%}
    cast({{ to_local_time(instant, "'UTC'") }} as date)
{%- endmacro %}
