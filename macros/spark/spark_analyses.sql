{# The Spark versions of the macros the analyses call (macros/analyses/analysis_vars.sql). #}

{# Spark: the set of values, sorted, joined (listagg takes no DISTINCT with WITHIN GROUP). #}
{% macro spark__sorted_distinct_string_agg(expression, separator) -%}
    array_join(array_sort(collect_set({{ expression }})), {{ separator }})
{%- endmacro %}
