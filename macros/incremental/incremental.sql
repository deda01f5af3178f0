{#
    Daily incremental loads (docs block incremental_loads in models/docs.md).

    `plantledger generate --append-days N` adds new files to the raw folder; a plain `dbt build`
    then reprocesses only a window of event time: every event at or after the lookback start,
    the newest event the warehouse had before this run less var('incremental_lookback_days')
    (3), or the earliest event of a load the warehouse has not consumed yet when that is
    earlier (a late event of any age). int_load_window fixes that instant once per run, before
    any incremental model changes. Two ways to bring a model up to date:

    - strategy 'lookback' (time-grained models: one row per event): delete the target's rows
      whose `lookback_column` is at or after the lookback start (or null), then insert the
      model's rows for the same window, computed from the complete upstream tables;
    - strategy 'delete+insert' on material_sublot_id (sublot-grained models: histories,
      dwell, current state): recompute every sublot with an event in the window, whole.

    Both rebuild from the same upstream rows a full refresh reads, so an incremental build and
    `dbt build --full-refresh` give identical tables (tests/test_incremental.py). With config
    keep_unchanged_rows (on for intermediate and marts) they write only the rows that differ
    from the stored ones, compared on every column null-safely (replace_window_rows).

    The inventory chain (stock events, journal, stock movements, histories, dwell) restates a
    late event locally instead: its sublots from that event on, every other sublot from
    recent_start (the lookback start without the late events). int_window_sublots lists the
    restated sublots with their restated_from; in_restated_window selects their rows; the
    events are numbered by a stable key (event_sequence_key: instant and rank within it), so a
    late event renumbers only the events of its own instant. Its cost follows the sublots the
    late events touch, not their age (tests/test_incremental_late.py).
#}


{# The first instant of the reprocessed window: a scalar SQL expression, never null. #}
{% macro lookback_start() -%}
    coalesce(
        (select lookback_start from {{ ref('int_load_window') }}),
        cast('-infinity' as {{ type_timestamptz() }})
    )
{%- endmacro %}


{#
    The first instant of the normal window (the newest journal entry before this run less the
    lookback days): a scalar SQL expression, never null. Unlike lookback_start() it ignores late
    events: the chain restates a late event's sublots only (in_restated_window).
#}
{% macro recent_start() -%}
    coalesce(
        (select recent_start from {{ ref('int_load_window') }}),
        cast('-infinity' as {{ type_timestamptz() }})
    )
{%- endmacro %}


{#
    True for a stock event (or journal entry) the inventory chain restates: at or after
    recent_start(), without a time, or of a sublot that int_window_sublots restates from before
    recent_start (a late event's sublot) at or after the earliest such restated_from. The local
    restatement: late events of any age cost their sublots, not the history since them. (The
    earliest restated_from of the late sublots rather than each one's own: uncorrelated
    subqueries, a semi join and a scalar, are several times faster than a correlated lookup
    here, and restating a late sublot a little earlier gives the same rows.)
    The leading in_lookback() is implied by the rest (every restated_from is at or after
    lookback_start: a late event is mapped only from it on) and changes no row: it is the one
    plain comparison DuckDB applies to the table scan, so a daily run reads the window's rows,
    not every row of the table before testing the disjunction (issue #11 item 1b).
#}
{% macro in_restated_window(time_column, sublot_column) -%}
    (
        {{ in_lookback(time_column) }}
        and (
        {{ time_column }} >= {{ recent_start() }}
        or {{ time_column }} is null
        or (
            {{ sublot_column }} in (
                select material_sublot_id from {{ ref('int_window_sublots') }}
                where restated_from < {{ recent_start() }}
            )
            and {{ time_column }} >= (
                select min(restated_from) from {{ ref('int_window_sublots') }}
            )
        )
        )
    )
{%- endmacro %}


{#
    lookback_start() as a checked constant, read from int_load_window when the caller compiles
    (in the run, after int_load_window is built). A literal lets the engine skip the files and
    row groups before the window by their statistics (raw parquet scans, zone maps), where the
    scalar subquery of lookback_start() reads every row. When int_load_window has no start (a
    full build), `when_none` (SQL) if given, else a compiler error: windowed callers (the proof
    tests, column_rules) are only compiled in an incremental run.
#}
{% macro lookback_start_constant(when_none=none) -%}
    {%- if not execute -%}
        {{ return(lookback_start()) }}
    {%- endif -%}
    {%- set result = run_query(
        "select cast(lookback_start as " ~ dbt.type_string() ~ ") from " ~ ref('int_load_window')) -%}
    {%- set start_text = result.columns[0].values()[0] if result.columns[0].values() | length > 0 else none -%}
    {%- if start_text is none and when_none is not none -%}
        {{ return(when_none) }}
    {%- endif -%}
    {{ return(lookback_start_literal(start_text)) }}
{%- endmacro %}


{# A lookback_start read as text, checked (an instant, nothing else) and cast to a timestamp literal. #}
{% macro lookback_start_literal(start_text) -%}
    {%- if start_text is none or not modules.re.fullmatch(
            '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9:.]+([+-][0-9:]+)?', start_text) -%}
        {{ exceptions.raise_compiler_error("lookback_start: unexpected value " ~ start_text ~ " in int_load_window; rebuild it with dbt build --select int_load_window") }}
    {%- endif -%}
    {{ return("cast('" ~ start_text ~ "' as " ~ type_timestamptz() ~ ")") }}
{%- endmacro %}


{# in_lookback() against lookback_start_constant() (-infinity in a full build): for raw parquet scans. #}
{% macro in_lookback_constant(column) -%}
    (coalesce({{ column }}, {{ timestamptz_infinity() }})
        >= {{ lookback_start_constant("cast('-infinity' as " ~ type_timestamptz() ~ ")") }})
{%- endmacro %}


{#
    True for a row inside the reprocessed window (rows without a time are always reprocessed).
    One comparison (a missing time as +infinity, lookback_start() is never +infinity): DuckDB
    applies it to the scan, where `column >= ... or column is null` joined every row with the
    scalar bound.
#}
{% macro in_lookback(column) -%}
    (coalesce({{ column }}, {{ timestamptz_infinity() }}) >= {{ lookback_start() }})
{%- endmacro %}


{#
    Custom incremental strategy 'lookback' (config: lookback_column): replace the target's rows
    of the window by the model's rows, which hold exactly that window. A model of the inventory
    chain sets lookback_sublot_column: its window is in_restated_window (the normal window, and
    each restated sublot from its own instant on); lookback_recent the normal window only
    (the model's rows add the late ones, replaced by unique_key). A date-grained model
    sets lookback_by_day: it replaces the rows whose date column is on or after
    lookback_first_day() less lookback_by_day_extra days. With a unique_key, the rows of the
    model's keys are replaced too (rows before the window that the model recomputes).
#}
{% macro get_incremental_lookback_sql(arg_dict) -%}
    {%- set column = config.get('lookback_column') -%}
    {%- if not column -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": incremental_strategy 'lookback' needs config lookback_column") }}
    {%- endif -%}
    {%- set window -%}
        {% if config.get('lookback_by_day') -%}
        {{ column }} >= {{ lookback_first_day() }} - {{ config.get('lookback_by_day_extra', 0) }}
    {%- elif config.get('lookback_recent') -%}
        ({{ column }} >= {{ recent_start() }} or {{ column }} is null)
    {%- elif config.get('lookback_sublot_column') -%}
        {{ in_restated_window(column, config.get('lookback_sublot_column')) }}
    {%- else -%}
        {{ in_lookback(column) }}
    {%- endif %}
    {%- if arg_dict['unique_key'] %}
        or {{ in_model_keys(arg_dict) }}
    {%- endif %}
    {%- endset -%}
    {{ replace_window_rows(arg_dict, window) }}
{%- endmacro %}


{#
    For date-grained models: the first local day an event of the window can fall on in any
    time zone (UTC date of the lookback start less 2 days; facility offsets stay within +-14 h).
#}
{% macro lookback_first_day() -%}
    cast({{ dbt.dateadd('day', -2, lookback_start()) }} as date)
{%- endmacro %}


{# See _incremental__macros.yml: is the one incremental reader of this ephemeral step running incrementally? #}
{% macro reader_runs_incrementally(reader) -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set nodes = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
        | selectattr('name', 'equalto', reader) | list -%}
    {%- if nodes | length != 1 -%}
        {{ exceptions.raise_compiler_error("reader_runs_incrementally: no model named " ~ reader) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(
        database=nodes[0].database, schema=nodes[0].schema, identifier=nodes[0].alias) -%}
    {{ return(relation is not none) }}
{%- endmacro %}


{#
    True for a staging row of a load the warehouse had not consumed before this run
    (int_load_window.previous_consumed_load_id: -1 on a first or full build, so every row).
#}
{% macro in_unconsumed_loads(column='load_id') -%}
    ({{ column }} > (select previous_consumed_load_id from {{ ref('int_load_window') }}))
{%- endmacro %}


{# True for a row of a sublot with an event in the reprocessed window (int_window_sublots). #}
{% macro in_window_sublots(column) -%}
    {{ column }} in (select material_sublot_id from {{ ref('int_window_sublots') }})
{%- endmacro %}


{#
    Custom incremental strategy 'sublots': replace every row of the sublots with an event in the
    window by the model's rows, which hold those sublots' whole history (possibly none).
#}
{% macro get_incremental_sublots_sql(arg_dict) -%}
    {{ replace_window_rows(arg_dict, in_window_sublots('material_sublot_id')) }}
{%- endmacro %}


{#
    The statements of a strategy: replace the target's rows for which `window` (a predicate on
    the target's columns, unqualified) holds by the model's rows (the temporary relation).
    With config keep_unchanged_rows (docs block incremental_loads), only the rows that differ
    are written. The window's stored rows and the model's rows are compared once: a full outer
    join on every column equal, null-safely (`is not distinct from` for every column, which
    DuckDB runs as one hash join and then checks every column; no hash-only equality). Only
    its unmatched pairs are kept, narrow, in a temporary table: the rowid of a stored row
    without an identical model row (deleted by rowid), or the rowid of a model row without an
    identical stored row (the model's relation is a temporary table, unchanged in between:
    inserted by rowid). So a row changed in any column is replaced, and an unchanged row stays
    where it is: DuckDB's checkpoint has far fewer deleted rows to log and to vacuum from
    thinned row groups (issue #11 item 1). The result is that of delete-then-insert as long as
    neither side holds an exact duplicate row (each model has a unique key, tested by
    column_rules). Without the config: delete the window, insert every row of the model. All
    in the one transaction of the materialization.
#}
{% macro replace_window_rows(arg_dict, window) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set new_rows = arg_dict['temp_relation'] -%}
    {%- set names = arg_dict['dest_columns'] | map(attribute='name') | list -%}
    {%- set columns = get_quoted_csv(names) -%}
    {%- if config.get('keep_unchanged_rows', false) %}
    {%- set unmatched = adapter.quote(new_rows.identifier ~ '__unmatched') %}
    create temporary table {{ unmatched }} as
    select stored.stored_rowid, computed.computed_rowid
    from (
        select rowid as stored_rowid, {{ columns }}
        from {{ target }}
        where {{ window }}
    ) as stored
    full outer join (
        select rowid as computed_rowid, {{ columns }}
        from {{ new_rows }}
    ) as computed
        on {{ same_row('stored', 'computed', names) }}
    where stored.stored_rowid is null or computed.computed_rowid is null;

    delete from {{ target }}
    where rowid in (
        select stored_rowid from {{ unmatched }} where computed_rowid is null
    );

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ new_rows }}
    where rowid in (
        select computed_rowid from {{ unmatched }} where stored_rowid is null
    );

    drop table {{ unmatched }}
    {%- else %}
    delete from {{ target }}
    where {{ window }};

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ new_rows }}
    {%- endif %}
{%- endmacro %}


{# Every column of `left` not distinct from the same column of `right` (null equals null). #}
{% macro same_row(left, right, names) -%}
    {%- for name in names %}
            {{ 'and ' if not loop.first }}{{ left }}.{{ adapter.quote(name) }} is not distinct from {{ right }}.{{ adapter.quote(name) }}
    {%- endfor %}
{%- endmacro %}


{#
    dbt's strategy 'delete+insert' (unique_key), with config keep_unchanged_rows: the rows of
    the model's keys that changed are replaced, the others kept (replace_window_rows). Without
    it, dbt's own statements.
#}
{% macro get_incremental_delete_insert_sql(arg_dict) -%}
    {%- if not config.get('keep_unchanged_rows', false) -%}
        {{ return(dbt.get_incremental_delete_insert_sql(arg_dict)) }}
    {%- endif -%}
    {%- if not arg_dict['unique_key'] -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": incremental_strategy 'delete+insert' with keep_unchanged_rows needs config unique_key") }}
    {%- endif -%}
    {{ replace_window_rows(arg_dict, in_model_keys(arg_dict)) }}
{%- endmacro %}


{# True for a target row whose unique_key (a column or a list of them) is among the model's rows. #}
{% macro in_model_keys(arg_dict) -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- set key = unique_key if unique_key is string else unique_key | join(', ') -%}
    ({{ key }}) in (select {{ key }} from {{ arg_dict['temp_relation'] }})
{%- endmacro %}
