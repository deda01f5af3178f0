{#
    Point-in-time inventory: the engine-specific pieces of the as-of marts, and the on-run-end
    hook that leaves table macros in the warehouse (inventory_as_of, arrivals_between,
    sublot_moves_between, sublot_location_as_of, conveyor_dwell_between, load_known_at) for
    analysts in the DuckDB shell or Python and for `plantledger report`. Each table macro is
    one Jinja macro rendering its create statement (<name>_sql(relations)), as the trace
    macros of traceability.sql are.
#}

{# An instant later than every other: the open end of a current interval. #}
{% macro timestamptz_infinity() -%}
    {{ return(adapter.dispatch('timestamptz_infinity', 'plantledger')()) }}
{%- endmacro %}

{% macro default__timestamptz_infinity() -%}
    cast('infinity' as {{ type_timestamptz() }})
{%- endmacro %}


{#
    The instant at which the wall clock of an IANA time zone (a column or literal) shows the
    given local timestamp (without time zone): the inverse of to_local_time. DuckDB (ICU):
    timezone(zone, timestamp).
#}
{% macro from_local_time(local_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('from_local_time', 'plantledger')(local_timestamp, time_zone)) }}
{%- endmacro %}

{% macro default__from_local_time(local_timestamp, time_zone) -%}
    timezone({{ time_zone }}, cast({{ local_timestamp }} as timestamp))
{%- endmacro %}


{# Seconds from one instant to another, to the microsecond (stays can be shorter than 1 ms). #}
{% macro seconds_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('seconds_between', 'plantledger')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__seconds_between(start_at, end_at) -%}
    ((epoch_us({{ end_at }}) - epoch_us({{ start_at }})) / 1000000.0)
{%- endmacro %}


{# The continuous percentile (0..1) of an expression in an aggregate. DuckDB: quantile_cont. #}
{% macro percentile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'plantledger')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}


{#
    A select-list expression that repeats its row once per day from start_date to end_date
    (inclusive), giving the day (a timestamp at midnight on DuckDB: cast it to a date). DuckDB:
    unnest(generate_series(...)) in the select list, which, unlike a lateral join, lets filters
    on the row's other columns reach the table scan, and is many times faster than a range join
    with a calendar when spreading millions of rows.
#}
{% macro each_day(start_date, end_date) -%}
    {{ return(adapter.dispatch('each_day', 'plantledger')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__each_day(start_date, end_date) -%}
    unnest(generate_series({{ start_date }}, {{ end_date }}, interval 1 day))
{%- endmacro %}


{#
    A select-list expression that repeats its row once per whole number from first to last
    (inclusive), giving the number. DuckDB: unnest(generate_series(...)), as each_day.
#}
{% macro each_whole_number(first, last) -%}
    {{ return(adapter.dispatch('each_whole_number', 'plantledger')(first, last)) }}
{%- endmacro %}

{% macro default__each_whole_number(first, last) -%}
    unnest(generate_series({{ first }}, {{ last }}))
{%- endmacro %}


{# Microseconds since 1970-01-01 00:00 UTC of an instant (a bigint). DuckDB: epoch_us. #}
{% macro epoch_microseconds(instant) -%}
    {{ return(adapter.dispatch('epoch_microseconds', 'plantledger')(instant)) }}
{%- endmacro %}

{% macro default__epoch_microseconds(instant) -%}
    epoch_us({{ instant }})
{%- endmacro %}


{# The instant (timestamp with time zone) a bigint of epoch microseconds stands for. #}
{% macro instant_of_epoch_microseconds(microseconds) -%}
    {{ return(adapter.dispatch('instant_of_epoch_microseconds', 'plantledger')(microseconds)) }}
{%- endmacro %}

{% macro default__instant_of_epoch_microseconds(microseconds) -%}
    make_timestamptz({{ microseconds }})
{%- endmacro %}


{# Integer division of two bigints, rounded towards zero. DuckDB: //. #}
{% macro integer_divide(dividend, divisor) -%}
    {{ return(adapter.dispatch('integer_divide', 'plantledger')(dividend, divisor)) }}
{%- endmacro %}

{% macro default__integer_divide(dividend, divisor) -%}
    (({{ dividend }}) // ({{ divisor }}))
{%- endmacro %}


{#
    UTC weeks (Monday 00:00 UTC to the next) numbered from the one of 1970-01-05, the first
    Monday after the epoch: utc_week_number(epoch microseconds) and utc_week_start(number).
    Plain integer arithmetic on epoch microseconds: independent of the session's time zone, and
    many times faster than converting time zones row by row (fact_sublot_location_weeks).
    Instants before 1970-01-05 are not numbered correctly (no data is that old).
#}
{% macro utc_week_number(epoch_us) -%}
    {{ integer_divide('(' ~ epoch_us ~ ') - 345600000000', '604800000000') }}
{%- endmacro %}

{% macro utc_week_start(week_number) -%}
    {{ instant_of_epoch_microseconds('(' ~ week_number ~ ') * 604800000000 + 345600000000') }}
{%- endmacro %}


{#
    Dwell statistics per conveyor location (each position, and the line itself: a sublot on
    the line with no known position) over the completed stays in fact_sublot_dwell, optionally
    only those that arrived in [from_at, to_at). Shared by the fact_conveyor_dwell_summary mart
    and the conveyor_dwell_between table macro, so both compute the same thing.

    dwell       the fact_sublot_dwell relation
    locations   the dim_storage_locations relation
    from_at / to_at   SQL expressions for the period, or none for all of history
#}
{% macro conveyor_dwell_summary_sql(dwell, locations, from_at=none, to_at=none) -%}
    with conveyor_locations as (

        select
            location_code,
            facility_id,
            facility_code,
            location_type,
            case
                when location_type = 'conveyor_line' then location_code
                else parent_location_code
            end as conveyor_line_code,
            position_sequence
        from {{ locations }}
        where location_type in ('conveyor_line', 'conveyor_position')

    ),

    completed_stays as (

        select location_code, material_sublot_id, dwell_seconds
        from {{ dwell }}
        where location_type in ('conveyor_line', 'conveyor_position')
            and left_at is not null
            {%- if from_at is not none %}
            and arrived_at >= {{ from_at }}
            and arrived_at < {{ to_at }}
            {%- endif %}

    ),

    dwell_statistics as (

        select
            location_code,
            count(*) as stays,
            count(distinct material_sublot_id) as sublots,
            -- summed as exact decimals: the same mean whatever order the stays come in
            -- (an incremental build appends them in another order than a full one)
            cast(sum(cast(dwell_seconds as decimal(18, 6))) / count(*) as double)
                as mean_dwell_seconds,
            {{ percentile_cont('dwell_seconds', 0.5) }} as p50_dwell_seconds,
            {{ percentile_cont('dwell_seconds', 0.9) }} as p90_dwell_seconds,
            max(dwell_seconds) as max_dwell_seconds
        from completed_stays
        group by location_code

    ),

    joined as (

        select
            conveyor_locations.location_code,
            conveyor_locations.facility_id,
            conveyor_locations.facility_code,
            conveyor_locations.conveyor_line_code,
            conveyor_locations.location_type,
            conveyor_locations.position_sequence,
            coalesce(dwell_statistics.stays, 0) as stays,
            coalesce(dwell_statistics.sublots, 0) as sublots,
            dwell_statistics.mean_dwell_seconds,
            dwell_statistics.p50_dwell_seconds,
            dwell_statistics.p90_dwell_seconds,
            dwell_statistics.max_dwell_seconds
        from conveyor_locations
        left join dwell_statistics
            on conveyor_locations.location_code = dwell_statistics.location_code

    ),

    ranked as (

        select
            joined.*,
            case
                when location_type = 'conveyor_position' and stays > 0 then
                    rank() over (
                        partition by
                            conveyor_line_code,
                            location_type = 'conveyor_position' and stays > 0
                        order by mean_dwell_seconds desc, p90_dwell_seconds desc
                    )
            end::bigint as dwell_rank_in_line  -- rank() is an int on Spark
        from joined

    )

    select
        location_code,
        facility_id,
        facility_code,
        conveyor_line_code,
        location_type,
        position_sequence,
        stays,
        sublots,
        mean_dwell_seconds,
        p50_dwell_seconds,
        p90_dwell_seconds,
        max_dwell_seconds,
        dwell_rank_in_line,
        coalesce(dwell_rank_in_line = 1, false) as is_bottleneck
    from ranked
{%- endmacro %}


{#
    The stays of sublots at locations: runs of back-to-back intervals of one sublot at one
    location (an interval starts a stay unless the sublot's previous interval there ends exactly
    when it begins). One row per stay: material_sublot_id, storage_location_id,
    sublot_dwell_id (the history id of its first interval), arrived_at, left_at (null while the
    last interval is open), arrival_quantity, arrival_status, intervals. Shared by the
    fact_sublot_dwell mart and conveyor_dwell_between's known_at branch, so both group stays
    the same way.

    A sublot's intervals never overlap and are never empty (assert_location_history_intervals_
    do_not_overlap), so the interval there that ends exactly when another begins is its
    predecessor: two hash joins on (sublot, location, instant) find the intervals that start a
    stay and those that end one, without sorting. Most stays are one interval (both): they are
    a stay as they are; only the others go through the window that numbers the runs and the
    group-by (at scale 1 a fifth of the intervals instead of all of them).

    intervals   a relation or the name of a CTE with sublot_location_history_id,
                material_sublot_id, storage_location_id, status, quantity, valid_from, valid_to.
                It is read three times (the rows and the two anti-joins): a parenthesised
                query in its place would be computed three times (known_conveyor_stays_sql
                names its filtered intervals as a CTE for that reason)
#}
{% macro sublot_stays_sql(intervals) -%}
    with interval_bounds as (

        select
            stay_intervals.*,
            not exists (
                select 1
                from {{ intervals }} as previous_intervals
                where previous_intervals.material_sublot_id = stay_intervals.material_sublot_id
                    and previous_intervals.storage_location_id = stay_intervals.storage_location_id
                    and previous_intervals.valid_to = stay_intervals.valid_from
            ) as starts_stay,
            not exists (
                select 1
                from {{ intervals }} as next_intervals
                where next_intervals.material_sublot_id = stay_intervals.material_sublot_id
                    and next_intervals.storage_location_id = stay_intervals.storage_location_id
                    and next_intervals.valid_from = stay_intervals.valid_to
            ) as ends_stay
        from {{ intervals }} as stay_intervals

    ),

    one_interval_stays as (

        select
            material_sublot_id,
            storage_location_id,
            sublot_location_history_id as sublot_dwell_id,
            valid_from as arrived_at,
            valid_to as left_at,
            quantity as arrival_quantity,
            status as arrival_status,
            1 as intervals
        from interval_bounds
        where starts_stay and ends_stay

    ),

    numbered_intervals as (

        select
            material_sublot_id,
            storage_location_id,
            sublot_location_history_id,
            status,
            quantity,
            valid_from,
            valid_to,
            starts_stay,
            sum(case when starts_stay then 1 else 0 end) over (
                partition by material_sublot_id, storage_location_id
                order by valid_from
                rows between unbounded preceding and current row
            ) as stay_number
        from interval_bounds
        where not (starts_stay and ends_stay)

    ),

    longer_stays as (

        select
            material_sublot_id,
            storage_location_id,
            max(case when starts_stay then sublot_location_history_id end) as sublot_dwell_id,
            min(valid_from) as arrived_at,
            case
                when max(case when valid_to is null then 1 else 0 end) = 1 then null
                else max(valid_to)
            end as left_at,
            max(case when starts_stay then quantity end) as arrival_quantity,
            max(case when starts_stay then status end) as arrival_status,
            count(*) as intervals
        from numbered_intervals
        group by material_sublot_id, storage_location_id, stay_number

    )

    select * from one_interval_stays
    union all
    select * from longer_stays
{%- endmacro %}


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
