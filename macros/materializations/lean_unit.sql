{#
    DuckDB's unit-test materialization (issue #11 item 1a: dbt's fixed cost per node): dbt's
    own one creates an empty temporary table from the model's query to learn its column
    types, describes it and drops it again (three statements); DuckDB describes the query
    itself in one. The rest is dbt's: the expected rows typed as the model's columns, then
    the union of the actual and expected rows, which dbt compares. DuckDB only.
#}
{%- materialization unit, adapter='duckdb' -%}

    {%- set sql_header = config.get('sql_header') if flags.REQUIRE_SQL_HEADER_IN_TEST_CONFIGS else none -%}
    {%- set expected_rows = config.get('expected_rows') -%}
    {%- set expected_sql = config.get('expected_sql') -%}
    {%- set tested_expected_column_names = expected_rows[0].keys() if (expected_rows | length) > 0 else get_columns_in_query(sql) -%}

    {%- set described = run_query('describe (' ~ get_empty_subquery_sql(sql) ~ ')') -%}
    {%- set column_name_to_data_types = {} -%}
    {%- set column_name_to_quoted = {} -%}
    {%- for row in described.rows -%}
        {%- set column = api.Column(row[0], row[1]) -%}
        {%- do column_name_to_data_types.update({column.name | lower: column.data_type}) -%}
        {%- do column_name_to_quoted.update({column.name | lower: column.quoted}) -%}
    {%- endfor -%}

    {%- set expected_column_names_quoted = [] -%}
    {%- for column_name in tested_expected_column_names -%}
        {%- do expected_column_names_quoted.append(column_name_to_quoted[column_name | lower]) -%}
    {%- endfor -%}

    {%- if not expected_sql -%}
        {%- set expected_sql = get_expected_sql(expected_rows, column_name_to_data_types, column_name_to_quoted) -%}
    {%- endif -%}
    {%- set unit_test_sql = get_unit_test_sql(sql, expected_sql, expected_column_names_quoted) -%}

    {#- a read-only query: no BEGIN before it (DuckDB runs it as a transaction of its own) #}
    {% call statement('main', fetch_result=True, auto_begin=False) -%}
        {% if sql_header %}{{ sql_header }}{% endif %}
        {{ unit_test_sql }}
    {%- endcall %}

    {{ return({'relations': []}) }}

{%- endmaterialization -%}
