{{ config(materialized='table') }}

-- One row per pair of work orders where one consumed a sublot the other produced (an in-house
-- subassembly going into the next level): the only place where lot genealogy can go deeper
-- than supplier lot -> part sublot -> work order -> product sublot, and so the graph the
-- genealogy recursions walk (fact_sublot_genealogy, trace_forward, trace_backward). Empty in
-- today's generated data, where products are made from purchased parts only.

with consumption as (

    select * from {{ ref('int_sublot_consumption') }}

),

outputs as (

    select * from {{ ref('int_work_order_outputs') }}

),

links as (

    select
        consumption.work_order_id as consuming_work_order_id,
        outputs.work_order_id as source_work_order_id,
        count(*) as sublot_count,
        cast(sum(consumption.net_quantity) as bigint) as net_quantity,
        min(consumption.first_issued_at) as first_issued_at
    from consumption
    inner join outputs
        on consumption.material_sublot_id = outputs.material_sublot_id
    group by consumption.work_order_id, outputs.work_order_id

)

select * from links
