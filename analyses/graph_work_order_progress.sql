-- HasStep (WorkOrder -> WorkOrderStep): "Progress of WO-001". The work order's steps in
-- order, each with its operation, status, good output and work centre (UsesWorkCenter).
--   dbt compile -s graph_work_order_progress --vars '{wo_number: WO-2024-00001}'

with has_step as (

    select
        to_node_key as step_key,
        edge_detail as step_status,
        quantity as quantity_out
    from {{ ref('graph_edges') }}
    where relationship = 'HasStep'
        and from_node_key = '{{ var("wo_number", "WO-2024-00001") }}'

),

steps as (

    select node_key as step_key, node_label as operation_name
    from {{ ref('graph_nodes') }}
    where node_type = 'WorkOrderStep'

),

uses_work_center as (

    select from_node_key as step_key, to_node_key as work_center_code
    from {{ ref('graph_edges') }}
    where relationship = 'UsesWorkCenter'

)

select
    has_step.step_key,
    cast(split_part(has_step.step_key, '/', 2) as integer) as step_sequence,
    steps.operation_name,
    has_step.step_status,
    has_step.quantity_out,
    uses_work_center.work_center_code
from has_step
inner join steps
    on has_step.step_key = steps.step_key
left join uses_work_center
    on has_step.step_key = uses_work_center.step_key
order by step_sequence
