{#
    Like relationships, but for a key that is only a foreign key on some rows (from_condition)
    or that references a subset of the parent (to_condition). Returns the orphan rows.
#}
{% test relationships_where(model, column_name, to, field, from_condition='1 = 1', to_condition='1 = 1') %}

    with parents as (

        select {{ field }} as parent_key
        from {{ to }}
        where {{ to_condition }}

    )

    select child.*
    from {{ model }} as child
    left join parents
        on child.{{ column_name }} = parents.parent_key
    where {{ from_condition }}
        and child.{{ column_name }} is not null
        and parents.parent_key is null

{% endtest %}
