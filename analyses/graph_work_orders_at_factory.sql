-- PerformedAt (WorkOrder -> Facility): "WOs running at factory X". The work orders in progress
-- at a factory, with what they make (Produces) and how far their steps got (HasStep).
--   dbt compile -s graph_work_orders_at_factory --vars '{facility_code: FAC-CHI}'

with performed_at as (

    select from_node_key as wo_number
    from {{ ref('graph_edges') }}
    where relationship = 'PerformedAt'
        and to_node_key = '{{ var("facility_code", "FAC-CHI") }}'

),

produces as (

    select
        from_node_key as wo_number,
        to_node_key as sku,
        quantity as quantity_planned,
        edge_detail as work_order_status,
        valid_from as created_at
    from {{ ref('graph_edges') }}
    where relationship = 'Produces'

),

steps as (

    select
        from_node_key as wo_number,
        count(*) as step_count,
        sum(case when edge_detail = 'completed' then 1 else 0 end) as completed_step_count
    from {{ ref('graph_edges') }}
    where relationship = 'HasStep'
    group by from_node_key

)

select
    performed_at.wo_number,
    produces.sku,
    produces.quantity_planned,
    produces.work_order_status,
    steps.completed_step_count,
    steps.step_count,
    produces.created_at
from performed_at
inner join produces
    on performed_at.wo_number = produces.wo_number
left join steps
    on performed_at.wo_number = steps.wo_number
where produces.work_order_status = 'in_progress'
order by produces.created_at, performed_at.wo_number
