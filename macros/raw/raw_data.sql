{#
    Where the raw parquet lives: PLANTLEDGER_RAW, default data/raw (relative to the folder dbt
    runs in), as plain text for messages. A path with a character DuckDB's glob or dbt-duckdb's
    location template would read as syntax (* ? [ ] { }) or a control character stops the run
    with one line; quotes are fine (raw_path() escapes them).
#}
{% macro raw_folder() -%}
    {%- set raw = env_var('PLANTLEDGER_RAW', 'data/raw') | trim -%}
    {%- set raw = raw.rstrip('/') if raw.rstrip('/') else raw -%}
    {%- if not raw or modules.re.search('[*?\\[\\]{}\\x00-\\x1f\\x7f]', raw) -%}
        {{ exceptions.raise_compiler_error(
            "PLANTLEDGER_RAW " ~ (raw | tojson) ~ " is not a usable raw folder path: it must not be "
            ~ "empty nor hold * ? [ ] { } or control characters; move or rename the folder") }}
    {%- endif -%}
    {{- return(raw) -}}
{%- endmacro %}


{#
    The raw folder as the body of a SQL string literal: raw_folder() with its single quotes
    escaped by the adapter (dbt.escape_single_quotes), so '{{ raw_path() }}/x' is always one
    literal, whatever the path holds. The sources (models/staging/plantledger/
    _plantledger__sources.yml) read <raw>/<table>/*.parquet from the same variable, escaped alike.
#}
{% macro raw_path() -%}
    {{- return(dbt.escape_single_quotes(raw_folder()) | trim) -}}
{%- endmacro %}


{#
    on-run-start hook: stop the whole invocation, with one clear line, when the raw data is not
    there: no <raw>/_manifest.json, or a source table with no parquet file in <raw>/<table>/.
    The list of tables comes from the declared sources, so it cannot drift from them.
    Returns no SQL (the hook runs the checks itself).
#}
{% macro check_raw_data() %}
    {%- if execute -%}
        {%- set raw = raw_path() -%}
        {%- set hint = "run `plantledger generate` (or `make run`) first" -%}
        {%- set expected = [] -%}
        {%- for source in graph.sources.values() if source.source_name == 'plantledger' -%}
            {%- do expected.append(source.name) -%}
        {%- endfor -%}

        {%- set manifest = run_query(check_raw_data_manifest_sql(raw)) -%}
        {%- if manifest.columns[0].values()[0] == 0 -%}
            {{ exceptions.raise_compiler_error("raw data not found at " ~ raw_folder() ~ ": " ~ hint) }}
        {%- endif -%}

        {%- set present = run_query(check_raw_data_tables_sql(raw)).columns[0].values() -%}
        {%- set missing = [] -%}
        {%- for table in expected | sort if table not in present -%}
            {%- do missing.append(table) -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                "raw data at " ~ raw_folder() ~ " is incomplete (no parquet for " ~ missing | join(", ")
                ~ "): " ~ hint) }}
        {%- endif -%}
        {#- the vars and the manifest's end_date, checked before any node runs -#}
        {%- do check_vars() -%}
        {%- do history_end() -%}
    {%- endif -%}
{% endmacro %}


{# The number of manifest files at the raw path (0 or 1). Engine-specific: DuckDB glob(). #}
{% macro check_raw_data_manifest_sql(raw) -%}
    {{ return(adapter.dispatch('check_raw_data_manifest_sql', 'plantledger')(raw)) }}
{%- endmacro %}

{% macro default__check_raw_data_manifest_sql(raw) -%}
    select count(*) as manifests from glob('{{ raw }}/_manifest.json')
{%- endmacro %}


{# The table folders at the raw path that hold at least one parquet file. DuckDB glob(). #}
{% macro check_raw_data_tables_sql(raw) -%}
    {{ return(adapter.dispatch('check_raw_data_tables_sql', 'plantledger')(raw)) }}
{%- endmacro %}

{% macro default__check_raw_data_tables_sql(raw) -%}
    select distinct regexp_extract(replace(file, '\', '/'), '([^/]+)/[^/]+$', 1) as table_name
    from glob('{{ raw }}/*/*.parquet')
{%- endmacro %}


{#
    For a versioned raw table (docs/raw_data_design.md, "Loads and appends"): keep the rows of
    each key's latest load, the current version. A load never holds two versions of a row, so
    rows repeated inside one load (injected duplicates) stay for the quarantine to judge.
#}
{% macro latest_version(key) -%}
    qualify load_id = max(load_id) over (partition by {{ key }})
{%- endmacro %}


{#
    The raw rows a versioned staging table reads: on an incremental run (DuckDB, where the
    large versioned staging models are incremental tables: dbt_project.yml), the rows of loads
    newer than the newest load the table holds; otherwise every row. Loads only append and a
    key's row in a newer load is its newer version, so the latest version among these rows
    replaces the table's row of that key (strategy delete+insert on the key) and every other
    key keeps its row: the table equals the latest version of every raw row. The newest load is
    read when the model compiles and pasted as a whole number, so the parquet scan skips the
    older loads' row groups (load_id statistics) instead of reading history.
#}
{% macro in_loads_after_this(column='load_id') -%}
    {%- if not (execute and is_incremental()) -%}
        true
    {%- else -%}
        {%- set newest = run_query('select max(' ~ column ~ ') from ' ~ this).columns[0].values()[0] -%}
        {%- if newest is none -%}
            true
        {%- else -%}
            {{ column }} > {{ newest | int }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#
    The project's vars that models paste into SQL text, checked before any node runs (called by
    check_raw_data): the dim_date calendar bounds are days as YYYY-MM-DD, the counts whole
    numbers. A value from --vars that is anything else stops the run with one line.
#}
{% macro check_vars() %}
    {%- for name in ['dim_date_start', 'dim_date_end'] -%}
        {%- set value = var(name) | string -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value) -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ name ~ " is " ~ (value[:40] | tojson) ~ ", not a day as YYYY-MM-DD: "
                ~ "fix it in dbt_project.yml or --vars") }}
        {%- endif -%}
    {%- endfor -%}
    {%- for name in ['incremental_lookback_days', 'issue_lead_hours', 'trace_max_depth',
                     'over_quantity_passes'] -%}
        {%- set value = var(name, 0) | string -%}
        {%- if not modules.re.fullmatch('[0-9]{1,6}', value) -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ name ~ " is " ~ (value[:40] | tojson) ~ ", not a whole number: fix it "
                ~ "in dbt_project.yml or --vars") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
