{#
    Incremental models on Spark without Delta Lake or Iceberg (neither is available offline
    here): the project's strategies (lookback, sublots, keys: macros/incremental.sql) delete
    rows before inserting, which plain parquet tables cannot do. On Spark every incremental
    model is therefore rebuilt whole, as a table, on every run, and is_incremental() is false
    there, so each model selects all its rows: the answers are those of a full refresh. A
    cluster with Delta (file_format: delta) would run the same strategies as DuckDB, through
    spark__ versions of get_incremental_<strategy>_sql built on MERGE / DELETE (README,
    "Running on Apache Spark").
#}
{% materialization incremental, adapter='spark' -%}
    {{ return(dbt.materialization_table_spark()) }}
{%- endmaterialization %}


{# dbt's is_incremental(), false on an engine whose incremental models are rebuilt whole. #}
{% macro is_incremental() -%}
    {{ return(adapter.dispatch('is_incremental_run', 'plantledger')()) }}
{%- endmacro %}

{% macro default__is_incremental_run() -%}
    {{ return(dbt.is_incremental()) }}
{%- endmacro %}

{% macro spark__is_incremental_run() -%}
    {{ return(false) }}
{%- endmacro %}
