-- Shipment sublots follow the design's mapping: loaded from a shipping dock of the origin
-- facility; order fulfilment ends at the origin facility's CUSTOMER location; a delivered
-- transfer or replenishment ends at a receiving dock of the destination facility. Returns the
-- shipment sublots that do not.

with shipment_sublots as (

    select * from {{ ref('stg_plantledger__shipment_sublots') }}

),

shipments as (

    select * from {{ ref('stg_plantledger__shipments') }}

),

locations as (

    select * from {{ ref('int_storage_locations') }}

)

select
    shipment_sublots.shipment_sublot_id,
    shipments.shipment_number,
    shipments.shipment_type,
    shipments.shipment_status,
    from_location.location_code as from_location_code,
    to_location.location_code as to_location_code
from shipment_sublots
inner join shipments
    on shipment_sublots.shipment_id = shipments.shipment_id
left join locations as from_location
    on shipment_sublots.from_location_id = from_location.storage_location_id
left join locations as to_location
    on shipment_sublots.to_location_id = to_location.storage_location_id
where not (
        from_location.location_type = 'dock'
        and from_location.location_code like '%/SHP/%'
        and from_location.facility_id = shipments.origin_facility_id
    )
    or (
        shipments.shipment_type = 'order_fulfillment'
        and not (to_location.location_type = 'customer'
                 and to_location.facility_id = shipments.origin_facility_id)
    )
    or (
        shipments.shipment_type <> 'order_fulfillment'
        and shipments.delivered_at is not null
        and not (to_location.location_type = 'dock'
                 and to_location.location_code like '%/RCV/%'
                 and to_location.facility_id = shipments.destination_facility_id)
    )
