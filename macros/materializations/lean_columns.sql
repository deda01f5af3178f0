{#
    DuckDB's `get_columns_in_relation` (dbt's adapter.get_columns_in_relation, called while
    compiling unit tests, the column_rules tests and int_load_window, and by the incremental
    materialization) without dbt's BEGIN before it (issue #11 item 1a: dbt's fixed cost per
    node): a `describe` reads the catalog, and DuckDB runs it as a transaction of its own. A
    transaction the node opened before stays open and the describe runs inside it. The columns
    are dbt-duckdb's: name and DuckDB type (precision and scale are in the type's text).
#}
{% macro duckdb__get_columns_in_relation(relation) -%}
    {% call statement('get_columns_in_relation', fetch_result=True, auto_begin=False) -%}
        select
            column_name,
            column_type as data_type,
            null::bigint as character_maximum_length,
            null::bigint as numeric_precision,
            null::bigint as numeric_scale
        from (describe {{ relation.render() }})
    {%- endcall %}
    {{ return(sql_convert_columns_in_relation(load_result('get_columns_in_relation').table)) }}
{%- endmacro %}
