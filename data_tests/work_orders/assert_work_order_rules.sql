-- The work-order rules, one proof (issue #11 item 1a: every test is a node, and dbt's fixed
-- cost per node is most of a daily build's). Each row is one violation: `invariant` names the
-- rule it breaks (below), `violation` says how; the ids name the work order and, where the
-- rule is about one, the step, the transaction or the part; expected_quantity and
-- actual_quantity hold the two sides of a quantity rule. Every rule reads the whole
-- work-order facts, in a full build and in a daily one.
--
-- unstarted_have_no_activity: released and cancelled work orders have no actual times, no
--   material transactions, their steps pending (released) or skipped (cancelled), quantities 0.
-- step_chain_quantities: the step chain of a started work order (in_progress, quality_hold,
--   completed): first step quantity_in = quantity_planned; completed steps in = out + scrapped;
--   every started step after the first takes in what the previous step put out; the
--   in_progress step has out + scrapped <= in; pending steps are all 0; steps run in order.
-- scrapped_equals_step_scrap: quantity_scrapped = the sum of the steps' quantity_scrapped.
-- completed_equals_last_step_out_and_receipts: quantity_completed = the last step's
--   quantity_out (0 unless the last step completed) = the sum of its receipt_from_wo.
-- completed_rules: a completed work order has actual_end set and completed + scrapped = planned.
-- quality_hold_rules: a quality_hold work order has all steps completed, actual_end null,
--   production receipts, and the product sublots it received are on quality_hold.
-- issues_follow_the_bill: per started work order and product component, issues minus returns
--   = component quantity x quantity_planned; nothing issued off the bill (scrap is not
--   consumption of the bill).
-- material_timing: an issue is posted no later than the actual start and at most
--   var('issue_lead_hours') hours before it; returns and production receipts once the last
--   step has completed, not before its end and not after the actual end (when set).
-- quantities_within_plan: completed + scrapped <= planned, nothing negative, planned > 0.
-- timestamps_ordered: planned and actual timestamps of work orders and steps present per
--   status and in order.
-- scrap_is_line_side_component_material: scrap, issues and returns are component parts at
--   line-side staging, receipts a product onto a conveyor line; only scrap has a reason code.

with unstarted_have_no_activity as (

    select work_order_id, wo_number, cast(null as bigint) as work_order_step_id, 'has actual times' as violation
    from {{ ref('fact_work_orders') }} as work_orders
    where work_order_status in ('released', 'cancelled')
        and (actual_start_at is not null or actual_end_at is not null)

    union all

    select work_order_id, wo_number, cast(null as bigint), 'has material transactions'
    from {{ ref('fact_work_orders') }} as work_orders
    where work_order_status in ('released', 'cancelled')
        and material_transaction_count > 0

    union all

    select work_order_id, wo_number, cast(null as bigint), 'has completed or scrapped quantity'
    from {{ ref('fact_work_orders') }} as work_orders
    where work_order_status in ('released', 'cancelled')
        and (quantity_completed <> 0 or quantity_scrapped <> 0)

    union all

    select
        steps.work_order_id,
        work_orders.wo_number,
        steps.work_order_step_id,
        'step ' || cast(steps.step_sequence as {{ dbt.type_string() }}) || ' is ' || steps.step_status
            || case when steps.quantity_in <> 0 or steps.quantity_out <> 0 or steps.quantity_scrapped <> 0
                then ' with quantities' else '' end
            || case when steps.actual_start_at is not null or steps.actual_end_at is not null
                then ' with actual times' else '' end
    from {{ ref('fact_work_order_steps') }} as steps
    inner join {{ ref('fact_work_orders') }} as work_orders
        on steps.work_order_id = work_orders.work_order_id
    where steps.work_order_status in ('released', 'cancelled')
        and work_orders.work_order_status in ('released', 'cancelled')
        and (steps.step_status <> case steps.work_order_status
                when 'released' then 'pending'
                else 'skipped'
            end
            or steps.quantity_in <> 0
            or steps.quantity_out <> 0
            or steps.quantity_scrapped <> 0
            or steps.actual_start_at is not null
            or steps.actual_end_at is not null)

),

step_chain_quantities as (

    select
        work_order_id,
        work_order_step_id,
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
        end as violation,
        quantity_in
    from {{ ref('fact_work_order_steps') }} as steps
    where work_order_status in ('in_progress', 'quality_hold', 'completed')

),

quantity_rules as (

    select
        work_order_id,
        wo_number,
        'scrapped_equals_step_scrap' as invariant,
        'quantity_scrapped <> the steps'' quantity_scrapped' as violation,
        step_quantity_scrapped as expected_quantity,
        quantity_scrapped as actual_quantity
    from {{ ref('fact_work_orders') }} as work_orders
    where quantity_scrapped <> step_quantity_scrapped

    union all

    select
        work_order_id,
        wo_number,
        'completed_equals_last_step_out_and_receipts',
        case
            when quantity_completed <> case when last_step_status = 'completed' then last_step_quantity_out else 0 end
                then 'quantity_completed <> the last step''s quantity_out (' || last_step_status || ')'
            else 'quantity_completed <> the received quantity'
        end,
        case
            when quantity_completed <> case when last_step_status = 'completed' then last_step_quantity_out else 0 end
                then case when last_step_status = 'completed' then last_step_quantity_out else 0 end
            else received_quantity
        end,
        quantity_completed
    from {{ ref('fact_work_orders') }} as work_orders
    where quantity_completed <> case when last_step_status = 'completed' then last_step_quantity_out else 0 end
        or quantity_completed <> received_quantity

    union all

    select
        work_order_id,
        wo_number,
        'completed_rules',
        case
            when actual_end_at is null then 'completed without actual_end_at'
            else 'quantity_completed + quantity_scrapped <> quantity_planned'
        end,
        quantity_planned,
        quantity_completed + quantity_scrapped
    from {{ ref('fact_work_orders') }} as work_orders
    where work_order_status = 'completed'
        and (actual_end_at is null
             or quantity_completed + quantity_scrapped <> quantity_planned)

    union all

    select
        work_order_id,
        wo_number,
        'quantities_within_plan',
        case
            when quantity_planned <= 0 then 'quantity_planned <= 0'
            when quantity_completed < 0 or quantity_scrapped < 0 then 'a negative quantity'
            else 'quantity_completed + quantity_scrapped > quantity_planned'
        end,
        quantity_planned,
        quantity_completed + quantity_scrapped
    from {{ ref('fact_work_orders') }} as work_orders
    where quantity_completed + quantity_scrapped > quantity_planned
        or quantity_completed < 0
        or quantity_scrapped < 0
        or quantity_planned <= 0

),

quality_hold_work_orders as (

    select work_order_id, wo_number, step_count, completed_step_count, actual_end_at, receipt_count
    from {{ ref('fact_work_orders') }}
    where work_order_status = 'quality_hold'

),

quality_hold_rules as (

    select work_order_id, wo_number, 'not all steps completed' as violation
    from quality_hold_work_orders
    where completed_step_count <> step_count

    union all

    select work_order_id, wo_number, 'actual_end_at is set'
    from quality_hold_work_orders
    where actual_end_at is not null

    union all

    select work_order_id, wo_number, 'no production receipts'
    from quality_hold_work_orders
    where receipt_count = 0

    union all

    select
        quality_hold_work_orders.work_order_id,
        quality_hold_work_orders.wo_number,
        'product sublot ' || sublots.sublot_code || ' is ' || sublots.sublot_status
    from quality_hold_work_orders
    inner join {{ ref('fact_material_transactions') }} as transactions
        on quality_hold_work_orders.work_order_id = transactions.work_order_id
    inner join {{ ref('stg_plantledger__material_sublots') }} as sublots
        on transactions.material_sublot_id = sublots.material_sublot_id
    where transactions.transaction_type = 'receipt_from_wo'
        and sublots.sublot_status <> 'quality_hold'

),

bill as (

    select
        work_orders.work_order_id,
        work_orders.wo_number,
        components.part_id,
        components.quantity_per_unit * work_orders.quantity_planned as bill_quantity
    from {{ ref('fact_work_orders') }} as work_orders
    inner join {{ ref('stg_plantledger__product_components') }} as components
        on work_orders.product_id = components.product_id
    where work_orders.is_started

),

net_issues as (

    select
        work_order_id,
        part_id,
        sum(case when transaction_type = 'issue_to_wo' then quantity else 0 end)
            - sum(case when transaction_type = 'return_to_stock' then quantity else 0 end)
            as net_issued_quantity
    from {{ ref('fact_material_transactions') }} as transactions
    where transaction_type in ('issue_to_wo', 'return_to_stock')
    group by work_order_id, part_id

),

issues_follow_the_bill as (

    select
        coalesce(bill.work_order_id, net_issues.work_order_id) as work_order_id,
        bill.wo_number,
        coalesce(bill.part_id, net_issues.part_id) as part_id,
        case
            when bill.part_id is null then 'issued off the bill'
            else 'net issue <> the bill'
        end as violation,
        bill.bill_quantity,
        net_issues.net_issued_quantity
    from bill
    full outer join net_issues
        on bill.work_order_id = net_issues.work_order_id
        and bill.part_id = net_issues.part_id
    where coalesce(bill.bill_quantity, 0) <> coalesce(net_issues.net_issued_quantity, 0)

),

material_timing as (

    select
        transactions.work_order_id,
        work_orders.wo_number,
        transactions.material_transaction_id,
        case
            when transactions.transaction_type = 'issue_to_wo'
                and (work_orders.actual_start_at is null
                     or transactions.transacted_at > work_orders.actual_start_at)
                then 'issue after the actual start'
            when transactions.transaction_type = 'issue_to_wo'
                and transactions.transacted_at
                    < {{ dbt.dateadd('hour', -1 * var('issue_lead_hours'), 'work_orders.actual_start_at') }}
                then 'issue long before the actual start'
            when transactions.transaction_type in ('return_to_stock', 'receipt_from_wo')
                and (work_orders.last_step_status <> 'completed'
                     or transactions.transacted_at < work_orders.last_step_actual_end_at)
                then transactions.transaction_type || ' before the last step ended'
            when transactions.transaction_type in ('return_to_stock', 'receipt_from_wo')
                and transactions.transacted_at > work_orders.actual_end_at
                then transactions.transaction_type || ' after the actual end'
        end as violation
    from {{ ref('fact_material_transactions') }} as transactions
    inner join {{ ref('fact_work_orders') }} as work_orders
        on transactions.work_order_id = work_orders.work_order_id
    where transactions.transaction_type in ('issue_to_wo', 'return_to_stock', 'receipt_from_wo')

),

timestamps_ordered as (

    select
        work_order_id,
        wo_number,
        cast(null as bigint) as work_order_step_id,
        case
            when planned_start_date > planned_end_date then 'planned_start_date after planned_end_date'
            when created_at > updated_at then 'created_at after updated_at'
            when is_started and actual_start_at is null then 'started without actual_start_at'
            when is_started and created_at > actual_start_at then 'created after its actual start'
            when work_order_status = 'completed' and actual_end_at is null then 'completed without actual_end_at'
            when work_order_status = 'completed' and actual_end_at < actual_start_at then 'actual_end_at before actual_start_at'
            when work_order_status <> 'completed' and actual_end_at is not null then 'actual_end_at set but not completed'
            when work_order_status = 'completed' and actual_end_at < last_step_actual_end_at then 'ended before its last step'
        end as violation
    from {{ ref('fact_work_orders') }} as work_orders

    union all

    select
        steps.work_order_id,
        work_orders.wo_number,
        steps.work_order_step_id,
        case
            when steps.step_status = 'completed'
                and (steps.actual_start_at is null or steps.actual_end_at is null)
                then 'completed step without actual start and end'
            when steps.step_status = 'completed' and steps.actual_end_at < steps.actual_start_at
                then 'step ends before it starts'
            when steps.step_status = 'in_progress'
                and (steps.actual_start_at is null or steps.actual_end_at is not null)
                then 'in_progress step without a start or with an end'
            when steps.step_status in ('pending', 'skipped')
                and (steps.actual_start_at is not null or steps.actual_end_at is not null)
                then 'pending or skipped step with actual times'
            when steps.actual_start_at < steps.previous_step_actual_end_at
                then 'step starts before the previous step ended'
            when steps.actual_start_at < work_orders.actual_start_at
                then 'step starts before the work order started'
        end
    from {{ ref('fact_work_order_steps') }} as steps
    inner join {{ ref('fact_work_orders') }} as work_orders
        on steps.work_order_id = work_orders.work_order_id

),

line_side_locations as (

    select storage_location_id, location_type
    from {{ ref('int_storage_locations') }}
    where storage_location_id is not null

),

scrap_is_line_side_component_material as (

    select
        transactions.work_order_id,
        transactions.material_transaction_id,
        transactions.transaction_type || ' of a ' || coalesce(transactions.material_type, 'null')
            || ' at ' || coalesce(line_side_locations.location_type, 'no location')
            || case when transactions.reason_code is not null
                then ' with reason ' || transactions.reason_code else ' without a reason' end
            as violation
    from {{ ref('fact_material_transactions') }} as transactions
    left join line_side_locations
        on transactions.storage_location_id = line_side_locations.storage_location_id
    where (transactions.transaction_type in ('issue_to_wo', 'return_to_stock', 'scrap')
           and (transactions.material_type <> 'part' or line_side_locations.location_type <> 'staging'))
        or (transactions.transaction_type = 'receipt_from_wo'
            and (transactions.material_type <> 'product' or line_side_locations.location_type <> 'conveyor_line'))
        or ((transactions.transaction_type = 'scrap') <> (transactions.reason_code is not null))

),

violations as (

    select
        'unstarted_have_no_activity' as invariant,
        work_order_id,
        wo_number,
        work_order_step_id,
        cast(null as bigint) as material_transaction_id,
        cast(null as bigint) as part_id,
        violation,
        cast(null as {{ dbt.type_numeric() }}) as expected_quantity,
        cast(null as {{ dbt.type_numeric() }}) as actual_quantity
    from unstarted_have_no_activity

    union all

    select
        'step_chain_quantities', work_order_id, cast(null as {{ dbt.type_string() }}), work_order_step_id,
        cast(null as bigint), cast(null as bigint), violation,
        cast(null as {{ dbt.type_numeric() }}), cast(quantity_in as {{ dbt.type_numeric() }})
    from step_chain_quantities
    where violation is not null

    union all

    select
        invariant, work_order_id, wo_number, cast(null as bigint), cast(null as bigint),
        cast(null as bigint), violation,
        cast(expected_quantity as {{ dbt.type_numeric() }}), cast(actual_quantity as {{ dbt.type_numeric() }})
    from quantity_rules

    union all

    select
        'quality_hold_rules', work_order_id, wo_number, cast(null as bigint), cast(null as bigint),
        cast(null as bigint), violation,
        cast(null as {{ dbt.type_numeric() }}), cast(null as {{ dbt.type_numeric() }})
    from quality_hold_rules

    union all

    select
        'issues_follow_the_bill', work_order_id, wo_number, cast(null as bigint), cast(null as bigint),
        part_id, violation,
        cast(bill_quantity as {{ dbt.type_numeric() }}), cast(net_issued_quantity as {{ dbt.type_numeric() }})
    from issues_follow_the_bill

    union all

    select
        'material_timing', work_order_id, wo_number, cast(null as bigint), material_transaction_id,
        cast(null as bigint), violation,
        cast(null as {{ dbt.type_numeric() }}), cast(null as {{ dbt.type_numeric() }})
    from material_timing
    where violation is not null

    union all

    select
        'timestamps_ordered', work_order_id, wo_number, work_order_step_id, cast(null as bigint),
        cast(null as bigint), violation,
        cast(null as {{ dbt.type_numeric() }}), cast(null as {{ dbt.type_numeric() }})
    from timestamps_ordered
    where violation is not null

    union all

    select
        'scrap_is_line_side_component_material', work_order_id, cast(null as {{ dbt.type_string() }}),
        cast(null as bigint), material_transaction_id, cast(null as bigint), violation,
        cast(null as {{ dbt.type_numeric() }}), cast(null as {{ dbt.type_numeric() }})
    from scrap_is_line_side_component_material

)

select * from violations
