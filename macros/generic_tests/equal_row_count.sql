{#
    The model has `factor` times as many rows as compare_model (default 1; 2 for a journal of
    two entries per event), each optionally filtered by a where clause. Returns one row with
    both counts when they disagree.
#}
{% test equal_row_count(model, compare_model, factor=1, where_clause=none, compare_where_clause=none) %}

    with model_rows as (

        select count(*) as row_count
        from {{ model }}
        {% if where_clause %}where {{ where_clause }}{% endif %}

    ),

    compare_rows as (

        select count(*) as row_count
        from {{ compare_model }}
        {% if compare_where_clause %}where {{ compare_where_clause }}{% endif %}

    )

    select
        model_rows.row_count as model_row_count,
        compare_rows.row_count as compare_model_row_count,
        {{ factor }} as factor
    from model_rows
    cross join compare_rows
    where model_rows.row_count <> {{ factor }} * compare_rows.row_count

{% endtest %}
