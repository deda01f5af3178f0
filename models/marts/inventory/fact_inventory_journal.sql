{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='entry_at',
    lookback_sublot_column='material_sublot_id',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- The inventory journal (docs block double_entry): two entries per stock event, a credit
-- (-quantity) where the quantity comes from and a debit (+quantity) where it goes, so every
-- transaction, and the journal as a whole, sums to zero per material. A status change is a
-- credit in the old status and a debit in the new one at the same location.

with events as (

    select * from {{ ref('int_inventory_events') }}
    {% if is_incremental() %}where {{ in_restated_window('occurred_at', 'material_sublot_id') }}{% endif %}

),

locations as (

    select * from {{ ref('int_storage_locations') }}

),

sublot_materials as (

    select * from {{ ref('int_sublot_materials') }}

),

sides as (

    select 'credit' as entry_side, 1 as side_order
    union all
    select 'debit' as entry_side, 2 as side_order

),

event_facts as (

    -- what an event's two entries share, joined once per event rather than per entry: its
    -- sublot's material (the record time, recorded_load_id, comes with the event)
    select
        events.*,
        sublot_materials.material_type,
        sublot_materials.material_code,
        sublot_materials.part_id,
        sublot_materials.product_id,
        sublot_materials.material_sublot_code
    from events
    left join sublot_materials
        on events.material_sublot_id = sublot_materials.material_sublot_id

),

entries as (

    select
        event_facts.transaction_id || ':' || sides.entry_side as journal_entry_id,
        event_facts.transaction_id,
        sides.entry_side,
        cast(event_facts.event_sequence * 2 - 2 + sides.side_order as bigint) as entry_sequence,  -- Spark: row_number() is an int
        event_facts.occurred_at as entry_at,
        case sides.entry_side
            when 'credit' then event_facts.from_location_code
            else event_facts.to_location_code
        end as location_code,
        event_facts.material_sublot_id,
        case sides.entry_side
            when 'credit' then event_facts.from_status
            else event_facts.to_status
        end as status,
        case sides.entry_side
            when 'credit' then -event_facts.quantity
            else event_facts.quantity
        end as quantity,
        event_facts.movement_type,
        event_facts.event_kind,
        event_facts.source_table,
        event_facts.source_id,
        event_facts.source_event,
        event_facts.document_number,
        event_facts.work_order_id,
        event_facts.shipment_id,
        event_facts.material_type,
        event_facts.material_code,
        event_facts.part_id,
        event_facts.product_id,
        event_facts.material_sublot_code,
        event_facts.recorded_load_id
    from event_facts
    cross join sides

),

final as (

    select
        entries.journal_entry_id,
        entries.transaction_id,
        entries.entry_side,
        entries.entry_sequence,
        entries.entry_at,
        {{ utc_date('entries.entry_at') }} as entry_date,
        locations.facility_id,
        locations.facility_code,
        entries.location_code,
        locations.storage_location_id,
        locations.location_type,
        locations.is_physical,
        entries.material_type,
        entries.material_code,
        entries.part_id,
        entries.product_id,
        entries.material_sublot_id,
        entries.material_sublot_code,
        entries.status,
        entries.quantity,
        entries.movement_type,
        entries.event_kind,
        entries.source_table,
        entries.source_id,
        entries.source_event,
        entries.document_number,
        entries.work_order_id,
        entries.shipment_id,
        entries.recorded_load_id
    from entries
    left join locations
        on entries.location_code = locations.location_code

)

select * from final
