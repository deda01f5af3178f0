{#
    sum(column) is 0 per group of `group_by` columns, or over the whole model when group_by is
    empty: the double-entry balance check. Returns each unbalanced group with its sum and rows.
#}
{% test sums_to_zero(model, column_name, group_by=[]) %}

    select
        {% for column in group_by %}{{ column }},
        {% endfor %}sum({{ column_name }}) as unbalanced_sum,
        count(*) as entries
    from {{ model }}
    {% if group_by %}group by {{ group_by | join(', ') }}{% endif %}
    having sum({{ column_name }}) <> 0
        or (count(*) > 0 and sum({{ column_name }}) is null)

{% endtest %}
