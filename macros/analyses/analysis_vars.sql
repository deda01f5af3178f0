{#
    The parameters of the analyses (analyses/*.sql: the questions of the DuckDB table macros
    asked on any engine), read from vars and checked to strict formats in Jinja before they
    reach SQL: what the SQL gets is re-rendered from the parsed value, never the text given.
    A value in another format stops the compile with a message naming the var.
#}

{#
    An instant var as a SQL timestamp literal of the engine (timestamptz on DuckDB, timestamp
    on Spark, whose sessions run in UTC). Accepted: YYYY-MM-DD, optionally followed by
    ` HH:MM`, `:SS`, `.ffffff` (1-6 digits) and a UTC offset (Z, +HH, +HHMM or +HH:MM); without
    an offset the instant is in UTC. Rendered in UTC to the microsecond, with an explicit +00:00.
#}
{% macro analysis_instant(name, default) -%}
    {%- set text = var(name, default) | string | trim -%}
    {%- set parts = modules.re.fullmatch(
        '([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])'
        ~ '(?:[ T]([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(?:\.([0-9]{1,6}))?)?)?'
        ~ '(Z|[+-](?:0[0-9]|1[0-4])(?::?[0-5][0-9])?)?', text) -%}
    {%- set fail = "analysis var " ~ name ~ ": " ~ "'" ~ text ~ "'"
        ~ " is not an instant: give YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][Z|+HH[:MM]] (UTC without an offset)" -%}
    {%- if parts is none -%}
        {{ exceptions.raise_compiler_error(fail) }}
    {%- endif -%}
    {%- set year, month, day = parts.group(1) | int, parts.group(2) | int, parts.group(3) | int -%}
    {%- set datetime = modules.datetime -%}
    {#- a day that the month does not have (2026-02-30) lands in the next month -#}
    {%- set first_of_month = datetime.datetime(year, month, 1) -%}
    {%- set local = first_of_month + datetime.timedelta(
        days=day - 1,
        hours=(parts.group(4) or '0') | int,
        minutes=(parts.group(5) or '0') | int,
        seconds=(parts.group(6) or '0') | int,
        microseconds=((parts.group(7) or '') ~ '000000')[:6] | int) -%}
    {%- if local.month != month -%}
        {{ exceptions.raise_compiler_error(fail ~ "; " ~ month ~ "/" ~ year ~ " has no day " ~ day) }}
    {%- endif -%}
    {%- set offset = parts.group(8) or 'Z' -%}
    {%- set offset_minutes = 0 -%}
    {%- if offset != 'Z' -%}
        {%- set digits = offset[1:] | replace(':', '') -%}
        {%- set offset_minutes = (digits[:2] | int) * 60 + ((digits[2:] or '0') | int) -%}
        {%- set offset_minutes = -offset_minutes if offset[0] == '-' else offset_minutes -%}
    {%- endif -%}
    {%- set utc = local - datetime.timedelta(minutes=offset_minutes) -%}
    cast('{{ utc.strftime("%Y-%m-%d %H:%M:%S.%f") }}+00:00' as {{ type_timestamptz() }})
{%- endmacro %}


{#
    A load id var (dim_loads.load_id, the known_at of the table macros) as an integer literal,
    or none when the var is not set (or empty): the answer of the current tables.
#}
{% macro analysis_load_id(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or (value | string | trim) in ('', 'none', 'null') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{1,9}', text) -%}
        {{ exceptions.raise_compiler_error(
            "analysis var " ~ name ~ ": " ~ "'" ~ text ~ "'"
            ~ " is not a load id: give a whole number (dim_loads.load_id), or leave it out") }}
    {%- endif -%}
    {{ return(text | int) }}
{%- endmacro %}


{#
    A code var (a lot code, a supplier's lot number, a sublot code) as a quoted SQL string:
    1 to 64 letters, digits and . _ / -, starting with a letter or digit.
#}
{% macro analysis_code(name, default) -%}
    {%- set text = var(name, default) | string | trim -%}
    {%- if not modules.re.fullmatch('[A-Za-z0-9][A-Za-z0-9._/-]{0,63}', text) -%}
        {{ exceptions.raise_compiler_error(
            "analysis var " ~ name ~ ": " ~ "'" ~ text ~ "'"
            ~ " is not a code: 1-64 letters, digits and . _ / - (such as LOT-00000001 or SL-000200000)") }}
    {%- endif -%}
    '{{ text }}'
{%- endmacro %}


{#
    The distinct values of a text expression in an aggregate, sorted and joined by a
    separator (a literal): the same text on every engine. DuckDB: string_agg(distinct ...
    order by ...); dispatched (Spark: macros/spark/spark_analyses.sql).
#}
{% macro sorted_distinct_string_agg(expression, separator) -%}
    {{ return(adapter.dispatch('sorted_distinct_string_agg', 'plantledger')(expression, separator)) }}
{%- endmacro %}

{% macro default__sorted_distinct_string_agg(expression, separator) -%}
    string_agg(distinct {{ expression }}, {{ separator }} order by {{ expression }})
{%- endmacro %}
