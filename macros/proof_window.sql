{#
    The rows a singular proof test checks (data_tests/, docs block incremental_loads): on a full
    build everything; on an incremental run the window the run reprocessed (int_load_window),
    the invariants that need all of history reading the balances carried into it from
    int_journal_running_balances. `--vars '{full_proof: true}'` checks whole tables whatever the
    last run was.
#}

{# True when the proof covers whole tables: a full build (no window) or var full_proof. #}
{% macro proof_is_whole() -%}
    {%- if var('full_proof', false) -%}
        true
    {%- else -%}
        ((select lookback_start from {{ ref('int_load_window') }}) is null)
    {%- endif -%}
{%- endmacro %}


{# True for a time-grained row the proof checks: in the reprocessed window, or every row. #}
{% macro proof_in_lookback(column) -%}
    ({{ proof_is_whole() }} or {{ in_lookback(column) }})
{%- endmacro %}


{# True for a row of a sublot the proof checks: one the run rebuilt whole, or every sublot. #}
{% macro proof_in_window_sublots(column) -%}
    ({{ proof_is_whole() }} or {{ in_window_sublots(column) }})
{%- endmacro %}


{# True for a raw/staging row the proof checks: of a load this run consumed, or every row. #}
{% macro proof_in_new_loads(column) -%}
    ({{ proof_is_whole() }}
        or {{ column }} > (select previous_consumed_load_id from {{ ref('int_load_window') }}))
{%- endmacro %}
