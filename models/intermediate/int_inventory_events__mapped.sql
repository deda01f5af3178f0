{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='occurred_at',
    lookback_recent=true,
    unique_key=['source_table', 'source_id', 'source_event'],
    on_schema_change='fail',
    meta={'proof_window': {'lookback': 'occurred_at'}}
) }}
-- depends_on: {{ ref('int_load_window') }}
-- proof_window: the rows a run maps are the events from recent_start and those of the loads
-- not consumed yet, all at or after int_load_window.lookback_start (taken at or before the
-- earliest event of those loads), so its column_rules check the events from lookback_start on
-- (their keys counted over the whole model), not every mapped event.

-- The event mapping, done once (docs/raw_data_design.md, "Events and what each one does to
-- stock"): one row per stock event of the rows that passed the row checks (sublot movements
-- before their balance check), mapped per source to a sublot, a quantity, a from and a to
-- location (with whether each is physical), the status it sets, and its place in the journal
-- order (occurred_at, tie_break_rank, source_id, source_event). Each row depends on its own
-- source row only: no window. int_inventory_events__candidates adds the per-sublot running
-- values (status before, a conveyor move's quantity) and the global order;
-- int_inventory_events takes those of the accepted events.
--
-- recorded_load_id is the load after which the warehouse knew the event
-- (int_inventory_event_loads).
--
-- Incremental (strategy lookback from recent_start, unique_key (source_table, source_id,
-- source_event)): the events at
-- or after recent_start are mapped again, and so are the events a load not consumed yet
-- brought (late events of any age: recorded_load_id after previous_consumed_load_id); the
-- other earlier ones stay as they were mapped (their source rows are not restated).

with supplier_receipts as (

    select * from {{ ref('int_supplier_receipts__accepted') }}
    {%- if is_incremental() %}
    where {{ in_lookback('received_at') }}
    {%- endif %}

),

sublot_movements as (

    -- the rows that passed the row checks, before their balance check
    select *
    from {{ ref('int_sublot_movements__prescreened') }}
    where rejection_reason is null
        and not is_removed_duplicate
    {%- if is_incremental() %}
        and {{ in_lookback('moved_at') }}
    {%- endif %}

),

material_transactions as (

    select * from {{ ref('int_material_transactions__accepted') }}
    {%- if is_incremental() %}
    where {{ in_lookback('transacted_at') }}
    {%- endif %}

),

conveyor_movements as (

    select * from {{ ref('int_conveyor_movements') }}
    {%- if is_incremental() %}
    where {{ in_lookback('moved_at') }}
    {%- endif %}

),

shipment_sublots as (

    select * from {{ ref('stg_plantledger__shipment_sublots') }}

),

shipments as (

    select * from {{ ref('stg_plantledger__shipments') }}

),

sublots as (

    select material_sublot_id, sublot_code
    from {{ ref('stg_plantledger__material_sublots') }}

),

locations as (

    select * from {{ ref('int_storage_locations') }}

),

event_loads as (

    select * from {{ ref('int_inventory_event_loads') }}

),

movement_types as (

    select movement_type, event_kind from {{ ref('movement_types') }}

),

raw_locations as (

    -- the raw storage locations, physical and virtual, by id
    select storage_location_id, location_code, location_type
    from locations
    where storage_location_id is not null

),

virtual_locations as (

    -- the one vendor / customer / scrap / adjustment / in_transit location of each facility
    select facility_id, location_type, location_code
    from locations
    where location_type in ('vendor', 'customer', 'scrap', 'adjustment', 'in_transit')

),

production_locations as (

    select work_order_id, location_code
    from locations
    where work_order_id is not null

),

goods_receipts as (

    select
        'supplier_receipts' as source_table,
        supplier_receipts.supplier_receipt_id as source_id,
        '' as source_event,
        'goods_receipt' as event_kind,
        1 as tie_break_rank,
        supplier_receipts.receipt_number as document_number,
        supplier_receipts.received_at as occurred_at,
        supplier_receipts.material_sublot_id,
        supplier_receipts.quantity,
        vendor.location_code as from_location_code,
        dock.location_code as to_location_code,
        supplier_receipts.received_status as sets_status,
        cast(null as {{ dbt.type_string() }}) as recorded_from_status,
        cast(null as {{ dbt.type_string() }}) as recorded_to_status,
        cast(null as bigint) as work_order_id,
        cast(null as bigint) as shipment_id
    from supplier_receipts
    left join virtual_locations as vendor
        on supplier_receipts.facility_id = vendor.facility_id
        and vendor.location_type = 'vendor'
    left join raw_locations as dock
        on supplier_receipts.storage_location_id = dock.storage_location_id

),

warehouse_movements as (

    select
        'sublot_movements' as source_table,
        sublot_movements.sublot_movement_id as source_id,
        '' as source_event,
        case
            when sublot_movements.movement_type = 'status_change'
                then 'status_change_to_' || sublot_movements.to_status
            when sublot_movements.movement_type = 'count_adjustment'
                and from_location.location_type = 'adjustment'
                then 'count_adjustment_gain'
            when sublot_movements.movement_type = 'count_adjustment'
                then 'count_adjustment_loss'
            else sublot_movements.movement_type
        end as event_kind,
        4 as tie_break_rank,
        sublot_movements.movement_number as document_number,
        sublot_movements.moved_at as occurred_at,
        sublot_movements.material_sublot_id,
        sublot_movements.quantity,
        coalesce(from_location.location_code, adjustment.location_code) as from_location_code,
        case
            when sublot_movements.movement_type = 'status_change'
                then coalesce(to_location.location_code, from_location.location_code)
            else coalesce(to_location.location_code, adjustment.location_code)
        end as to_location_code,
        case
            when sublot_movements.movement_type = 'status_change' then sublot_movements.to_status
        end as sets_status,
        sublot_movements.from_status as recorded_from_status,
        sublot_movements.to_status as recorded_to_status,
        cast(null as bigint) as work_order_id,
        cast(null as bigint) as shipment_id
    from sublot_movements
    left join raw_locations as from_location
        on sublot_movements.from_location_id = from_location.storage_location_id
    left join raw_locations as to_location
        on sublot_movements.to_location_id = to_location.storage_location_id
    left join virtual_locations as adjustment
        on sublot_movements.facility_id = adjustment.facility_id
        and adjustment.location_type = 'adjustment'
        and sublot_movements.movement_type = 'count_adjustment'

),

production_movements as (

    select
        'material_transactions' as source_table,
        material_transactions.material_transaction_id as source_id,
        '' as source_event,
        material_transactions.transaction_type as event_kind,
        case material_transactions.transaction_type
            when 'receipt_from_wo' then 2
            when 'issue_to_wo' then 5
            when 'scrap' then 6
            when 'return_to_stock' then 7
        end as tie_break_rank,
        material_transactions.transaction_number as document_number,
        material_transactions.transacted_at as occurred_at,
        material_transactions.material_sublot_id,
        material_transactions.quantity,
        case
            when material_transactions.transaction_type in ('issue_to_wo', 'scrap')
                then stock_location.location_code
            else production.location_code
        end as from_location_code,
        case
            when material_transactions.transaction_type = 'issue_to_wo'
                then production.location_code
            when material_transactions.transaction_type = 'scrap'
                then scrap.location_code
            else stock_location.location_code
        end as to_location_code,
        case
            when material_transactions.transaction_type = 'receipt_from_wo' then 'available'
        end as sets_status,
        cast(null as {{ dbt.type_string() }}) as recorded_from_status,
        cast(null as {{ dbt.type_string() }}) as recorded_to_status,
        material_transactions.work_order_id,
        cast(null as bigint) as shipment_id
    from material_transactions
    left join raw_locations as stock_location
        on material_transactions.storage_location_id = stock_location.storage_location_id
    left join production_locations as production
        on material_transactions.work_order_id = production.work_order_id
    left join virtual_locations as scrap
        on material_transactions.facility_id = scrap.facility_id
        and scrap.location_type = 'scrap'

),

conveyor_moves as (

    select
        'plc_tag_events' as source_table,
        conveyor_movements.source_event_id as source_id,
        conveyor_movements.sublot_code as source_event,
        'conveyor_move' as event_kind,
        3 as tie_break_rank,
        conveyor_movements.conveyor_movement_id as document_number,
        conveyor_movements.moved_at as occurred_at,
        sublots.material_sublot_id,
        -- a conveyor move carries the whole sublot: its quantity is known only from the
        -- journal, so it is filled in below from the running balance
        cast(null as integer) as quantity,
        from_location.location_code as from_location_code,
        to_location.location_code as to_location_code,
        cast(null as {{ dbt.type_string() }}) as sets_status,
        cast(null as {{ dbt.type_string() }}) as recorded_from_status,
        cast(null as {{ dbt.type_string() }}) as recorded_to_status,
        cast(null as bigint) as work_order_id,
        cast(null as bigint) as shipment_id
    from conveyor_movements
    left join sublots
        on conveyor_movements.sublot_code = sublots.sublot_code
    left join raw_locations as from_location
        on conveyor_movements.from_storage_location_id = from_location.storage_location_id
    left join raw_locations as to_location
        on conveyor_movements.to_storage_location_id = to_location.storage_location_id

),

shipped_sublots as (

    select
        shipment_sublots.*,
        shipments.shipment_number,
        shipments.shipment_type,
        shipments.origin_facility_id,
        shipments.shipped_at,
        shipments.delivered_at
    from shipment_sublots
    inner join shipments
        on shipment_sublots.shipment_id = shipments.shipment_id

),

shipment_goods_issues as (

    select
        'shipment_sublots' as source_table,
        shipped_sublots.shipment_sublot_id as source_id,
        'shipped' as source_event,
        case
            when shipped_sublots.shipment_type = 'order_fulfillment' then 'goods_issue_delivery'
            else 'goods_issue_transit'
        end as event_kind,
        8 as tie_break_rank,
        shipped_sublots.shipment_number as document_number,
        shipped_sublots.shipped_at as occurred_at,
        shipped_sublots.material_sublot_id,
        shipped_sublots.quantity,
        dock.location_code as from_location_code,
        case
            when shipped_sublots.shipment_type = 'order_fulfillment' then destination.location_code
            else in_transit.location_code
        end as to_location_code,
        cast(null as {{ dbt.type_string() }}) as sets_status,
        cast(null as {{ dbt.type_string() }}) as recorded_from_status,
        cast(null as {{ dbt.type_string() }}) as recorded_to_status,
        cast(null as bigint) as work_order_id,
        shipped_sublots.shipment_id
    from shipped_sublots
    left join raw_locations as dock
        on shipped_sublots.from_location_id = dock.storage_location_id
    left join locations as destination
        on shipped_sublots.to_location_id = destination.storage_location_id
    left join virtual_locations as in_transit
        on shipped_sublots.origin_facility_id = in_transit.facility_id
        and in_transit.location_type = 'in_transit'
    {%- if is_incremental() %}
    where {{ in_lookback('shipped_sublots.shipped_at') }}
    {%- endif %}

),

shipment_goods_receipts as (

    select
        'shipment_sublots' as source_table,
        shipped_sublots.shipment_sublot_id as source_id,
        'delivered' as source_event,
        'goods_receipt_transit' as event_kind,
        9 as tie_break_rank,
        shipped_sublots.shipment_number as document_number,
        shipped_sublots.delivered_at as occurred_at,
        shipped_sublots.material_sublot_id,
        shipped_sublots.quantity,
        in_transit.location_code as from_location_code,
        destination.location_code as to_location_code,
        cast(null as {{ dbt.type_string() }}) as sets_status,
        cast(null as {{ dbt.type_string() }}) as recorded_from_status,
        cast(null as {{ dbt.type_string() }}) as recorded_to_status,
        cast(null as bigint) as work_order_id,
        shipped_sublots.shipment_id
    from shipped_sublots
    left join virtual_locations as in_transit
        on shipped_sublots.origin_facility_id = in_transit.facility_id
        and in_transit.location_type = 'in_transit'
    left join locations as destination
        on shipped_sublots.to_location_id = destination.storage_location_id
    where shipped_sublots.shipment_type <> 'order_fulfillment'
        and shipped_sublots.delivered_at is not null
        {%- if is_incremental() %}
        and {{ in_lookback('shipped_sublots.delivered_at') }}
        {%- endif %}

),

events as (

    select * from goods_receipts
    union all
    select * from warehouse_movements
    union all
    select * from production_movements
    union all
    select * from conveyor_moves
    union all
    select * from shipment_goods_issues
    union all
    select * from shipment_goods_receipts

),

final as (

    -- no transaction_id: a unique string per event is the costliest column to write; the event
    -- is named by (source_table, source_id, source_event), and int_inventory_events builds the
    -- key (macro transaction_key)
    select
        events.source_table,
        events.source_id,
        events.source_event,
        events.event_kind,
        movement_types.movement_type,
        events.tie_break_rank,
        events.document_number,
        events.occurred_at,
        events.material_sublot_id,
        events.quantity,
        events.from_location_code,
        events.to_location_code,
        coalesce(from_location.is_physical, false) as from_is_physical,
        coalesce(to_location.is_physical, false) as to_is_physical,
        events.sets_status,
        events.recorded_from_status,
        events.recorded_to_status,
        events.work_order_id,
        events.shipment_id,
        event_loads.recorded_load_id
    from events
    left join event_loads
        on events.source_table = event_loads.source_table
        and events.source_id = event_loads.source_id
        and events.source_event = event_loads.source_event
    left join locations as from_location
        on events.from_location_code = from_location.location_code
    left join locations as to_location
        on events.to_location_code = to_location.location_code
    left join movement_types
        on events.event_kind = movement_types.event_kind
    {%- if is_incremental() %}
    -- lookback_start: no late event is earlier (a bound the scans can use; each source is
    -- already bounded by it above, before its joins)
    where {{ in_lookback('events.occurred_at') }}
        and (
            events.occurred_at >= {{ recent_start() }}
            or events.occurred_at is null
            or {{ in_unconsumed_loads('event_loads.recorded_load_id') }}
        )
    {%- endif %}

)

select * from final
