{#
    Every column rule of a model in ONE test node and one query: a union all of one select per
    rule, each returning the rule's failures as rows of

        rule          the rule (not_null, unique, accepted_values, relationships,
                      expression_is_true, unique_combination_of_columns) or the name it was given
        column_name   the column it is about (the columns of a combination; null for a model rule)
        failing_value the offending value as text (null for a null; null for an expression)
        failing_rows  how many rows of the checked window hold it
        example_key   the `key` column of one such row, when the test names a key

    so the stored failing rows say which rule, which column and which value. Written by
    scripts/consolidate_tests.py from the column tests of _*__models.yml (it keeps the rules and
    their arguments, the check mode proves none is lost).

    Arguments:
      columns  column -> list of rules, each a name (not_null, unique) or {rule: {arguments}}:
                 accepted_values: {values, quote (true)}
                 relationships:   {to, field, from_condition, to_condition} (relationships_where)
                 expression_is_true: {expression} ("{{ column }} <expression>")
               every rule also takes `where` (the rows it applies to, as dbt's where config).
      rules    model rules, each {rule: {arguments}}: expression_is_true {expression, name},
               unique_combination_of_columns {combination_of_columns, name}, with `where` too.
      window   the rows the run wrote (docs block incremental_loads), checked in an incremental
               run instead of the whole model; on a full build (int_load_window.lookback_start
               null) and with --vars '{full_proof: true}' every row is checked:
                 {lookback: column}        time-grained: in_lookback(column)
                 {lookback_day: column, extra: n}  date-grained: column >= lookback_first_day() - n
                 {sublots: column}         sublot-grained: in_window_sublots(column)
                 {loads: column}           raw/staging: rows of loads the previous run had not consumed
                 {macro: name}             the condition a project macro returns, called with the
                                           window's start and the previous run's newest load
                                           (_column_rules_window_macro lists them; graph_edges:
                                           graph_edges_written)
                 {lookback: column, last_before: {partition, order, where}}
                                           also each partition's last row (greatest `order`,
                                           among the rows `where` holds) before the window: the
                                           row a model that continues each partition's state
                                           rewrites (int_plc_tag_events__sequenced)
               The proof stays exact: a unique key of a window row must occur once in the WHOLE
               model; a window row's foreign key must be in the whole parent (parents only grow:
               a parent row once referenced is never deleted); rows outside the window were
               proven by the run that wrote them and are not rewritten since.
      key      a column naming a row in example_key (the model's primary key).
#}
{% test column_rules(model, columns={}, rules=[], window=none, key=none) %}

    {%- set checks = [] -%}
    {%- for column, column_rules in columns.items() -%}
        {%- for entry in column_rules -%}
            {%- do checks.append(_column_rules_entry(entry, column)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for entry in rules -%}
        {%- do checks.append(_column_rules_entry(entry, none)) -%}
    {%- endfor -%}
    {%- if not checks -%}
        {{ exceptions.raise_compiler_error("column_rules on " ~ model ~ ": no rule given (columns or rules)") }}
    {%- endif -%}
    {%- set window_condition = window_rows_condition(window) -%}
    {%- set windowed = window_condition is not none -%}

    {#- a whole-model check reads the model itself in each rule, not a CTE: an engine may
        materialise a CTE read by every rule (a copy of the whole model), where each rule needs
        a few columns. A windowed check reads the window's rows (a few days of a large model)
        once, materialised, instead of filtering the model again in every rule. -#}
    {%- set window_rows = "window_rows" if windowed else model -%}
    {%- if windowed %}
    with window_rows as {{ column_rules_materialized() }} (
        select * from {{ model }} where {{ window_condition }}
        {%- if window.last_before is defined %}
        union all
        {{ _column_rules_last_before(model, window) }}
        {%- endif %}
    )
    {%- endif %}

    {#- the model's text columns, read once (one describe) for all its whole-model unique rules -#}
    {%- set uniques = checks | selectattr('kind', 'in', ['unique', 'unique_combination_of_columns']) | list -%}
    {%- set text_columns = _column_rules_text_columns(model) if uniques and not windowed else [] -%}

    {% for check in checks %}
    {% if not loop.first %}union all{% endif %}
    {{ _column_rules_select(check, windowed, key, model, window_rows, text_columns) }}
    {% endfor %}

{% endtest %}


{#
    The condition of the rows a windowed test checks (the `window` argument of column_rules and
    sums_to_zero), or none when the test checks every row: no window, var full_proof, or a full
    build (int_load_window.lookback_start null). The window's bounds are checked constants read
    from int_load_window when the test runs, so the engine skips the older row groups. The
    refs are made at parse time too, so the test depends on int_load_window (and
    int_window_sublots) and never runs before the run's window is fixed.
#}
{% macro window_rows_condition(window) -%}
    {%- if window is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set window_condition = _column_rules_window(window) -%}
    {%- if var('full_proof', false) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return(window_condition) }}
    {%- endif -%}
    {%- set started = run_query(
        "select cast(lookback_start as " ~ dbt.type_string() ~ "), previous_consumed_load_id from "
        ~ ref('int_load_window')) -%}
    {%- set start_text = started.columns[0].values()[0] -%}
    {%- if start_text is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(_column_rules_window_constant(window, start_text, started.columns[1].values()[0])) }}
{%- endmacro %}


{# One rule as {kind, name, column, args}: from "not_null" or {"relationships": {...}}. #}
{% macro _column_rules_entry(entry, column) -%}
    {%- if entry is string -%}
        {%- set kind, args = entry, {} -%}
    {%- elif entry is mapping and entry | length == 1 -%}
        {%- set kind = (entry.keys() | list)[0] -%}
        {%- set args = entry[kind] or {} -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("column_rules: a rule is a name or {name: {arguments}}, got " ~ entry) }}
    {%- endif -%}
    {%- set known = ['not_null', 'unique', 'accepted_values', 'relationships', 'relationships_where',
                     'expression_is_true', 'unique_combination_of_columns'] -%}
    {%- if kind not in known -%}
        {{ exceptions.raise_compiler_error("column_rules: unknown rule " ~ kind ~ " (known: " ~ known | join(', ') ~ ")") }}
    {%- endif -%}
    {%- if column is none and kind not in ['expression_is_true', 'unique_combination_of_columns'] -%}
        {{ exceptions.raise_compiler_error("column_rules: rule " ~ kind ~ " belongs under columns") }}
    {%- endif -%}
    {{ return({'kind': kind, 'name': args.get('name', kind), 'column': column, 'args': args}) }}
{%- endmacro %}


{# The rows the run wrote; everything on a full build (no lookback start). A window naming
   several kinds ({loads: .., lookback: ..}) is their union: rows any of them holds. #}
{% macro _column_rules_window(window) -%}
    {%- set full_build = "(select lookback_start from " ~ ref('int_load_window') ~ ") is null" -%}
    {%- set kinds = _column_rules_window_kinds(window) -%}
    {%- if kinds | length > 1 -%}
        {%- set conditions = [] -%}
        {%- for kind in kinds -%}
            {%- do conditions.append(_column_rules_window(kind)) -%}
        {%- endfor -%}
        {{ return('(' ~ conditions | join(' or ') ~ ')') }}
    {%- endif -%}
    {%- if window.lookback is defined -%}
        {%- set condition = in_lookback(window.lookback) -%}
    {%- elif window.lookback_day is defined -%}
        {%- set condition = window.lookback_day ~ " >= " ~ lookback_first_day() ~ " - " ~ (window.extra or 0) | int -%}
    {%- elif window.sublots is defined -%}
        {%- set condition = in_window_sublots(window.sublots) -%}
    {%- elif window.loads is defined -%}
        {%- set condition = in_unconsumed_loads(window.loads) -%}
    {%- elif window.macro is defined -%}
        {%- set condition = _column_rules_window_macro(
            window.macro, lookback_start(), "(select previous_consumed_load_id from " ~ ref('int_load_window') ~ ")") -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("column_rules: window is one of {lookback: column}, {lookback_day: column, extra: n}, {sublots: column}, {loads: column}, {macro: name}; got " ~ window) }}
    {%- endif -%}
    ({{ full_build }} or {{ condition }})
{%- endmacro %}


{#
    The rows before a `lookback` window that the run rewrote as well (window.last_before): per
    partition, the row with the greatest `order` among the rows before the window that `where`
    holds. Found by an aggregate of three narrow columns; the rows before the window are the
    ones the run kept, so the same rows the model rewrote (and a rewritten row left twice is
    found twice: both share its key). Only in an incremental run (the window is a constant).
#}
{% macro _column_rules_last_before(model, window) -%}
    {%- set last = window.last_before -%}
    {%- set before = window.lookback ~ " < " ~ lookback_start_constant() -%}
    select * from {{ model }}
    where {{ before }}
        and ({{ last.partition }}, {{ last.order }}) in (
            select {{ last.partition }}, max({{ last.order }})
            from {{ model }}
            where {{ before }} and ({{ last.get('where', '1 = 1') }})
            group by {{ last.partition }}
        )
{%- endmacro %}


{# The window's condition with int_load_window's values as checked constants. #}
{% macro _column_rules_window_constant(window, start_text, previous_load) -%}
    {%- set kinds = _column_rules_window_kinds(window) -%}
    {%- if kinds | length > 1 -%}
        {%- set conditions = [] -%}
        {%- for kind in kinds -%}
            {%- do conditions.append(_column_rules_window_constant(kind, start_text, previous_load)) -%}
        {%- endfor -%}
        {{ return('(' ~ conditions | join(' or ') ~ ')') }}
    {%- endif -%}
    {%- set start = lookback_start_literal(start_text) -%}
    {%- if window.lookback is defined -%}
        ({{ window.lookback }} >= {{ start }} or {{ window.lookback }} is null)
    {%- elif window.lookback_day is defined -%}
        {{ window.lookback_day }} >= cast({{ dbt.dateadd('day', -2, start) }} as date) - {{ (window.extra or 0) | int }}
    {%- elif window.loads is defined -%}
        {{ window.loads }} > {{ previous_load | int }}
    {%- elif window.sublots is defined -%}
        {#- the run is incremental (start_text is set): the window's sublots alone, not OR'd with
            the full-build test, which kept the engine from joining them to the scan -#}
        {{ in_window_sublots(window.sublots) }}
    {%- elif window.macro is defined -%}
        {{ _column_rules_window_macro(window.macro, start, previous_load | int) }}
    {%- else -%}
        {{ _column_rules_window(window) }}
    {%- endif -%}
{%- endmacro %}


{# The condition of a window {macro: name}: one of the project's window macros, by name (dbt
   resolves a macro call at parse time, so each is named here). #}
{% macro _column_rules_window_macro(name, start, previous_load) -%}
    {%- if name == 'graph_edges_written' -%}
        {{ return(graph_edges_written(start, previous_load)) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("column_rules: unknown window macro " ~ name ~ " (known: graph_edges_written)") }}
    {%- endif -%}
{%- endmacro %}


{# A window as one single-kind window per kind it names (a window of one kind: itself). #}
{% macro _column_rules_window_kinds(window) -%}
    {%- set kinds = [] -%}
    {%- for kind in ['lookback', 'lookback_day', 'sublots', 'loads', 'macro'] if kind in window -%}
        {%- set single = {kind: window[kind]} -%}
        {%- if kind == 'lookback_day' and 'extra' in window -%}
            {%- do single.update({'extra': window['extra']}) -%}
        {%- endif -%}
        {%- do kinds.append(single) -%}
    {%- endfor -%}
    {{ return(kinds if kinds | length > 1 else [window]) }}
{%- endmacro %}


{% macro _column_rules_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}


{# The select of one rule's failures (columns: rule, column_name, failing_value, failing_rows, example_key). #}
{% macro _column_rules_select(check, windowed, key, model, window_rows, text_columns) -%}
    {%- set args = check.args -%}
    {%- set column = check.column -%}
    {%- set only = args.get('where') -%}
    {%- set rows_where = '(' ~ only ~ ')' if only else '1 = 1' -%}
    {%- set example = 'min(' ~ _column_rules_text(key) ~ ')' if key else 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
    {%- set label = "'" ~ check.name | replace("'", "''") ~ "'" -%}
    {%- set column_label = "'" ~ column ~ "'" if column else "cast(null as " ~ dbt.type_string() ~ ")" -%}

    {%- if check.kind == 'not_null' %}
    select {{ label }} as rule, {{ column_label }} as column_name,
        cast(null as {{ dbt.type_string() }}) as failing_value, count(*) as failing_rows, {{ example }} as example_key
    from {{ window_rows }} as window_rows
    where {{ rows_where }} and {{ column }} is null
    having count(*) > 0

    {%- elif check.kind == 'accepted_values' %}
    {%- set quote = args.get('quote', true) -%}
    select {{ label }} as rule, {{ column_label }} as column_name,
        {{ _column_rules_text(column) }} as failing_value, count(*) as failing_rows, {{ example }} as example_key
    from {{ window_rows }} as window_rows
    where {{ rows_where }} and {{ column }} not in (
        {%- for value in args['values'] -%}
        {% if quote %}'{{ value | string | replace("'", "''") }}'{% else %}{{ value }}{% endif %}{% if not loop.last %}, {% endif %}
        {%- endfor -%})
    group by {{ column }}

    {%- elif check.kind in ('relationships', 'relationships_where') %}
    select {{ label }} as rule, {{ column_label }} as column_name,
        {{ _column_rules_text('child.' ~ column) }} as failing_value, count(*) as failing_rows,
        {% if key %}min({{ _column_rules_text('child.' ~ key) }}){% else %}cast(null as {{ dbt.type_string() }}){% endif %} as example_key
    from (
        select * from {{ window_rows }} as window_rows
        where {{ rows_where }} and ({{ args.get('from_condition', '1 = 1') }})
    ) as child
    left join (
        {#- the whole model: every parent key as it is, no `distinct`. A child row without a
            parent is kept whatever the parent's duplicates (a match only drops rows), and the
            engine runs the join as an anti join (DuckDB: RIGHT_ANTI over a large child, ANTI
            over a small parent), where a `distinct` first hashes every key of the parent
            (0.6 s instead of 2.0 s for fact_sublot_location_history -> fact_inventory_journal
            at scale 1). A window: its few keys, distinct. -#}
        select {{ 'distinct ' if windowed }}{{ args['field'] }} as parent_key
        from {{ args['to'] }}
        {# not `where (x)`: Spark (not ANSI) reads `from t where (x)` as an alias with a column list #}
        where 1 = 1 and ({{ args.get('to_condition', '1 = 1') }})
        {% if windowed %}
            {#- only the parents the window's rows name: the engine probes the (large) parent
                with the window's few keys instead of collecting every key of it -#}
            and {{ args['field'] }} in (select {{ column }} from {{ window_rows }} as window_rows)
        {%- endif %}
    ) as parents
        on child.{{ column }} = parents.parent_key
    where child.{{ column }} is not null and parents.parent_key is null
    group by child.{{ column }}

    {%- elif check.kind == 'expression_is_true' %}
    {%- set expression = column ~ ' ' ~ args['expression'] if column else args['expression'] -%}
    select {{ label }} as rule, {{ column_label }} as column_name,
        cast(null as {{ dbt.type_string() }}) as failing_value, count(*) as failing_rows, {{ example }} as example_key
    from {{ window_rows }} as window_rows
    where {{ rows_where }} and not coalesce(({{ expression }}), false)
    having count(*) > 0

    {%- elif check.kind in ('unique', 'unique_combination_of_columns') %}
    {%- set keys = [column] if check.kind == 'unique' else args['combination_of_columns'] -%}
    {%- set texts = [] -%}
    {%- for part in keys -%}
        {%- do texts.append("coalesce(" ~ _column_rules_text(part) ~ ", 'null')") -%}
        {%- if not loop.last %}{% do texts.append("', '") %}{% endif -%}
    {%- endfor -%}
    {#- the keys of the window's rows, counted over the whole model (all rows the rule applies to) -#}
    select {{ label }} as rule, {{ column_label if column else "'" ~ keys | join(', ') ~ "'" }} as column_name,
        {{ dbt.concat(texts) if texts | length > 1 else _column_rules_text(column) }} as failing_value,
        count(*) as failing_rows, cast(null as {{ dbt.type_string() }}) as example_key
    from {{ model }} as candidate
    where {{ rows_where }}
        {% if check.kind == 'unique' %}and {{ column }} is not null{% endif %}
        {% if not windowed and _column_rules_has_text_key(text_columns, keys) -%}
        {#- the whole model, a key with a text column: group one hash per row first, then group
            by the keys only the rows whose hash repeats (none, unless a key repeats or two keys
            collide); a repeated key always repeats its hash, so the result is the same as
            grouping every row (numbers only: grouping them directly is as cheap) -#}
        and {{ column_rules_key_hash(keys) }} in (
            select {{ column_rules_key_hash(keys) }}
            from {{ model }} as hashed
            where {{ rows_where }}
                {% if check.kind == 'unique' %}and {{ column }} is not null{% endif %}
            group by {{ column_rules_key_hash(keys) }}
            having count(*) > 1
        )
        {%- elif windowed -%}
        and exists (
            select 1 from window_rows
            where {{ rows_where }}
            {#- a unique column is not null here: plain equality, which the engine joins faster #}
            {%- for part in keys %}
                and window_rows.{{ part }} {{ '=' if check.kind == 'unique' else 'is not distinct from' }} candidate.{{ part }}
            {%- endfor %}
        )
        {%- endif %}
    group by {{ keys | join(', ') }}
    having count(*) > 1
    {%- endif %}
{%- endmacro %}


{#- The model's text columns, lower case (read from the model when the test runs). -#}
{% macro _column_rules_text_columns(model) -%}
    {%- set text_columns = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(model) -%}
            {%- if column.is_string() -%}
                {%- do text_columns.append(column.name | lower) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(text_columns) }}
{%- endmacro %}


{#- True when one of the key columns is one of the model's text columns. -#}
{% macro _column_rules_has_text_key(text_columns, keys) -%}
    {%- for key in keys -%}
        {%- if key | lower in text_columns -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}


{#- One hash of a row's key columns (a bigint or int: a repeated key repeats it; two keys may
    collide, which only lets the exact grouping check them too). DuckDB and Spark: hash(...). -#}
{% macro column_rules_key_hash(columns) -%}
    {{ return(adapter.dispatch('column_rules_key_hash', 'plantledger')(columns)) }}
{%- endmacro %}

{% macro default__column_rules_key_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}


{#- The keyword that makes a CTE be computed once (the window's rows, read by every rule). -#}
{% macro column_rules_materialized() -%}
    {{ return(adapter.dispatch('column_rules_materialized', 'plantledger')()) }}
{%- endmacro %}

{% macro default__column_rules_materialized() -%}
{%- endmacro %}

{% macro duckdb__column_rules_materialized() -%}
    materialized
{%- endmacro %}
