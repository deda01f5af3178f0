{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='entry_at',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- The inventory journal (docs block double_entry): two entries per stock event, a credit
-- (-quantity) where the quantity comes from and a debit (+quantity) where it goes, so every
-- transaction, and the journal as a whole, sums to zero per material. A status change is a
-- credit in the old status and a debit in the new one at the same location.

with events as (

    select * from {{ ref('int_inventory_events') }}
    {% if is_incremental() %}where {{ in_lookback('occurred_at') }}{% endif %}

),

locations as (

    select * from {{ ref('int_storage_locations') }}

),

sublots as (

    select * from {{ ref('stg_plantledger__material_sublots') }}

),

parts as (

    select part_id, part_number from {{ ref('stg_plantledger__parts') }}

),

products as (

    select product_id, sku from {{ ref('stg_plantledger__products') }}

),

event_loads as (

    select * from {{ ref('int_inventory_event_loads') }}

),

sides as (

    select 'credit' as entry_side, 1 as side_order
    union all
    select 'debit' as entry_side, 2 as side_order

),

entries as (

    select
        events.transaction_id || ':' || sides.entry_side as journal_entry_id,
        events.transaction_id,
        sides.entry_side,
        events.event_sequence * 2 - 2 + sides.side_order as entry_sequence,
        events.occurred_at as entry_at,
        case sides.entry_side
            when 'credit' then events.from_location_code
            else events.to_location_code
        end as location_code,
        events.material_sublot_id,
        case sides.entry_side
            when 'credit' then events.from_status
            else events.to_status
        end as status,
        case sides.entry_side
            when 'credit' then -events.quantity
            else events.quantity
        end as quantity,
        events.movement_type,
        events.event_kind,
        events.source_table,
        events.source_id,
        events.source_event,
        events.document_number,
        events.work_order_id,
        events.shipment_id
    from events
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
        case when sublots.part_id is not null then 'part' else 'product' end as material_type,
        coalesce(parts.part_number, products.sku) as material_code,
        sublots.part_id,
        sublots.product_id,
        entries.material_sublot_id,
        sublots.sublot_code as material_sublot_code,
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
        event_loads.recorded_load_id
    from entries
    left join locations
        on entries.location_code = locations.location_code
    left join sublots
        on entries.material_sublot_id = sublots.material_sublot_id
    left join parts
        on sublots.part_id = parts.part_id
    left join products
        on sublots.product_id = products.product_id
    left join event_loads
        on entries.source_table = event_loads.source_table
        and entries.source_id = event_loads.source_id
        and coalesce(entries.source_event, '') = event_loads.source_event

)

select * from final
