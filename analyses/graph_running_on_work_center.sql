-- UsesWorkCenter (WorkOrderStep -> WorkCenter): "What's running on Line A?". The steps in
-- progress on a work centre, with their work order (HasStep, walked backwards) and product.
--   dbt compile -s graph_running_on_work_center --vars '{work_center_code: WC-ASM-01}'

with uses_work_center as (

    select from_node_key as step_key
    from {{ ref('graph_edges') }}
    where relationship = 'UsesWorkCenter'
        and to_node_key = '{{ var("work_center_code", "WC-ASM-01") }}'
        and edge_detail = 'in_progress'

),

has_step as (

    select from_node_key as wo_number, to_node_key as step_key
    from {{ ref('graph_edges') }}
    where relationship = 'HasStep'

),

produces as (

    select from_node_key as wo_number, to_node_key as sku, quantity as quantity_planned
    from {{ ref('graph_edges') }}
    where relationship = 'Produces'

),

steps as (

    select node_key as step_key, node_label as operation_name
    from {{ ref('graph_nodes') }}
    where node_type = 'WorkOrderStep'

)

select
    has_step.wo_number,
    uses_work_center.step_key,
    steps.operation_name,
    produces.sku,
    produces.quantity_planned
from uses_work_center
inner join has_step
    on uses_work_center.step_key = has_step.step_key
inner join steps
    on uses_work_center.step_key = steps.step_key
inner join produces
    on has_step.wo_number = produces.wo_number
order by has_step.wo_number
