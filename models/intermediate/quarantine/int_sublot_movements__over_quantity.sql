{{ config(
    materialized='incremental',
    incremental_strategy='sublots',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- exceeds_sublot_quantity (docs/faults.md, reason 6): sublot movements that move more out of a
-- physical location than the sublot holds there just before them, replaying the events of the
-- rows that passed the row checks in journal order (event_sequence; within an event the
-- credit before the debit, as fact_inventory_journal's entry_sequence): each event's number
-- and quantity from int_inventory_events__candidates, its locations from
-- int_inventory_events__mapped (joined on source_table, source_id, source_event).
--
-- A rejected movement must not count in the balance the later ones are checked against (the
-- injected over_quantity row sits 1 us before the real whole-sublot move it copies: counted,
-- it would leave the real move short too). So the replay is repeated: pass 0 finds the sublots
-- with any violation; each later pass replays those sublots without the movements rejected
-- so far and rejects the first violation of each sublot, which is a true one because every
-- event before it balanced. After {{ var('over_quantity_passes', 4) }} passes, whatever still
-- violates is rejected as it stands (a sublot would need that many over-quantity movements).
-- Clean data has no violation: pass 0 is empty and so is this model.
-- One row per rejected movement, with the balance it was checked against.

{%- set passes = var('over_quantity_passes', 4) %}

with candidates as (

    -- the event's number and quantity (a conveyor move's filled in from the sublot's balance)
    select source_table, source_id, source_event, event_sequence, material_sublot_id, quantity
    from {{ ref('int_inventory_events__candidates') }}
    {% if is_incremental() %}where {{ in_window_sublots('material_sublot_id') }}{% endif %}

),

mapped_locations as (

    -- the event's locations, from the mapping (the candidates keep only their running values)
    select source_table, source_id, source_event, from_location_code, to_location_code
    from {{ ref('int_inventory_events__mapped') }}
    {% if is_incremental() %}where {{ in_window_sublots('material_sublot_id') }}{% endif %}

),

events as (

    select
        candidates.event_sequence,
        candidates.source_table,
        candidates.source_id,
        candidates.material_sublot_id,
        candidates.quantity,
        mapped_locations.from_location_code,
        mapped_locations.to_location_code
    from candidates
    inner join mapped_locations
        on candidates.source_table = mapped_locations.source_table
        and candidates.source_id = mapped_locations.source_id
        and candidates.source_event = mapped_locations.source_event

),

physical_locations as (

    select location_code
    from {{ ref('int_storage_locations') }}
    where is_physical

),

entries as (

    select
        events.event_sequence,
        1 as side_order,
        events.source_table,
        events.source_id,
        events.material_sublot_id,
        events.from_location_code as location_code,
        events.quantity,
        -events.quantity as delta
    from events
    inner join physical_locations
        on events.from_location_code = physical_locations.location_code

    union all

    select
        events.event_sequence,
        2 as side_order,
        events.source_table,
        events.source_id,
        events.material_sublot_id,
        events.to_location_code as location_code,
        events.quantity,
        events.quantity as delta
    from events
    inner join physical_locations
        on events.to_location_code = physical_locations.location_code

),

pass_0 as (
    {{ over_quantity_violations('entries') }}
),

suspect_entries as (

    select *
    from entries
    where material_sublot_id in (select material_sublot_id from pass_0)

),

rejected_0 as (

    select
        cast(null as bigint) as sublot_movement_id,
        cast(null as bigint) as material_sublot_id,
        cast(null as {{ dbt.type_string() }}) as from_location_code,
        cast(null as integer) as quantity,
        cast(null as bigint) as balance_before,
        cast(null as integer) as screening_pass
    where false

),
{%- for k in range(1, passes + 1) %}

replay_{{ k }} as (
    {{ over_quantity_violations("(select * from suspect_entries where not (source_table = 'sublot_movements' and source_id in (select sublot_movement_id from rejected_" ~ (k - 1) ~ ")))") }}
),

rejected_{{ k }} as (

    select * from rejected_{{ k - 1 }}
    union all
    select
        sublot_movement_id,
        material_sublot_id,
        from_location_code,
        quantity,
        balance_before,
        {{ k }} as screening_pass
    from replay_{{ k }}
    qualify row_number() over (partition by material_sublot_id order by event_sequence) = 1

),
{%- endfor %}

leftover as (
    {{ over_quantity_violations("(select * from suspect_entries where not (source_table = 'sublot_movements' and source_id in (select sublot_movement_id from rejected_" ~ passes ~ ")))") }}
),

final as (

    select * from rejected_{{ passes }}
    union all
    select
        sublot_movement_id,
        material_sublot_id,
        from_location_code,
        quantity,
        balance_before,
        {{ passes + 1 }} as screening_pass
    from leftover

)

select * from final
