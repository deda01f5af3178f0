-- Work-order rule, the step chain of a started work order (in_progress, quality_hold,
-- completed): first step quantity_in = quantity_planned; completed steps in = out + scrapped;
-- every started step after the first takes in what the previous step put out; the in_progress
-- step has out + scrapped <= in; pending steps are all 0; steps run in order (completed ...,
-- at most one in_progress, pending ...). Returns each violating step with the rule it breaks.

with steps as (

    select * from {{ ref('fact_work_order_steps') }}
    where work_order_status in ('in_progress', 'quality_hold', 'completed')

),

checked as (

    select
        work_order_step_id,
        work_order_id,
        step_sequence,
        step_number,
        step_status,
        previous_step_status,
        work_order_quantity_planned,
        quantity_in,
        quantity_out,
        quantity_scrapped,
        previous_step_quantity_out,
        case
            when is_first_step and step_status <> 'pending' and quantity_in <> work_order_quantity_planned
                then 'first step quantity_in <> quantity_planned'
            when step_status = 'completed' and quantity_in <> quantity_out + quantity_scrapped
                then 'completed step quantity_in <> quantity_out + quantity_scrapped'
            when not is_first_step and step_status <> 'pending' and quantity_in <> previous_step_quantity_out
                then 'quantity_in <> previous step quantity_out'
            when step_status = 'in_progress' and quantity_out + quantity_scrapped > quantity_in
                then 'in_progress step quantity_out + quantity_scrapped > quantity_in'
            when step_status = 'pending' and (quantity_in <> 0 or quantity_out <> 0 or quantity_scrapped <> 0)
                then 'pending step has quantities'
            when step_status in ('completed', 'in_progress') and previous_step_status in ('pending', 'in_progress')
                then 'step started before the previous step completed'
            when step_status = 'skipped'
                then 'skipped step in a started work order'
        end as violation
    from steps

)

select *
from checked
where violation is not null
