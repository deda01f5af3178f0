{#
    Quarantine of the raw event sources (docs/faults.md): the screening models
    int_<source>__screened flag every staged row with a duplicate rank and a reason code; the
    helpers below keep their SQL short and the same for every source.
#}


{#
    The first instant after the history: end_date + 1 day, 00:00 UTC, as a timestamptz literal.
    An event at or after it is future_timestamp.

    Where end_date comes from, first that applies:
    1. var('history_end_date') ('YYYY-MM-DD'), to override (dbt build --vars ...);
    2. the raw folder's _manifest.json (parameters.end_date), read with DuckDB at run time, so a
       build always screens against the generation it reads;
    3. while parsing (no database yet), a placeholder.
    Either value is checked by checked_end_date() before it reaches SQL, and quoted.
#}
{% macro history_end() -%}
    {%- set override = var('history_end_date', none) -%}
    {%- if override -%}
        {%- set end_date = checked_end_date(override, "--vars history_end_date") -%}
    {%- elif execute -%}
        {%- set result = run_query(history_end_date_sql(raw_path())) -%}
        {%- set value = result.columns[0].values()[0] -%}
        {%- set where = "parameters.end_date of " ~ raw_folder() ~ "/_manifest.json" -%}
        {%- if value is none or value | string == '' -%}
            {{ exceptions.raise_compiler_error(
                "no " ~ where ~ ": regenerate the folder with `plantledger generate`, or pass "
                ~ "--vars '{history_end_date: YYYY-MM-DD}'") }}
        {%- endif -%}
        {%- set end_date = checked_end_date(value, where) -%}
    {%- else -%}
        {%- set end_date = '2099-12-31' -%}
    {%- endif -%}
    (cast('{{ dbt.escape_single_quotes(end_date) | trim }}' as date) + interval 1 day)::{{ type_timestamptz() }}
{%- endmacro %}


{#
    ``value`` (from ``source``, named in the error) as 'YYYY-MM-DD' text: exactly that form, a
    real calendar day, inside the calendar dim_date covers (vars dim_date_start, inclusive, to
    dim_date_end, exclusive). Anything else stops the run with one line, so no other text can
    reach the SQL the end date is written into.
#}
{% macro checked_end_date(value, source) -%}
    {%- set text = value | string | trim -%}
    {%- set first = var('dim_date_start') | string -%}
    {%- set last = var('dim_date_end') | string -%}
    {%- set fail = "%s is %s, not a day as YYYY-MM-DD from %s to before %s (the calendar of "
        ~ "dim_date): regenerate the raw folder with `plantledger generate --end-date "
        ~ "YYYY-MM-DD`, or fix the value" -%}
    {%- set shown = text[:40] | tojson -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) or text < first or text >= last -%}
        {{ exceptions.raise_compiler_error(fail | format(source, shown, first, last)) }}
    {%- endif -%}
    {%- set year, month, day = text[:4] | int, text[5:7] | int, text[8:10] | int -%}
    {%- if month < 1 or month > 12 or day < 1 -%}
        {{ exceptions.raise_compiler_error(fail | format(source, shown, first, last)) }}
    {%- endif -%}
    {%- set next_month = modules.datetime.date(year + month // 12, month % 12 + 1, 1) -%}
    {%- if day > (next_month - modules.datetime.timedelta(days=1)).day -%}
        {{ exceptions.raise_compiler_error(fail | format(source, shown, first, last)) }}
    {%- endif -%}
    {{- return(text) -}}
{%- endmacro %}


{# SQL returning the manifest's parameters.end_date as text. Engine-specific: DuckDB read_json. #}
{% macro history_end_date_sql(raw) -%}
    {{ return(adapter.dispatch('history_end_date_sql', 'plantledger')(raw)) }}
{%- endmacro %}

{% macro default__history_end_date_sql(raw) -%}
    select cast(parameters.end_date as varchar) as end_date
    from read_json_auto('{{ raw }}/_manifest.json')
{%- endmacro %}


{#
    The rows of the CTE `staged` with their duplicate bookkeeping, as a query:
    - duplicate_rank: 1 for the row kept among rows identical in every column, 2.. for the
      exact copies removed (the order among identical rows cannot matter);
    - id_rank: among the distinct rows sharing the id, 1 for the earliest by `event_time`, then
      every column; the later ones are conflicting_duplicate_id (never injected; reported
      rather than silently picked).
    Only the rows whose id occurs more than once are ranked (the ranking sorts on every
    column); the others are 1 and 1. `columns` lists every column of the staged model.
#}
{% macro duplicate_ranked(id, event_time, columns) -%}
    with repeated_ids as (

        select {{ id }} as repeated_id
        from staged
        group by {{ id }}
        having count(*) > 1

    ),

    flagged as (

        select staged.*, repeated_ids.repeated_id is not null as has_repeated_id
        from staged
        left join repeated_ids
            on staged.{{ id }} is not distinct from repeated_ids.repeated_id

    )

    select
        {{ star_except('flagged', ['has_repeated_id']) }},
        cast(1 as bigint) as duplicate_rank,
        cast(1 as bigint) as id_rank
    from flagged
    where not has_repeated_id

    union all

    select
        {{ star_except('flagged', ['has_repeated_id']) }},
        row_number() over (partition by {{ columns | join(', ') }} order by {{ id }}) as duplicate_rank,
        dense_rank() over (
            partition by {{ id }}
            order by {{ event_time }}, {{ columns | join(', ') }}
        ) as id_rank
    from flagged
    where has_repeated_id
{%- endmacro %}


{#
    The sublot movements of `relation` (physical journal-like entries of
    int_sublot_movements__over_quantity: event_sequence, side_order 1 credit / 2 debit,
    source_table, source_id, material_sublot_id, location_code, quantity, delta) that move more
    out of a location than the sublot's balance there just before them.
#}
{% macro over_quantity_violations(relation) %}
    select *
    from (
        select
            source_id as sublot_movement_id,
            event_sequence,
            material_sublot_id,
            location_code as from_location_code,
            quantity,
            side_order,
            source_table,
            coalesce(sum(delta) over (
                partition by material_sublot_id, location_code
                order by event_sequence, side_order
                rows between unbounded preceding and 1 preceding
            ), 0) as balance_before
        from {{ relation }}
    ) as replayed
    where side_order = 1
        and source_table = 'sublot_movements'
        and quantity > balance_before
{%- endmacro %}
