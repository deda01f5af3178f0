{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='moved_at',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}


-- Screening of sublot_movements (docs/faults.md, "Rejected rows"): one row per staged (= raw)
-- row with its duplicate bookkeeping and its rejection reason: the row checks'
-- (int_sublot_movements__prescreened: conflicting_duplicate_id, non_positive_quantity,
-- future_timestamp, unknown_sublot, unknown_location), else exceeds_sublot_quantity for the
-- rows the balance replay rejects (int_sublot_movements__over_quantity). Accepted rows:
-- int_sublot_movements__accepted; rejected: sublot_movements_rejected.

with prescreened as (

    select * from {{ ref('int_sublot_movements__prescreened') }}
    {% if is_incremental() %}where {{ in_lookback('moved_at') }}{% endif %}

),

over_quantity as (

    select sublot_movement_id, balance_before
    from {{ ref('int_sublot_movements__over_quantity') }}

),

final as (

    select
        {{ star_except('prescreened', ['rejection_reason']) }},
        case
            when prescreened.is_removed_duplicate then null
            when prescreened.rejection_reason is not null then prescreened.rejection_reason
            when over_quantity.sublot_movement_id is not null then 'exceeds_sublot_quantity'
        end as rejection_reason,
        over_quantity.balance_before as balance_before_movement
    from prescreened
    left join over_quantity
        on prescreened.sublot_movement_id = over_quantity.sublot_movement_id
        and prescreened.rejection_reason is null
        and not prescreened.is_removed_duplicate

)

select * from final
