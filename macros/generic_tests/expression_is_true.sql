{#
    Every row satisfies `expression` (a boolean SQL expression over the model's columns).
    Returns the offending rows, so failures name them. Use config.where to restrict the rows.
    With column_name the expression is applied to that column: "{{ column_name }} >= 0" style,
    e.g. expression: ">= 0".
#}
{% test expression_is_true(model, expression, column_name=none) %}

    select *
    from {{ model }}
    where not coalesce(
        {% if column_name is none %}({{ expression }}){% else %}({{ column_name }} {{ expression }}){% endif %},
        false
    )

{% endtest %}
