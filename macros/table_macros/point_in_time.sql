{#
    Point-in-time inventory: the on-run-end hook that leaves table macros in the warehouse (inventory_as_of, arrivals_between,
    sublot_moves_between, sublot_location_as_of, conveyor_dwell_between, load_known_at) for
    analysts in the DuckDB shell or Python and for `plantledger report`. Each table macro is
    one Jinja macro rendering its create statement (<name>_sql(relations)), as the trace
    macros of traceability.sql are. The stays and dwell SQL they share with the marts is in
    sublot_stays.sql; the engine-specific time expressions in macros/cross_db/time_expressions.sql.
#}

{#
    on-run-end hook: (re)create the point-in-time table macros in the target schema (main) after
    a run or build, so `select * from inventory_as_of(timestamptz '2026-11-13 23:59:59+00')`
    works in the DuckDB shell or from Python on the warehouse file, and `plantledger report`
    reads through the same SQL. DuckDB binds a macro's body when it is created, so the hook
    skips (with a log line) when a model it reads has not been built, as after a partial
    `--select`. Returns no SQL (it runs the statements itself).
#}
{% macro create_point_in_time_macros() -%}
    {%- if execute and flags.WHICH in ('run', 'build') -%}
        {%- set relations = {} -%}
        {%- set missing = [] -%}
        {%- for name in ['fact_sublot_location_history', 'fact_inventory_journal',
                         'fact_sublot_dwell', 'dim_storage_locations',
                         'fact_sublot_location_history_known', 'dim_loads',
                         'fact_sublot_location_weeks'] -%}
            {%- set relation = table_macro_relation(name) -%}
            {%- if relation is none -%}
                {%- do missing.append(name) -%}
            {%- else -%}
                {%- do relations.update({name: relation}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ log("point-in-time macros not created: " ~ missing | join(", ") ~ " not built yet", info=true) }}
        {%- else -%}
            {%- for statement in point_in_time_macro_statements(relations) -%}
                {%- do run_query(statement) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}


{# The create statements of the point-in-time table macros (a list of SQL strings). #}
{% macro point_in_time_macro_statements(relations) -%}
    {{ return(adapter.dispatch('point_in_time_macro_statements', 'plantledger')(relations)) }}
{%- endmacro %}

{% macro default__point_in_time_macro_statements(relations) -%}
    {{ return([
        load_known_at_sql(relations),
        inventory_as_of_sql(relations),
        sublot_location_as_of_sql(relations),
        arrivals_between_sql(relations),
        sublot_moves_between_sql(relations),
        conveyor_dwell_between_sql(relations),
    ]) }}
{%- endmacro %}


{#
    Known at (docs block known_at): every macro takes an optional known_at, a load id; the
    answer is then the one the warehouse gave after that load. Without it (null) the macros
    read the current tables; with it, the intervals of fact_sublot_location_history_known known
    then, and the journal entries recorded by then. The known_at is null / is not null
    conditions fold to constants, so only one branch is read.

    known_then: an interval of fact_sublot_location_history_known the warehouse held after
    load known_at.
#}
{% macro point_in_time_known_then() -%}
    recorded_load_id <= known_at
            and coalesce(superseded_load_id, 2147483647) > known_at
{%- endmacro %}


{# `columns` of the history intervals meeting `condition`: current ones, or those known then. #}
{% macro point_in_time_intervals(relations, columns, condition) %}
        select {{ columns }}
        from {{ relations['fact_sublot_location_history'] }}
        where known_at is null
            and {{ condition }}
        union all
        {{ point_in_time_known_intervals(relations, columns, condition) }}
{% endmacro %}


{# `columns` of the intervals known then meeting `condition` (empty when known_at is null). #}
{% macro point_in_time_known_intervals(relations, columns, condition) %}
        select {{ columns }}
        from {{ relations['fact_sublot_location_history_known'] }}
        where known_at is not null
            and {{ point_in_time_known_then() }}
            and {{ condition }}
{% endmacro %}


{#
    load_known_at(published_by): the load known at an instant, the newest load published (the
    end of its last day) at or before it; null before the first.
#}
{% macro load_known_at_sql(relations) %}
    create or replace macro {{ target.schema }}.load_known_at(published_by) as (
        select max(load_id) from {{ relations['dim_loads'] }}
        where published_at <= cast(published_by as timestamp with time zone)
    )
{% endmacro %}


{#
    inventory_as_of(as_of_at, known_at): stock at one instant, one row per physical location
    and sublot with non-zero quantity. Current knowledge (known_at null) reads
    fact_sublot_location_weeks (docs block sublot_location_weeks): the intervals of the instant's
    UTC week and the current ones, open at the instant; a bounded read whatever the instant,
    and a facility filter on the result reads that facility's row groups only. With a known_at,
    the intervals known then (fact_sublot_location_history_known, clustered by facility_code,
    valid_from).
#}
{% macro inventory_as_of_sql(relations) %}
    {%- set as_of = "cast(as_of_at as timestamp with time zone)" -%}
    {%- set columns -%}
        facility_code,
            location_code,
            material_code,
            material_sublot_code,
            status,
            quantity
    {%- endset -%}
    create or replace macro {{ target.schema }}.inventory_as_of(as_of_at, known_at := null) as table
        select {{ columns }}
        from {{ relations['fact_sublot_location_weeks'] }}
        where known_at is null
            and week_start = {{ utc_week_start(utc_week_number(epoch_microseconds(as_of))) }}
            and valid_from <= {{ as_of }}
            and valid_until > {{ as_of }}
        union all
        select {{ columns }}
        from {{ relations['fact_sublot_location_weeks'] }}
        where known_at is null
            and week_start = {{ timestamptz_infinity() }}
            and valid_from <= {{ as_of }}
        union all
        {{ point_in_time_known_intervals(
            relations,
            columns,
            "is_physical and valid_from <= " ~ as_of ~ " and valid_until > " ~ as_of) }}
{% endmacro %}


{#
    sublot_location_as_of(sublot_code, as_of_at, known_at): where one sublot was at an instant
    (a physical location, or the customer or in-transit location it was shipped to); no row
    before it existed or once it was used up.
#}
{% macro sublot_location_as_of_sql(relations) %}
    create or replace macro {{ target.schema }}.sublot_location_as_of(sublot_code, as_of_at, known_at := null) as table
    {{ point_in_time_intervals(
        relations,
        columns="material_sublot_code,
            material_code,
            facility_code,
            location_code,
            location_type,
            is_physical,
            status,
            quantity,
            valid_from as located_since,
            valid_to as located_until",
        condition="material_sublot_code = sublot_code
            and valid_from <= cast(as_of_at as timestamp with time zone)
            and valid_until > cast(as_of_at as timestamp with time zone)") }}
{% endmacro %}


{#
    arrivals_between(from_at, to_at, known_at): what entered a facility from outside it in
    [from_at, to_at): supplier receipts, receipts of transfers from other facilities,
    production receipts. arrivals_between_query is the question itself, shared by the table
    macro and the analysis analyses/arrivals_between.sql (which compiles for any engine).
#}
{% macro arrivals_between_query(journal, from_at, to_at, known_condition) %}
        with arrival_entries as (
            select *
            from {{ journal }}
            where event_kind in ('goods_receipt', 'goods_receipt_transit', 'receipt_from_wo')
                and entry_at >= {{ from_at }}
                and entry_at < {{ to_at }}
                and {{ known_condition }}
        ),
        debits as (
            select * from arrival_entries where entry_side = 'debit'
        ),
        credits as (
            select * from arrival_entries where entry_side = 'credit'
        )
        select
            debits.facility_code,
            debits.location_code,
            debits.material_code,
            debits.material_sublot_code,
            debits.status,
            debits.quantity,
            debits.entry_at as arrived_at,
            case debits.event_kind
                when 'goods_receipt' then 'supplier_receipt'
                when 'goods_receipt_transit' then 'transfer_in'
                else 'production_receipt'
            end as arrival_kind,
            credits.facility_code as from_facility_code,
            credits.location_code as from_location_code,
            debits.movement_type,
            debits.document_number,
            debits.transaction_id
        from debits
        inner join credits
            on debits.transaction_id = credits.transaction_id
{%- endmacro %}

{% macro arrivals_between_sql(relations) %}
    create or replace macro {{ target.schema }}.arrivals_between(from_at, to_at, known_at := null) as table
{{ arrivals_between_query(
    relations['fact_inventory_journal'],
    from_at="cast(from_at as timestamp with time zone)",
    to_at="cast(to_at as timestamp with time zone)",
    known_condition="(known_at is null or recorded_load_id <= known_at)") }}
{% endmacro %}


{#
    sublot_moves_between(from_at, to_at, known_at): sublots that changed location within a
    facility in [from_at, to_at), transactions whose credit and debit are at two different
    physical locations of one facility (putaways, bin transfers, replenishments, picks,
    conveyor moves); status changes stay in place. sublot_moves_between_query is the question
    itself, shared by the table macro and analyses/sublot_moves_between.sql.
#}
{% macro sublot_moves_between_query(journal, from_at, to_at, known_condition) %}
        with physical_entries as (
            select *
            from {{ journal }}
            where is_physical
                and entry_at >= {{ from_at }}
                and entry_at < {{ to_at }}
                and {{ known_condition }}
        ),
        debits as (
            select * from physical_entries where entry_side = 'debit'
        ),
        credits as (
            select * from physical_entries where entry_side = 'credit'
        )
        select
            debits.facility_code,
            debits.material_code,
            debits.material_sublot_code,
            credits.location_code as from_location_code,
            debits.location_code as to_location_code,
            debits.status,
            debits.quantity,
            debits.entry_at as moved_at,
            debits.event_kind,
            debits.movement_type,
            debits.document_number,
            debits.transaction_id
        from debits
        inner join credits
            on debits.transaction_id = credits.transaction_id
        where debits.facility_id = credits.facility_id
            and debits.location_code <> credits.location_code
{%- endmacro %}

{% macro sublot_moves_between_sql(relations) %}
    create or replace macro {{ target.schema }}.sublot_moves_between(from_at, to_at, known_at := null) as table
{{ sublot_moves_between_query(
    relations['fact_inventory_journal'],
    from_at="cast(from_at as timestamp with time zone)",
    to_at="cast(to_at as timestamp with time zone)",
    known_condition="(known_at is null or recorded_load_id <= known_at)") }}
{% endmacro %}


{#
    conveyor_dwell_between(from_at, to_at, known_at): dwell statistics per conveyor position
    (and line) over the stays that arrived in [from_at, to_at): the same SQL as the
    fact_conveyor_dwell_summary mart, over fact_sublot_dwell, or with known_at over the stays
    of the conveyor intervals known then (grouped by sublot_stays_sql, as fact_sublot_dwell
    groups them).
#}
{% macro conveyor_dwell_between_sql(relations) %}
    {%- set locations = relations['dim_storage_locations'] -%}
    {%- set dwell -%}
        (
        select location_code, location_type, material_sublot_id, arrived_at, left_at,
            dwell_seconds
        from {{ relations['fact_sublot_dwell'] }}
        where known_at is null
        union all
        {{ known_conveyor_stays_sql(
            relations['fact_sublot_location_history_known'],
            'known_at is not null and ' ~ point_in_time_known_then(),
            locations) }}
    )
    {%- endset -%}
    create or replace macro {{ target.schema }}.conveyor_dwell_between(from_at, to_at, known_at := null) as table
    {{ conveyor_dwell_summary_sql(
        dwell, locations,
        'cast(from_at as timestamp with time zone)',
        'cast(to_at as timestamp with time zone)') }}
{% endmacro %}


{#
    The conveyor stays as known at a load: the conveyor intervals of
    fact_sublot_location_history_known that satisfy known_condition, grouped into stays by
    sublot_stays_sql (as fact_sublot_dwell groups them), with each stay's location and dwell
    seconds: the rows of fact_sublot_dwell that conveyor_dwell_summary_sql reads. Shared by the
    table macro conveyor_dwell_between and the analysis of the same name.
#}
{% macro known_conveyor_stays_sql(history_known, known_condition, locations) %}
        select
            locations.location_code,
            locations.location_type,
            known_stays.material_sublot_id,
            known_stays.arrived_at,
            known_stays.left_at,
            {{ seconds_between('known_stays.arrived_at', 'known_stays.left_at') }} as dwell_seconds
        from (

            -- sublot_stays_sql reads its intervals three times (the rows and the two anti-joins):
            -- a named CTE, which DuckDB materializes once, not a subquery read three times
            with known_intervals as (

                select
                    sublot_location_history_id, material_sublot_id, storage_location_id, status,
                    quantity, valid_from, valid_to
                from {{ history_known }}
                where {{ known_condition }}
                    and location_type in ('conveyor_line', 'conveyor_position')

            ),

            stays as (
                {{ sublot_stays_sql('known_intervals') }}
            )

            select * from stays

        ) as known_stays
        inner join {{ locations }} as locations
            on known_stays.storage_location_id = locations.storage_location_id
{% endmacro %}
