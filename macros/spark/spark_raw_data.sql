{#
    The raw layer on Apache Spark. dbt-duckdb reads each source straight from parquet
    (meta.external_location); Spark reads them through one view per source table,
    raw.<table> = the parquet files of <raw>/<table>/, (re)created by the on-run-start hook
    create_raw_sources before any model runs. The raw folder is a local path or a URI every
    executor reaches (s3a://bucket/raw, hdfs://...).
#}

{#
    The raw folder (PLANTLEDGER_RAW, as raw_folder()) checked to a strict format before it
    reaches Spark SQL, where it sits in string literals and `path` identifiers: letters,
    digits and / . _ - : @ % + = , ~ only. Anything else stops the run with one line.
#}
{% macro spark_raw_location() -%}
    {%- set raw = raw_folder() -%}
    {%- if not modules.re.fullmatch('[A-Za-z0-9/._:@%+=,~-]+', raw) -%}
        {{ exceptions.raise_compiler_error(
            "PLANTLEDGER_RAW " ~ (raw | tojson) ~ " is not a raw folder path Spark can be given: "
            ~ "on Spark it may hold only letters, digits and / . _ - : @ % + = , ~; "
            ~ "move or rename the folder") }}
    {%- endif -%}
    {{- return(raw) -}}
{%- endmacro %}


{# on-run-start hook: the views raw.<table> over the parquet; nothing on DuckDB. #}
{% macro create_raw_sources() -%}
    {{ return(adapter.dispatch('create_raw_sources', 'plantledger')()) }}
{%- endmacro %}

{% macro default__create_raw_sources() -%}
    {{ return('') }}
{%- endmacro %}

{% macro spark__create_raw_sources() -%}
    {%- if execute -%}
        {%- set raw = spark_raw_location() -%}
        {%- set schemas = [] -%}
        {%- for source in graph.sources.values() if source.source_name == 'plantledger' -%}
            {%- if source.schema not in schemas -%}
                {%- do run_query("create database if not exists " ~ source.schema) -%}
                {%- do schemas.append(source.schema) -%}
            {%- endif -%}
            {%- do run_query(
                "create or replace view " ~ source.schema ~ "." ~ source.identifier
                ~ " as select * from parquet.`" ~ raw ~ "/" ~ source.name ~ "`") -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}


{#
    Spark's file sources skip files whose name starts with "_" (Hadoop's hidden files), so
    Spark SQL cannot read <raw>/_manifest.json. What the models read from it comes as vars
    (python -m plantledger.spark_vars <raw> prints them): history_end_date (read by
    history_end() before any query), raw_generation and raw_newest_load_id. Each is checked to
    a strict format before it reaches SQL; a missing one stops the run with one line.
#}
{% macro spark_manifest_var(name, pattern) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " is not set: on Spark the raw folder's manifest facts come as vars; "
            ~ "add --vars \"$(python -m plantledger.spark_vars " ~ raw_folder() ~ ")\"") }}
    {%- endif -%}
    {%- if not modules.re.fullmatch(pattern, value | string) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " is " ~ ((value | string)[:40] | tojson) ~ ", not what "
            ~ "python -m plantledger.spark_vars prints: pass its output as --vars") }}
    {%- endif -%}
    {{- return(value | string) -}}
{%- endmacro %}


{#
    check_raw_data (macros/raw_data.sql) on Spark, which has no glob(): the manifest's facts are
    the vars above, and the tables' parquet files are listed with the binaryFile source (only
    their paths are read). Spark refuses a path matching nothing with its own PATH_NOT_FOUND
    error rather than an empty list.
#}
{% macro spark__check_raw_data_manifest_sql(raw) -%}
    {%- if execute -%}{%- do spark_manifest_var('history_end_date', '[0-9]{4}-[0-9]{2}-[0-9]{2}') -%}{%- endif -%}
    select 1 as manifests
{%- endmacro %}

{% macro spark__check_raw_data_tables_sql(raw) -%}
    select distinct regexp_extract(path, '([^/]+)/[^/]+$', 1) as table_name
    from binaryFile.`{{ spark_raw_location() }}/*/*.parquet`
{%- endmacro %}


{# Reached only without var history_end_date (history_end() reads the var first). #}
{% macro spark__history_end_date_sql(raw) -%}
    select '{{ spark_manifest_var('history_end_date', '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}' as end_date
{%- endmacro %}

{% macro spark__warehouse_generation_sql(window, manifest) -%}
    select
        raw_generation as built_from,
        '{{ spark_raw_generation() }}' as raw_now,
        raw_generation <=> '{{ spark_raw_generation() }}' as same
    from {{ window }}
{%- endmacro %}

{% macro spark_raw_generation() -%}
    {{- return(spark_manifest_var('raw_generation', '[0-9.]+/[0-9]+/[0-9]{4}-[0-9]{2}-[0-9]{2}')) -}}
{%- endmacro %}


{#
    The raw folder's generation as one text, scale/seed/first day of load 0 (int_load_window
    records it; check_warehouse_generation compares it): a select of one row and column.
#}
{% macro raw_generation_select() -%}
    {{ return(adapter.dispatch('raw_generation_select', 'plantledger')()) }}
{%- endmacro %}

{% macro default__raw_generation_select() -%}
    select
        cast(parameters.scale as varchar) || '/' || cast(parameters.seed as varchar) || '/'
            || cast(loads[1].first_day as varchar)
    from read_json_auto('{{ raw_path() }}/_manifest.json')
{%- endmacro %}

{% macro spark__raw_generation_select() -%}
    select '{{ spark_raw_generation() if execute else '' }}'
{%- endmacro %}


{#
    The loads of the raw folder's manifest, one row each with the struct column load (load_id,
    kind, first_day, last_day, days, late_events, as in _manifest.json).
#}
{% macro raw_manifest_loads() -%}
    {{ return(adapter.dispatch('raw_manifest_loads', 'plantledger')()) }}
{%- endmacro %}

{% macro default__raw_manifest_loads() -%}
    select unnest(loads) as load
    from read_json_auto('{{ raw_path() }}/_manifest.json')
{%- endmacro %}

{#
    Spark: from var raw_loads (python -m plantledger.spark_vars), every field checked to a
    strict format before it becomes a literal.
#}
{% macro spark__raw_manifest_loads() -%}
    {%- set loads = var('raw_loads', none) if execute else [] -%}
    {%- if loads is none -%}{%- do spark_manifest_var('raw_loads', '') -%}{%- endif -%}
    {%- set structs = [] -%}
    {%- set formats = {'load_id': '[0-9]{1,6}', 'kind': '[a-z_]{1,20}',
                       'first_day': '[0-9]{4}-[0-9]{2}-[0-9]{2}', 'last_day': '[0-9]{4}-[0-9]{2}-[0-9]{2}',
                       'days': '[0-9]{1,6}', 'late_events': '[0-9]{1,9}'} -%}
    {%- for load in loads -%}
        {%- set fields = [] -%}
        {%- for name, pattern in formats.items() -%}
            {%- set value = (load[name] if load is mapping and name in load else '') | string -%}
            {%- if not modules.re.fullmatch(pattern, value) -%}
                {{ exceptions.raise_compiler_error(
                    "var raw_loads: " ~ name ~ " is " ~ (value[:40] | tojson) ~ ", not what "
                    ~ "python -m plantledger.spark_vars prints: pass its output as --vars") }}
            {%- endif -%}
            {%- set literal = value if name in ('load_id', 'days', 'late_events') else "'" ~ value ~ "'" -%}
            {%- do fields.append("'" ~ name ~ "', " ~ literal) -%}
        {%- endfor -%}
        {%- do structs.append("named_struct(" ~ fields | join(', ') ~ ")") -%}
    {%- endfor -%}
    {%- if not structs -%}
        {%- do structs.append("named_struct('load_id', 0, 'kind', 'initial', 'first_day', '2000-01-01', 'last_day', '2000-01-01', 'days', 0, 'late_events', 0)") -%}
    {%- endif -%}
    select explode(array({{ structs | join(', ') }})) as load
{%- endmacro %}


{# The load ids of the raw folder's manifest, one row each, column load_id. #}
{% macro raw_manifest_load_ids() -%}
    select load.load_id from ({{ raw_manifest_loads() }})
{%- endmacro %}
