-- LocatedAt (WorkCenter -> Facility): "Work centers at Munich factory".
--   dbt compile -s graph_work_centers_at_facility --vars '{facility_code: FAC-MUN}'

with located_at as (

    select from_node_key as work_center_code
    from {{ ref('graph_edges') }}
    where relationship = 'LocatedAt'
        and to_node_key = '{{ var("facility_code", "FAC-MUN") }}'

),

work_centers as (

    select node_key as work_center_code, node_label as work_center_name
    from {{ ref('graph_nodes') }}
    where node_type = 'WorkCenter'

)

select
    located_at.work_center_code,
    work_centers.work_center_name
from located_at
inner join work_centers
    on located_at.work_center_code = work_centers.work_center_code
order by located_at.work_center_code
