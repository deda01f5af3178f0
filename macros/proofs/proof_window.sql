{#
    The rows a singular proof test checks (data_tests/, docs block incremental_loads): on a full
    build everything; on an incremental run the window the run reprocessed (int_load_window),
    the invariants that need all of history reading the balances carried into it from
    int_journal_running_balances. `--vars '{full_proof: true}'` checks whole tables whatever the
    last run was. Decided when the test compiles (after int_load_window is built in the run),
    so a full build's proofs carry no window filter at all.
#}

{# True (a Jinja boolean) when the proof covers whole tables: no window (full build), or var full_proof. #}
{% macro proof_is_whole() -%}
    {%- set load_window = ref('int_load_window') -%}
    {%- if var('full_proof', false) -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if load_relation(load_window) is none -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set result = run_query('select lookback_start is null from ' ~ load_window) -%}
    {{ return(result.columns[0].values() | length == 0 or result.columns[0].values()[0]) }}
{%- endmacro %}


{# The first local day of the window (lookback_first_day()) from the constant start. #}
{% macro proof_window_first_day() -%}
    cast({{ dbt.dateadd('day', -2, lookback_start_constant()) }} as date)
{%- endmacro %}


{# True for a time-grained row the proof checks: in the reprocessed window, or every row. #}
{% macro proof_in_lookback(column) -%}
    {%- if proof_is_whole() -%}
        true
    {%- else -%}
        ({{ column }} >= {{ lookback_start_constant() }} or {{ column }} is null)
    {%- endif -%}
{%- endmacro %}


{# True for a row of a sublot the proof checks: one the run rebuilt whole, or every sublot. #}
{% macro proof_in_window_sublots(column) -%}
    {%- if proof_is_whole() -%} true {%- else -%} {{ in_window_sublots(column) }} {%- endif -%}
{%- endmacro %}


{# True for a raw/staging row the proof checks: of a load this run consumed, or every row. #}
{% macro proof_in_new_loads(column) -%}
    {%- if proof_is_whole() -%}
        true
    {%- else -%}
        {{ in_unconsumed_loads(column) }}
    {%- endif -%}
{%- endmacro %}


{#
    The newest load the previous run had consumed (int_load_window.previous_consumed_load_id)
    as a checked whole number, read when the proof compiles. Only called when the proof is
    windowed (proof_is_whole() false).
#}
{% macro proof_previous_load() -%}
    {%- if not execute -%}
        {{ return("(select previous_consumed_load_id from " ~ ref('int_load_window') ~ ")") }}
    {%- endif -%}
    {%- set result = run_query("select previous_consumed_load_id from " ~ ref('int_load_window')) -%}
    {{ return(result.columns[0].values()[0] | int) }}
{%- endmacro %}


{#
    True for an edge of graph_edges that a run may have written with other values than the
    edge had before it (docs block incremental_loads), given the window's first instant and
    the previous run's newest load: an edge whose input_load_id (the newest load of the rows
    whose new version rebuilds its source) is newer; a material transaction's edge in the
    screened window (rewritten by its time, valid_from); the consumption and receipt edges of
    the sublots with an event in the window (int_window_sublots, by their code: a sublot whose
    code changed has a new load). Every other edge was written, with these values, by an
    earlier run. Used by column_rules_graph_edges (window {macro: graph_edges_written}) and the
    graph edge proofs (proof_graph_edges_written).
#}
{% macro graph_edges_written(start, previous_load) -%}
    (
        input_load_id > {{ previous_load }}
        or (relationship in ('ConsumesPart', 'ProducesProduct', 'RecordedFor')
            and (valid_from >= {{ start }} or valid_from is null))
        or (relationship = 'ConsumedBy' and from_node_key in ({{ _window_sublot_codes() }}))
        or (relationship = 'ProducedSublot' and to_node_key in ({{ _window_sublot_codes() }}))
    )
{%- endmacro %}

{% macro _window_sublot_codes() -%}
    select window_sublot_rows.sublot_code
    from {{ ref('stg_plantledger__material_sublots') }} as window_sublot_rows
    where {{ in_window_sublots('window_sublot_rows.material_sublot_id') }}
{%- endmacro %}


{# True for an edge of graph_edges the proof checks: one the run may have written, or every edge. #}
{% macro proof_graph_edges_written() -%}
    {%- if proof_is_whole() -%}
        true
    {%- else -%}
        {{ graph_edges_written(lookback_start_constant(), proof_previous_load()) }}
    {%- endif -%}
{%- endmacro %}
