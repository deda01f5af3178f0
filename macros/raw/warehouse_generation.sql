{#
    on-run-start hook: a plain (incremental) run on a raw folder that holds another generation
    than the warehouse was built from stops before any node runs, with one line asking for
    --full-refresh. The warehouse's generation is what int_load_window recorded at its last
    build (raw_generation: scale/seed/first day of load 0); the raw folder's is read from its
    _manifest.json. Both are read and compared in one query: no value from the manifest or the
    warehouse becomes SQL text. Nothing to compare (first build, --full-refresh, a warehouse
    without int_load_window) passes. Returns no SQL (the hook runs the check itself).
#}
{% macro check_warehouse_generation() %}
    {%- if execute and not flags.FULL_REFRESH -%}
        {%- set window = adapter.get_relation(
            database=target.database,
            schema=generate_schema_name('intermediate', none) | trim,
            identifier='int_load_window') -%}
        {%- if window is not none
            and 'raw_generation' in (adapter.get_columns_in_relation(window) | map(attribute='name') | list) -%}
            {%- set manifest = (raw_path() ~ '/_manifest.json') -%}
            {%- set result = run_query(warehouse_generation_sql(window, manifest)) -%}
            {%- set row = result.rows[0] -%}
            {%- if not row['same'] -%}
                {{ exceptions.raise_compiler_error(
                    "the warehouse was built from another generation (" ~ row['built_from']
                    ~ ", scale/seed/first day) than " ~ raw_path() ~ " holds (" ~ row['raw_now']
                    ~ "): a plain build only continues appends, and nothing was run; rebuild "
                    ~ "with 'dbt build --full-refresh' (or 'plantledger build --full-refresh')") }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#
    One row: built_from (the warehouse's recorded generation), raw_now (the manifest's) and
    same. Engine-specific: DuckDB read_json_auto; the manifest path is a string literal with
    its quotes doubled, so a path cannot end the literal.
#}
{% macro warehouse_generation_sql(window, manifest) -%}
    {{ return(adapter.dispatch('warehouse_generation_sql', 'plantledger')(window, manifest)) }}
{%- endmacro %}

{% macro default__warehouse_generation_sql(window, manifest) -%}
    with recorded as (
        select raw_generation as built_from from {{ window }}
    ),

    raw_manifest as (
        select
            cast(parameters.scale as varchar) || '/' || cast(parameters.seed as varchar) || '/'
                || cast(loads[1].first_day as varchar) as raw_now
        from read_json_auto('{{ manifest | replace("'", "''") }}')
    )

    select
        recorded.built_from,
        raw_manifest.raw_now,
        recorded.built_from is not distinct from raw_manifest.raw_now as same
    from recorded
    cross join raw_manifest
{%- endmacro %}
