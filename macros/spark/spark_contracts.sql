{#
    Model contracts on Spark. The YAML files declare column data types in DuckDB's names
    (varchar, hugeint, timestamp with time zone, ...); dbt checks an enforced contract by
    comparing the model's column types with those of `select cast(null as <type>) ...`. On Spark
    the declared type is first mapped to the type Spark gives the same column: the project's
    override of dbt's get_empty_schema_sql (dispatched in the dbt namespace; the root project's
    spark__ version comes first). A wall-clock time (DuckDB timestamp) is a Spark timestamp
    holding the wall clock as if it were UTC (from_utc_timestamp), and DuckDB's float columns
    are doubles on Spark.
#}
{% macro spark_data_type(data_type) -%}
    {%- set normalised = data_type | trim | lower -%}
    {%- set names = {
        'varchar': 'string',
        'text': 'string',
        'timestamp with time zone': 'timestamp',
        'timestamptz': 'timestamp',
        'timestamp': 'timestamp',
        'float': 'double',
        'integer': 'int',
        'hugeint': 'bigint',
        'ubigint': 'decimal(20,0)',
    } -%}
    {{- return(names.get(normalised, normalised)) -}}
{%- endmacro %}

{% macro spark__get_empty_schema_sql(columns) -%}
    {%- set mapped = {} -%}
    {%- for name in columns -%}
        {%- set column = columns[name] -%}
        {%- if column['data_type'] is defined and column['data_type'] -%}
            {%- set copy = dict(column) -%}
            {%- do copy.update({'data_type': spark_data_type(column['data_type'])}) -%}
            {%- do mapped.update({name: copy}) -%}
        {%- else -%}
            {%- do mapped.update({name: column}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(dbt.default__get_empty_schema_sql(mapped)) }}
{%- endmacro %}
