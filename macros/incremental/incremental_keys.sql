{#
    Custom incremental strategy 'keys' (config: unique_key, a column or a list of columns;
    keys_placeholder_column): replace every row of the keys the model's rows name by the model's
    rows for those keys. A model selects, on an incremental run, the rows of the source entities
    that changed in the load window; for a changed entity that no longer has any row (an edge
    that vanished), it selects one placeholder row: its key, with keys_placeholder_column null.
    Placeholders delete that key's old rows and are not inserted. Unlike dbt's delete+insert,
    rows never outlive their source. (docs block incremental_loads in models/docs.md)
    Config keys_replaced_into (a model's name): before the delete, the old rows of the keys
    replaced are copied into that model's table (its columns), so a proof can find what the
    run removed or re-keyed (graph_nodes: int_graph_nodes__replaced).
#}
{% macro get_incremental_keys_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- set placeholder = config.get('keys_placeholder_column') -%}
    {%- if not unique_key or not placeholder -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": incremental_strategy 'keys' needs config unique_key and keys_placeholder_column") }}
    {%- endif -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set replaced_into = config.get('keys_replaced_into') %}
    {%- if replaced_into %}
    {%- set replaced = ref(replaced_into) %}
    {%- set replaced_columns = get_quoted_csv(adapter.get_columns_in_relation(replaced) | map(attribute='name')) %}
    insert into {{ replaced }} ({{ replaced_columns }})
    select {{ replaced_columns }}
    from {{ target }}
    where {{ in_model_keys(arg_dict) }};
    {%- endif %}

    delete from {{ target }}
    where {{ in_model_keys(arg_dict) }};

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ arg_dict['temp_relation'] }}
    where {{ placeholder }} is not null
{%- endmacro %}


{#
    A stock event's journal transaction key (transaction_id): <source_table>:<source_id>, plus
    :<source_event> for shipment sublots (shipped / delivered) and conveyor moves (the sublot
    code). Built by int_inventory_events, the first table that stores it; the mapping and the
    candidates name an event by (source_table, source_id, source_event): a unique string per
    event is the costliest column to write (issue #12).
#}
{% macro transaction_key(source_table, source_id, source_event) -%}
    {{ source_table }} || ':' || cast({{ source_id }} as {{ dbt.type_string() }})
        || case
            when {{ source_table }} in ('shipment_sublots', 'plc_tag_events')
                then ':' || {{ source_event }}
            else ''
        end
{%- endmacro %}


{#
    A stock event's number (event_sequence): a stable key in journal order, so that a late
    event renumbers no other event but those sharing its instant. The instant in microseconds
    since 1970, times 1024, plus the event's rank (from 1) among the events of that instant (in
    journal order: tie_break_rank, source_id, source_event), less 1. Up to 1024 events may share
    an instant (the unique test on event_sequence fails beyond); entry_sequence (twice as
    large) fits a bigint up to the year 2100. Dispatched: the epoch is engine-specific.
#}
{% macro event_sequence_key(instant, instant_rank) -%}
    {{ return(adapter.dispatch('event_sequence_key', 'plantledger')(instant, instant_rank)) }}
{%- endmacro %}

{% macro default__event_sequence_key(instant, instant_rank) -%}
    (epoch_us({{ instant }}) * 1024 + {{ instant_rank }} - 1)
{%- endmacro %}
