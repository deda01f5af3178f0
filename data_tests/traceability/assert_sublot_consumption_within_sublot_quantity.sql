-- What work orders kept from a sublot (issues less returns, over all work orders), plus what
-- was scrapped from it, never exceeds what the sublot held when created. Returns the sublots
-- that gave more than they held.

with consumption as (

    select
        material_sublot_id,
        sum(net_quantity) as consumed_quantity,
        max(sublot_initial_quantity) as initial_quantity
    from {{ ref('int_sublot_consumption') }}
    group by material_sublot_id

),

scrap as (

    select material_sublot_id, sum(quantity) as scrapped_quantity
    from {{ ref('int_material_transactions__accepted') }}
    where transaction_type = 'scrap'
    group by material_sublot_id

)

select
    consumption.material_sublot_id,
    consumption.initial_quantity,
    consumption.consumed_quantity,
    coalesce(scrap.scrapped_quantity, 0) as scrapped_quantity
from consumption
left join scrap
    on consumption.material_sublot_id = scrap.material_sublot_id
where consumption.consumed_quantity + coalesce(scrap.scrapped_quantity, 0) > consumption.initial_quantity
