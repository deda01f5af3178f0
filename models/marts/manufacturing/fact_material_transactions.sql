{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='transacted_at',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- One row per accepted material transaction of production (int_material_transactions__accepted;
-- the rejected ones are in material_transactions_rejected), with its SAP-style movement type
-- and value (quantity x unit cost at the time).

with transactions as (

    select * from {{ ref('int_material_transactions__accepted') }}
    {% if is_incremental() %}where {{ in_lookback('transacted_at') }}{% endif %}

),

movement_types as (

    select movement_type, event_kind from {{ ref('movement_types') }}

),

materials as (

    select part_id, product_id, material_code from {{ ref('int_materials') }}

),

final as (

    select
        transactions.material_transaction_id,
        transactions.transaction_number,
        transactions.transaction_type,
        movement_types.movement_type,
        transactions.work_order_id,
        transactions.facility_id,
        transactions.material_sublot_id,
        transactions.storage_location_id,
        case when transactions.part_id is not null then 'part' else 'product' end as material_type,
        transactions.part_id,
        transactions.product_id,
        materials.material_code,
        transactions.quantity,
        case
            when transactions.transaction_type in ('issue_to_wo', 'scrap') then -transactions.quantity
            else transactions.quantity
        end as stock_quantity_change,
        transactions.unit_cost,
        cast(transactions.quantity * transactions.unit_cost as decimal(16, 2)) as transaction_value_usd,
        transactions.reason_code,
        transactions.reference_number,
        transactions.transacted_at,
        {{ utc_date('transactions.transacted_at') }} as transaction_date,
        transactions.created_by
    from transactions
    left join movement_types
        on transactions.transaction_type = movement_types.event_kind
    left join materials
        on transactions.part_id is not distinct from materials.part_id
        and transactions.product_id is not distinct from materials.product_id

)

select * from final
