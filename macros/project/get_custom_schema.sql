{#
    Use the folder's custom schema as is (staging, intermediate, marts, reference,
    test_failures) instead of dbt's default "<target schema>_<custom schema>", so the
    warehouse reads the same for everyone. Nodes without a custom schema go to the target schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
