{#
    DuckDB's incremental materialization, lean on an incremental run (issue #11 item 1a: dbt's
    fixed cost per node; every incremental model runs in every daily build). dbt-duckdb's one
    describes the model's query and the contract's columns (a model under an enforced
    contract), creates the temporary table of the model's rows, then describes it and the
    target, one statement each. Here the temporary table is created and it, the target and
    the contract's columns are described in one statement (DuckDB runs the statements of one
    call in order and returns the last one's rows); the checks are dbt's: the contract's
    (assert_columns_equivalent: the same names and types, from the table the query filled
    instead of the query planned once more) and on_schema_change's (diff_columns,
    diff_column_data_types), with the same failures, before anything is written. The
    strategy's delete/insert then runs in a transaction of its own, as in dbt-duckdb. Two
    statements fewer per incremental model, four under a contract.
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

    {%- set contracted = config.get('contract').enforced -%}
    {%- if contracted and not model['columns'] -%}
        {{ exceptions.raise_contract_error([], []) }}
    {%- endif -%}
    {%- set sql_header = config.get('sql_header', none) -%}

    {#- the run's rows into a temporary table (dbt-duckdb's statement, without its contract
        check), then the columns of it, of the target and of the contract, in one call -#}
    {% call statement('lean_incremental_rows', fetch_result=True, auto_begin=False) -%}
        {{ sql_header if sql_header is not none }}
        create temporary table {{ temp_relation.include(database=False, schema=False) }} as (
            {{ compiled_code }}
        );
        select 'new' as side, column_name, column_type
        from (describe {{ temp_relation }})
        union all
        select 'existing' as side, column_name, column_type
        from (describe {{ target_relation }})
        {%- if contracted %}
        union all
        select 'contract' as side, column_name, column_type
        from (describe ({{ get_empty_schema_sql(model['columns']) }}))
        {%- endif %}
    {%- endcall %}
    {%- set described = {'new': [], 'existing': [], 'contract': []} -%}
    {%- for row in load_result('lean_incremental_rows').table.rows -%}
        {%- do described[row[0]].append(api.Column(row[1], row[2], none, none, none)) -%}
    {%- endfor -%}
    {%- set new_columns = described['new'] -%}
    {%- set existing_columns = described['existing'] -%}

    {%- if contracted -%}
        {{ lean_incremental_assert_contract(described['new'], described['contract']) }}
    {%- endif -%}

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


{#- dbt's assert_columns_equivalent on columns already described: the model's (from the table
    its query filled) against the contract's, by name and formatted type, with dbt's error. -#}
{% macro lean_incremental_assert_contract(model_columns, contract_columns) -%}
    {%- set flat_model_columns = [] -%}
    {%- set flat_contract_columns = [] -%}
    {%- for column in model_columns -%}
        {%- do flat_model_columns.extend(column.flatten()) -%}
    {%- endfor -%}
    {%- for column in contract_columns -%}
        {%- do flat_contract_columns.extend(column.flatten()) -%}
    {%- endfor -%}
    {%- set sql_columns = format_columns(flat_model_columns) -%}
    {%- set yaml_columns = format_columns(flat_contract_columns) -%}
    {%- if sql_columns | length != yaml_columns | length -%}
        {%- do exceptions.raise_contract_error(yaml_columns, sql_columns) -%}
    {%- endif -%}
    {%- for sql_col in sql_columns -%}
        {%- set yaml_col = yaml_columns | selectattr('name', 'equalto', sql_col['name']) | list -%}
        {%- if not yaml_col or sql_col['formatted'] != yaml_col[0]['formatted'] -%}
            {%- do exceptions.raise_contract_error(yaml_columns, sql_columns) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}
