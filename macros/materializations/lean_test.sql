{#
    DuckDB's data-test materialization (issue #11 item 1a: dbt's fixed cost per node).
    Every failing test still keeps its offending rows in test_failures.<test name>
    (store_failures, dbt_project.yml); what changes is the cost of a passing one:

    - a generic test (column_rules, sums_to_zero, equal_row_count, ...) first counts its
      failures, one statement; only when it finds some does it store its rows (the query runs
      again into test_failures.<name>). A passing one drops the table an earlier failing run
      left (known from dbt's relation cache: no statement when there is none), so a table in
      test_failures always holds the rows of the test's last run.
    - a singular test (the proofs in data_tests/) stores its rows on every run, empty when it
      passes (the proof's evidence, read by tests/test_warehouse.py), with one
      `create or replace` where dbt drops the old table first.

    A test's statements run without dbt's BEGIN (a query, or one `create or replace`, is a
    transaction by itself in DuckDB). Without store_failures the test is dbt's: one count.
    DuckDB only: the Spark target keeps dbt's test materialization.
#}
{%- materialization test, adapter='duckdb' -%}

    {%- set relations = [] -%}
    {%- set sql_header = config.get('sql_header') if flags.REQUIRE_SQL_HEADER_IN_TEST_CONFIGS else none -%}
    {%- set fail_calc = config.get('fail_calc') -%}
    {%- set warn_if = config.get('warn_if') -%}
    {%- set error_if = config.get('error_if') -%}
    {%- set sql_with_limit -%}
        {{ get_limit_subquery_sql(sql, config.get('limit')) }}
    {%- endset -%}

    {%- if should_store_failures() -%}
        {%- set store_as = config.get('store_failures_as') or 'table' -%}
        {%- if store_as not in ['table', 'view'] -%}
            {{ exceptions.raise_compiler_error(
                "'" ~ store_as ~ "' is not a valid value for `store_failures_as`: table or view") }}
        {%- endif -%}
        {%- set stored = api.Relation.create(
            identifier=model['alias'], schema=schema, database=database, type=store_as) -%}
        {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=model['alias']) -%}
        {%- set store_always = model.get('test_metadata') is none -%}

        {%- if store_always -%}
            {{ lean_test_store_failures(stored, old_relation, sql_with_limit, sql_header) }}
            {%- do relations.append(stored) -%}
            {%- set main_sql = "select * from " ~ stored -%}
        {%- else -%}
            {%- set main_sql = sql_with_limit -%}
        {%- endif -%}

        {% call statement('main', fetch_result=True, auto_begin=False) -%}
            {% if sql_header and not store_always %}{{ sql_header }}{% endif %}
            {{ get_test_sql(main_sql, fail_calc, warn_if, error_if, limit=none) }}
        {%- endcall %}

        {%- if not store_always -%}
            {%- set outcome = load_result('main')['table'].rows[0] -%}
            {%- if outcome['failures'] != 0 or outcome['should_warn'] or outcome['should_error'] -%}
                {{ lean_test_store_failures(stored, old_relation, sql_with_limit, sql_header) }}
                {%- do relations.append(stored) -%}
            {%- elif old_relation is not none -%}
                {% do adapter.drop_relation(old_relation) %}
                {{ adapter.commit() }}
            {%- endif -%}
        {%- endif -%}

    {%- else -%}
        {% call statement('main', fetch_result=True, auto_begin=False) -%}
            {% if sql_header %}{{ sql_header }}{% endif %}
            {{ get_test_sql(sql_with_limit, fail_calc, warn_if, error_if, limit=none) }}
        {%- endcall %}
    {%- endif -%}

    {{ return({'relations': relations}) }}

{%- endmaterialization -%}


{#- The test's rows into test_failures.<name>: one `create or replace` (a relation of the other
    kind under that name is dropped first), committed. -#}
{% macro lean_test_store_failures(stored, old_relation, sql_with_limit, sql_header) -%}
    {%- set replaces_other_kind = old_relation is not none and old_relation.type != stored.type -%}
    {%- if replaces_other_kind -%}
        {% do adapter.ensure_transaction() %}
        {% do adapter.drop_relation(old_relation) %}
    {%- endif -%}
    {% call statement('store_failures', auto_begin=replaces_other_kind) -%}
        {% if sql_header %}{{ sql_header }}{% endif %}
        create or replace {{ stored.type }} {{ stored }} as (
            {{ sql_with_limit }}
        );
    {%- endcall %}
    {{ adapter.commit() }}
{%- endmacro %}
