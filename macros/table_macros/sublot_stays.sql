{#
    The SQL that the dwell marts and the point-in-time table macros share, so that both
    compute the same thing: a sublot's stays at a location (sublot_stays_sql) and the dwell
    statistics per conveyor location (conveyor_dwell_summary_sql).
#}

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
