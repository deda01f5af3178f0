{#
    DuckDB's incremental materialization, lean on an incremental run (issue #11 item 1a: dbt's
    fixed cost per node; every incremental model runs in every daily build). dbt-duckdb's one
    creates the temporary table of the model's rows, then describes it and the target, one
    statement each, to check on_schema_change. Here the temporary table is created and both
    relations are described in one statement (DuckDB runs the statements of one call in
    order and returns the last one's rows); the check is dbt's (diff_columns,
    diff_column_data_types: names and types, the same failure), and the strategy's
    delete/insert runs in a transaction of its own, as in dbt-duckdb. Two statements (and
    their events and log lines) fewer per incremental model.
    The first build, a full refresh, a view in the way, on_schema_change append_new_columns
    or sync_all_columns, a Python model and MotherDuck take dbt-duckdb's materialization.
    DuckDB only: Spark rebuilds incremental models whole (macros/spark/spark_incremental.sql).
#}
{% materialization incremental, adapter='duckdb', supported_languages=['sql', 'python'] -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set on_schema_change = incremental_validate_on_schema_change(config.get('on_schema_change'), default='ignore') -%}
    {%- if existing_relation is none or existing_relation.is_view or should_full_refresh()
            or model['language'] != 'sql' or on_schema_change not in ['fail', 'ignore']
            or adapter.is_motherduck() -%}
        {{ return(dbt.materialization_incremental_duckdb()) }}
    {%- endif -%}

    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set temp_relation = make_temp_relation(target_relation) -%}
    {%- set grant_config = config.get('grants') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}

    {#- the run's rows into a temporary table (dbt-duckdb's statement), then the columns of it
        and of the target, in one call -#}
    {% call statement('lean_incremental_rows', fetch_result=True, auto_begin=False) -%}
        {{ create_table_as(True, temp_relation, compiled_code) }};
        select 'new' as side, column_name, column_type
        from (describe {{ temp_relation }})
        union all
        select 'existing' as side, column_name, column_type
        from (describe {{ target_relation }})
    {%- endcall %}
    {%- set new_columns = [] -%}
    {%- set existing_columns = [] -%}
    {%- for row in load_result('lean_incremental_rows').table.rows -%}
        {%- do (new_columns if row[0] == 'new' else existing_columns).append(
            api.Column(row[1], row[2], none, none, none)) -%}
    {%- endfor -%}

    {%- if on_schema_change == 'fail' -%}
        {%- set new_not_in_existing = diff_columns(new_columns, existing_columns) -%}
        {%- set existing_not_in_new = diff_columns(existing_columns, new_columns) -%}
        {%- set new_types = diff_column_data_types(new_columns, existing_columns) -%}
        {%- if new_not_in_existing or existing_not_in_new or new_types -%}
            {% do exceptions.raise_compiler_error(
                "The source and target schemas on this incremental model are out of sync! "
                ~ "Re-run it with --full-refresh to update the target schema. "
                ~ "Source columns not in target: " ~ new_not_in_existing
                ~ "; target columns not in source: " ~ existing_not_in_new
                ~ "; new column types: " ~ new_types) %}
        {%- endif -%}
        {%- set dest_columns = new_columns -%}
    {%- else -%}
        {%- set dest_columns = existing_columns -%}
    {%- endif -%}

    {%- set strategy = config.get('incremental_strategy') or 'default' -%}
    {%- set strategy_sql = adapter.get_incremental_strategy_macro(context, strategy) -%}
    {%- set strategy_arg_dict = {
        'target_relation': target_relation,
        'temp_relation': temp_relation,
        'unique_key': config.get('unique_key'),
        'dest_columns': dest_columns,
        'incremental_predicates': config.get('predicates', none) or config.get('incremental_predicates', none)} -%}

    {#- BEGIN here: the strategy's statements are one transaction -#}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {% call statement('main', auto_begin=True) -%}
        {{ strategy_sql(strategy_arg_dict) }}
    {%- endcall %}

    {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke(existing_relation, False)) %}
    {% do persist_docs(target_relation, model) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do adapter.commit() %}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{%- endmaterialization %}
