{#
    DuckDB's view and table materializations, lean (issue #11 item 1a: dbt's fixed cost per
    node). dbt's own ones build a `__dbt_tmp` relation, rename the old one to `__dbt_backup`,
    rename the new one in, commit and drop the backup: five or six statements and their
    relation bookkeeping per node, where DuckDB replaces a relation atomically in one
    `create or replace` (DDL is transactional: the old relation stays until the commit).
    What the project uses is kept: contracts (the columns are checked against the contract
    and a contracted table is created from its column list, constraints included, then
    filled), pre/post hooks, persist_docs and grants (none configured). A relation of the
    other kind under the same name is dropped in the same transaction first.
    DuckDB only: the Spark target keeps dbt-spark's materializations; the incremental
    materialization (macros/incremental/) is dbt-duckdb's.
#}

{% materialization view, adapter='duckdb' %}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set grant_config = config.get('grants') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if existing_relation is not none and not existing_relation.is_view %}
        {% do adapter.drop_relation(existing_relation) %}
    {%- endif %}

    {% call statement('main') -%}
        {{ lean_view_sql(target_relation, sql) }}
    {%- endcall %}

    {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke(existing_relation, full_refresh_mode=True)) %}
    {% do persist_docs(target_relation, model) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{% materialization table, adapter='duckdb', supported_languages=['sql'] %}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set grant_config = config.get('grants') -%}
    {%- for option in ['partitioned_by', 'sorted_by'] -%}
        {%- if config.get(option) -%}
            {{ exceptions.raise_compiler_error(
                "the project's table materialization (macros/materializations/lean_relations.sql) "
                ~ "does not support " ~ option ~ ": remove it from " ~ model.name) }}
        {%- endif -%}
    {%- endfor -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if existing_relation is not none and not existing_relation.is_table %}
        {% do adapter.drop_relation(existing_relation) %}
    {%- endif %}

    {% call statement('main') -%}
        {{ lean_table_sql(target_relation, sql) }}
    {%- endcall %}

    {% do create_indexes(target_relation) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke(existing_relation, full_refresh_mode=True)) %}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- The one statement of a view: its columns checked against an enforced contract first. -#}
{% macro lean_view_sql(relation, sql) -%}
    {%- if config.get('contract').enforced -%}
        {{ get_assert_columns_equivalent(sql) }}
    {%- endif -%}
    {%- set sql_header = config.get('sql_header', none) -%}
    {{ sql_header if sql_header is not none }}
    create or replace view {{ relation }} as (
        {{ sql }}
    );
{%- endmacro %}


{#- The statement of a table: `create or replace ... as`, or, under an enforced contract, the
    contract's columns and constraints, then the rows in the contract's column order. -#}
{% macro lean_table_sql(relation, sql) -%}
    {%- set sql_header = config.get('sql_header', none) -%}
    {{ sql_header if sql_header is not none }}
    {%- if config.get('contract').enforced %}
        {{ get_assert_columns_equivalent(sql) }}
    create or replace table {{ relation }}
        {{ get_table_columns_and_constraints() }};
    insert into {{ relation }} {{ get_column_names() }} (
        {{ get_select_subquery(sql) }}
    );
    {%- else %}
    create or replace table {{ relation }} as (
        {{ sql }}
    );
    {%- endif %}
{%- endmacro %}
