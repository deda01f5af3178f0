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


{#
    The window's first instant as a checked constant, read from int_load_window when the proof
    compiles (in the run, after int_load_window is built): a literal lets the engine skip the
    row groups before the window (zone maps), where the subquery of in_lookback() scans them.
    Only called when the proof is windowed (proof_is_whole() false).
#}
{% macro proof_window_start() -%}
    {%- if not execute -%}
        {{ return(lookback_start()) }}
    {%- endif -%}
    {%- set result = run_query(
        "select cast(lookback_start as " ~ dbt.type_string() ~ ") from " ~ ref('int_load_window')) -%}
    {%- set start_text = result.columns[0].values()[0] -%}
    {%- if start_text is none or not modules.re.fullmatch(
            '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9:.]+([+-][0-9:]+)?', start_text) -%}
        {{ exceptions.raise_compiler_error("proof_window_start: unexpected lookback_start " ~ start_text) }}
    {%- endif -%}
    {{ return("cast('" ~ start_text ~ "' as " ~ type_timestamptz() ~ ")") }}
{%- endmacro %}


{# The first local day of the window (lookback_first_day()) from the constant start. #}
{% macro proof_window_first_day() -%}
    cast({{ dbt.dateadd('day', -2, proof_window_start()) }} as date)
{%- endmacro %}


{# True for a time-grained row the proof checks: in the reprocessed window, or every row. #}
{% macro proof_in_lookback(column) -%}
    {%- if proof_is_whole() -%}
        true
    {%- else -%}
        ({{ column }} >= {{ proof_window_start() }} or {{ column }} is null)
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
