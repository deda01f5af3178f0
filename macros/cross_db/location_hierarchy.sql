{#
    Walk a parent/child location tree from its roots with a recursive CTE and return, per
    location: the root (site), its depth (root = 0) and the path of location names from the
    root ("Chicago > Warehouse 1 > A01-03"). Recursive CTEs differ between engines (syntax,
    string building, CTE placement), hence a macro; the result is a plain select that can be
    wrapped in a subquery.

    relation        a relation with the columns named by the other arguments
    id / parent_id  the location key and its parent (null for roots)
    name            the label to build the path from
#}
{% macro location_hierarchy(relation, id='storage_location_id', parent_id='parent_storage_location_id', name='location_name', separator=' > ') -%}
    {{ return(adapter.dispatch('location_hierarchy', 'plantledger')(relation, id, parent_id, name, separator)) }}
{%- endmacro %}

{% macro default__location_hierarchy(relation, id, parent_id, name, separator) -%}
    with recursive tree as (

        select
            {{ id }} as location_id,
            {{ id }} as root_location_id,
            0 as depth,
            cast({{ name }} as varchar) as hierarchy_path
        from {{ relation }}
        where {{ parent_id }} is null

        union all

        select
            child.{{ id }} as location_id,
            tree.root_location_id,
            tree.depth + 1 as depth,
            tree.hierarchy_path || '{{ separator }}' || child.{{ name }} as hierarchy_path
        from {{ relation }} as child
        inner join tree
            on child.{{ parent_id }} = tree.location_id
        where tree.depth < 32  -- a guard against cycles in bad data

    )

    select location_id, root_location_id, depth, hierarchy_path
    from tree
{%- endmacro %}
