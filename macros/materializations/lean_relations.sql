{#
    DuckDB's view and table materializations, lean (issue #11 item 1a: dbt's fixed cost per
    node). dbt's own ones build a `__dbt_tmp` relation, rename the old one to `__dbt_backup`,
    rename the new one in, commit and drop the backup: five or six statements and their
    relation bookkeeping per node, where DuckDB replaces a relation atomically in one
    `create or replace` (DDL is transactional: the old relation stays until the commit).
    What the project uses is kept: contracts (the columns are checked against the contract
    and a contracted table is created from its column list, constraints included, then
    filled), pre/post hooks, persist_docs and grants (none configured). A relation of the
    other kind under the same name is dropped in the same transaction first. The common case,
    one `create or replace` and nothing else, runs without dbt's BEGIN and COMMIT around it:
    DuckDB runs a statement outside a transaction as a transaction of its own, so it is as
    atomic, with two statements (and their events and log lines) fewer per node.
    DuckDB only: the Spark target keeps dbt-spark's materializations; the incremental
    materialization (macros/incremental/) is dbt-duckdb's.
#}

{% materialization view, adapter='duckdb' %}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set grant_config = config.get('grants') -%}

    {%- set replaces_other_kind = existing_relation is not none and not existing_relation.is_view -%}
    {%- set in_transaction = lean_needs_transaction(replaces_other_kind) -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {%- if in_transaction %}{% do adapter.ensure_transaction() %}{% endif %}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if replaces_other_kind %}
        {% do adapter.drop_relation(existing_relation) %}
    {%- endif %}

    {% call statement('main', auto_begin=in_transaction) -%}
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

    {%- set replaces_other_kind = existing_relation is not none and not existing_relation.is_table -%}
    {%- set in_transaction = lean_needs_transaction(replaces_other_kind)
        or config.get('contract').enforced or config.get('indexes') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {%- if in_transaction %}{% do adapter.ensure_transaction() %}{% endif %}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if replaces_other_kind %}
        {% do adapter.drop_relation(existing_relation) %}
    {%- endif %}

    {% call statement('main', auto_begin=in_transaction) -%}
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


{#- True when the materialization needs a transaction of its own: hooks run inside it, or a
    relation of the other kind is dropped before the new one is created. Otherwise its one
    `create or replace` runs as a transaction by itself (DuckDB autocommit), without dbt's
    BEGIN and COMMIT statements around it. -#}
{% macro lean_needs_transaction(replaces_other_kind) -%}
    {{ return(replaces_other_kind or (pre_hooks | length) > 0 or (post_hooks | length) > 0) }}
{%- endmacro %}


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
