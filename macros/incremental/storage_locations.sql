{#
    The work orders whose derived production location (<facility_code>/PRODUCTION/<wo_number>)
    an incremental run of int_storage_locations rebuilds: those with a
    version in a load not consumed yet, and every work order of a facility whose row is in such
    a load (its code) or whose site row (code and path, what a derived row takes from the
    location tree) differs between `previous` (the model as the previous build left it) and
    `current` (this run's raw locations). A select of work_order_id. (A storage location row
    comes with most loads; it changes no work order's row unless it is a site's.)
#}
{% macro storage_locations_changed_work_orders(previous, current) -%}
    select work_order_id from {{ ref('stg_plantledger__work_orders') }}
    where {{ in_unconsumed_loads() }}
        or facility_id in (
            select facility_id from {{ ref('stg_plantledger__facilities') }}
            where {{ in_unconsumed_loads() }}
            union all
            select facility_id from (
                (
                    select facility_id, location_code, hierarchy_path from {{ current }}
                    where location_type = 'site' and hierarchy_path is not null
                    except
                    select facility_id, location_code, hierarchy_path from {{ previous }}
                    where location_type = 'site' and hierarchy_path is not null
                )
                union all
                (
                    select facility_id, location_code, hierarchy_path from {{ previous }}
                    where location_type = 'site' and hierarchy_path is not null
                    except
                    select facility_id, location_code, hierarchy_path from {{ current }}
                    where location_type = 'site' and hierarchy_path is not null
                )
            ) as changed_sites
        )
{%- endmacro %}


{#
    An incremental run of int_storage_locations (strategy 'keys' on location_code, placeholder
    column is_derived): the previous rows of `previous` that the run rewrites (every row not
    derived from a work order, the rows of the changed work orders) and whose location_code is
    not among the new rows of `new_rows` (a work order renumbered or moved to another facility),
    each as a placeholder, which deletes it. `current`: this run's raw locations (see
    storage_locations_changed_work_orders). `columns`: the model's columns, in order.
#}
{% macro storage_locations_placeholders(previous, new_rows, current, columns) -%}
    select
        {%- for column in columns %}
        {% if column == 'is_derived' -%}
        cast(null as boolean) as is_derived
        {%- else -%}
        previous.{{ column }}
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select * from {{ previous }} where work_order_id is null
        union all
        select * from {{ previous }}
        where work_order_id in ({{ storage_locations_changed_work_orders(previous, current) }})
    ) as previous
    left join {{ new_rows }} as kept
        on previous.location_code = kept.location_code
    where kept.location_code is null
{%- endmacro %}
