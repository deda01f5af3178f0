{#
    sum(column) is 0 per group of `group_by` columns, or over the whole model when group_by is
    empty: the double-entry balance check. Returns each unbalanced group with its sum and rows.

    window (optional, as column_rules' window argument): in an incremental run, only the groups
    with a row in the rows the run wrote are summed, each over ALL its rows (the whole model),
    so the check stays exact: a group without a row in the window kept the rows an earlier run
    proved balanced. Every group on a full build and with --vars '{full_proof: true}'.
#}
{% test sums_to_zero(model, column_name, group_by=[], window=none) %}

    {%- set window_condition = window_rows_condition(window) -%}
    {%- if window_condition is not none and not group_by -%}
        {{ exceptions.raise_compiler_error("sums_to_zero on " ~ model ~ ": a window needs group_by") }}
    {%- endif %}

    select
        {% for column in group_by %}{{ column }},
        {% endfor %}sum({{ column_name }}) as unbalanced_sum,
        count(*) as entries
    from {{ model }}
    {% if window_condition is not none -%}
    where ({{ group_by | join(', ') }}) in (
        select ({{ group_by | join(', ') }}) from {{ model }} where {{ window_condition }}
    )
    {%- endif %}
    {% if group_by %}group by {{ group_by | join(', ') }}{% endif %}
    having sum({{ column_name }}) <> 0
        or (count(*) > 0 and sum({{ column_name }}) is null)

{% endtest %}
