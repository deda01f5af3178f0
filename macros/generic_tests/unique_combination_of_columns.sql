{#
    The combination of `combination_of_columns` is unique (a composite key). Returns each
    duplicated combination with the number of rows sharing it.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as duplicate_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

{% endtest %}
