-- What the warehouse repaired instead of rejecting (docs/faults.md, "Repaired PLC events"):
-- one row per source table and repair kind, with the number of rows concerned, from
-- int_plc_tag_events__sequenced:
-- - out_of_order: accepted events the OPC UA server delivered after the tag's next one
--   (read in source_timestamp order instead); clean data has a few;
-- - collapsed_repeat: accepted events repeating the tag's value (no movement);
-- - inferred_nil: missing `X -> null` events put back (not raw rows).
-- Every kind is listed, with 0 when nothing was repaired.

with sequenced as (

    select * from {{ ref('int_plc_tag_events__sequenced') }}

),

kinds as (

    select 'plc_tag_events' as source_table, 'out_of_order' as repair_kind, 1 as kind_order
    union all
    select 'plc_tag_events', 'collapsed_repeat', 2
    union all
    select 'plc_tag_events', 'inferred_nil', 3

),

counts as (

    select 'out_of_order' as repair_kind, count(*) as repaired_rows
    from sequenced
    where is_server_order_repaired
    union all
    select 'collapsed_repeat', count(*)
    from sequenced
    where is_collapsed_repeat
    union all
    select 'inferred_nil', count(*)
    from sequenced
    where is_inferred_nil

),

final as (

    select
        kinds.source_table,
        kinds.repair_kind,
        coalesce(counts.repaired_rows, 0) as repaired_rows
    from kinds
    left join counts
        on kinds.repair_kind = counts.repair_kind

)

select * from final
