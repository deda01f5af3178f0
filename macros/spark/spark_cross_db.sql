{#
    The Apache Spark implementations (dbt-spark, Spark 4) of the engine-specific macros the
    models call through adapter.dispatch('<macro>', 'plantledger'). The DuckDB versions are the
    default__ ones beside each macro's definition (macros/cross_db/, macros/table_macros/, ...).
    Sessions run in UTC (profiles.yml: spark.sql.session.timeZone), so Spark's TIMESTAMP (a UTC
    instant shown in the session zone) is the counterpart of DuckDB's TIMESTAMPTZ.
#}

{# The ISO day of the week of a date, Monday 1 .. Sunday 7. #}
{% macro iso_day_of_week(day) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'plantledger')(day)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(day) -%}
    extract(isodow from {{ day }})
{%- endmacro %}

{% macro spark__iso_day_of_week(day) -%}
    extract(dow_iso from {{ day }})
{%- endmacro %}


{# Spark takes IGNORE NULLS as the second argument of last_value. #}
{% macro spark__last_non_null_value(expression, partition_by, order_by, include_current) -%}
    last_value({{ expression }}, true) over (
        partition by {{ partition_by }}
        order by {{ order_by }}
        rows between unbounded preceding and {{ 'current row' if include_current else '1 preceding' }}
    )
{%- endmacro %}


{#
    dbt-spark's datediff gives an int and refuses null dates; DuckDB's gives a bigint (null for
    a null date). The project takes differences in days only. (The root project's spark__
    version comes first in dbt's dispatch.)
#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- if datepart != 'day' -%}
        {{ exceptions.raise_compiler_error("datediff on Spark: only 'day' is implemented, not " ~ datepart) }}
    {%- endif -%}
    cast(datediff({{ second_date }}, {{ first_date }}) as bigint)
{%- endmacro %}


{% macro spark__type_timestamptz() -%}
    timestamp
{%- endmacro %}


{# Whole milliseconds, as DuckDB's epoch_ms (it truncates the microseconds too). #}
{% macro spark__hours_between(start_at, end_at) -%}
    cast(unix_millis({{ end_at }}) - unix_millis({{ start_at }}) as double) / 3600000.0
{%- endmacro %}


{% macro spark__seconds_between(start_at, end_at) -%}
    (cast(unix_micros({{ end_at }}) - unix_micros({{ start_at }}) as double) / 1000000.0)
{%- endmacro %}


{# Spark's instants are UTC; from_utc_timestamp gives the wall clock of a zone (IANA names). #}
{% macro spark__to_local_time(instant, time_zone) -%}
    from_utc_timestamp({{ instant }}, {{ time_zone }})
{%- endmacro %}


{% macro spark__from_local_time(local_timestamp, time_zone) -%}
    to_utc_timestamp(cast({{ local_timestamp }} as timestamp), {{ time_zone }})
{%- endmacro %}


{#
    Spark has no infinite timestamp: the largest one it holds (9999-12-31 23:59:59.999999 UTC)
    stands for the open end of a current interval; every real instant is before it.
#}
{% macro spark__timestamptz_infinity() -%}
    timestamp '9999-12-31 23:59:59.999999'
{%- endmacro %}


{# Spark's percentile() interpolates between the two nearest values, as quantile_cont. #}
{% macro spark__percentile_cont(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}


{#
    One row per day in the select list: explode(sequence(...)) gives dates; cast to date like
    DuckDB's callers do.
#}
{% macro spark__each_day(start_date, end_date) -%}
    explode(sequence(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day))
{%- endmacro %}


{# One row per whole number in the select list: explode(sequence(...)). #}
{% macro spark__each_whole_number(first, last) -%}
    explode(sequence({{ first }}, {{ last }}))
{%- endmacro %}


{% macro spark__epoch_microseconds(instant) -%}
    unix_micros({{ instant }})
{%- endmacro %}


{% macro spark__instant_of_epoch_microseconds(microseconds) -%}
    timestamp_micros({{ microseconds }})
{%- endmacro %}


{% macro spark__integer_divide(dividend, divisor) -%}
    (({{ dividend }}) div ({{ divisor }}))
{%- endmacro %}


{#
    The columns of `relation_alias` (a CTE or table alias) except `columns`, in their order.
    DuckDB: alias.* exclude (...). Spark has no EXCLUDE: a quoted regular expression selects
    every column whose whole name is not one of them (needs spark.sql.parser.
    quotedRegexColumnNames, set in profiles.yml). The names are checked to be plain identifiers.
#}
{% macro star_except(relation_alias, columns) -%}
    {%- for column in columns -%}
        {%- if not modules.re.fullmatch('[a-z_][a-z0-9_]*', column) -%}
            {{ exceptions.raise_compiler_error("star_except: not a plain column name: " ~ column) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(adapter.dispatch('star_except', 'plantledger')(relation_alias, columns)) }}
{%- endmacro %}

{% macro default__star_except(relation_alias, columns) -%}
    {{ relation_alias ~ '.' if relation_alias }}* exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__star_except(relation_alias, columns) -%}
    {{ relation_alias ~ '.' if relation_alias }}`(?!({{ columns | join('|') }})$).+`
{%- endmacro %}


{# Recursive CTEs: Spark 4.1+ (WITH RECURSIVE, UNION ALL); strings are `string`. #}
{% macro spark__location_hierarchy(relation, id, parent_id, name, separator) -%}
    with recursive tree as (
        select
            {{ id }} as location_id,
            {{ id }} as root_location_id,
            0 as depth,
            cast({{ name }} as string) as hierarchy_path
        from {{ relation }}
        where {{ parent_id }} is null
        union all
        select
            child.{{ id }} as location_id,
            tree.root_location_id,
            tree.depth + 1 as depth,
            concat(tree.hierarchy_path, '{{ separator }}', child.{{ name }}) as hierarchy_path
        from {{ relation }} as child
        inner join tree
            on child.{{ parent_id }} = tree.location_id
        where tree.depth < 32  -- a guard against cycles in bad data
    )
    select location_id, root_location_id, depth, hierarchy_path
    from tree
{%- endmacro %}


{#
    Spark has no USING KEY nor recurring.<cte>: every path is followed (up to max_depth, which
    also ends cycles) and each reached node keeps its shortest depth, the same answer as the
    DuckDB version, which expands a node once per start node in breadth-first order.
#}
{% macro spark__graph_reachability(start_nodes, edges, from_column, to_column, max_depth) -%}
    with recursive paths (start_node_id, node_id, depth) as (
        select
            node_id as start_node_id,
            node_id,
            0 as depth
        from {{ start_nodes }}
        union all
        select
            paths.start_node_id,
            edges.{{ to_column }} as node_id,
            paths.depth + 1 as depth
        from paths
        inner join {{ edges }} as edges
            on paths.node_id = edges.{{ from_column }}
        where paths.depth < {{ max_depth }}
    )
    select start_node_id, node_id, min(depth) as depth
    from paths
    group by start_node_id, node_id
{%- endmacro %}


{#
    The DuckDB table macros (trace_forward/backward, inventory_as_of, ...) have no Spark
    counterpart (Spark SQL functions cannot return tables): on Spark the hooks create nothing,
    and the same questions are the parameterised analyses in analyses/ (README, "Running on
    Apache Spark").
#}
{% macro spark__create_trace_macros() -%}
    {%- if execute and flags.WHICH in ('run', 'build') -%}
        {{ log("trace macros: not created on Spark (use the analyses trace_*)", info=true) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{% macro spark__point_in_time_macro_statements(relations) -%}
    {{ log("point-in-time macros: not created on Spark (use the analyses rfc_*, point_in_time_inventory)", info=true) }}
    {{ return([]) }}
{%- endmacro %}


{# The value of `value` on the row where `ordering` is smallest (an aggregate). #}
{% macro value_at_min(value, ordering) -%}
    {{ return(adapter.dispatch('value_at_min', 'plantledger')(value, ordering)) }}
{%- endmacro %}

{% macro default__value_at_min(value, ordering) -%}
    arg_min({{ value }}, {{ ordering }})
{%- endmacro %}

{% macro spark__value_at_min(value, ordering) -%}
    min_by({{ value }}, {{ ordering }})
{%- endmacro %}


{#
    The sum of `expression` over a group, added in the order of `order_by`: a float sum is
    reproducible only in a fixed order. Spark has no ordered aggregates: the group's values are
    collected, sorted by (order_by, value) and folded.
#}
{% macro ordered_sum(expression, order_by) -%}
    {{ return(adapter.dispatch('ordered_sum', 'plantledger')(expression, order_by)) }}
{%- endmacro %}

{% macro default__ordered_sum(expression, order_by) -%}
    sum({{ expression }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_sum(expression, order_by) -%}
    case when count({{ expression }}) > 0 then aggregate(
        array_sort(collect_list(struct({{ order_by }} as k, {{ expression }} as v))),
        cast(0 as double),
        (total, item) -> total + coalesce(item.v, 0)
    ) end
{%- endmacro %}


{#
    Every row of two relations with the same columns, matched by name. DuckDB: UNION ALL BY
    NAME. Spark has no such SQL: both sides select the model's columns in the order of its
    YAML entry (model.columns; the model must list them, as a contract does).
#}
{% macro union_all_by_name(left, right) -%}
    {{ return(adapter.dispatch('union_all_by_name', 'plantledger')(left, right)) }}
{%- endmacro %}

{% macro default__union_all_by_name(left, right) -%}
    select * from {{ left }}
    union all by name
    select * from {{ right }}
{%- endmacro %}

{% macro spark__union_all_by_name(left, right) -%}
    {%- set columns = model.columns.keys() | list -%}
    {%- if not columns and execute -%}
        {{ exceptions.raise_compiler_error("union_all_by_name on Spark needs the model's columns in its YAML entry") }}
    {%- endif -%}
    select {{ columns | join(', ') or '*' }} from {{ left }}
    union all
    select {{ columns | join(', ') or '*' }} from {{ right }}
{%- endmacro %}


{#
    dbt-spark's dateadd goes through unix seconds: it drops the microseconds and cannot add
    one. timestampadd keeps them (Spark 3.3+); a date becomes a timestamp at midnight, as
    DuckDB's date + interval. (The root project's spark__ version comes first in dbt's
    dispatch.)
#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}


{#
    True when the row's `columns` (a list of names) occur together in a row of `relation`
    (a relation or CTE with columns of the same names). DuckDB compares them as one row value
    (its IN subquery returns one column); Spark takes the columns of the subquery as they are.
#}
{% macro columns_in(columns, relation) -%}
    {{ return(adapter.dispatch('columns_in', 'plantledger')(columns, relation)) }}
{%- endmacro %}

{% macro default__columns_in(columns, relation) -%}
    ({{ columns | join(', ') }}) in (select ({{ columns | join(', ') }}) from {{ relation }})
{%- endmacro %}

{% macro spark__columns_in(columns, relation) -%}
    ({{ columns | join(', ') }}) in (select {{ columns | join(', ') }} from {{ relation }})
{%- endmacro %}


{# event_sequence_key on Spark: the epoch in microseconds is unix_micros (macros/incremental/incremental_keys.sql). #}
{% macro spark__event_sequence_key(instant, instant_rank) -%}
    (unix_micros({{ instant }}) * 1024 + {{ instant_rank }} - 1)
{%- endmacro %}
