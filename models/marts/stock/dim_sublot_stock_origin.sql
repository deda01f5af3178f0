{{ config(
    materialized='incremental',
    incremental_strategy='sublots',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- When and how every sublot first came into stock (docs block stock_ageing): one row per sublot
-- that ever held stock at a physical location, with the instant of its first receipt (a
-- supplier goods receipt, 103, or a production receipt, 101). A sublot's age is counted from
-- this instant; a transfer to another facility does not make it younger.
--
-- Incremental (strategy 'sublots', macros/incremental.sql): a run recomputes, whole, the
-- sublots with an event in the window (int_window_sublots), the only ones whose journal
-- entries can have changed.

with first_debits as (

    select
        material_sublot_id,
        {{ value_at_min("entry_at", "entry_sequence") }} as received_at,
        {{ value_at_min("movement_type", "entry_sequence") }} as received_by_movement_type,
        {{ value_at_min("facility_code", "entry_sequence") }} as received_at_facility_code
    from {{ ref('fact_inventory_journal') }}
    where is_physical and entry_side = 'debit'
    {%- if is_incremental() %}
        and {{ in_window_sublots('material_sublot_id') }}
    {%- endif %}
    group by material_sublot_id

),

sublots as (

    select material_sublot_id, sublot_code, material_type, material_code, lot_code, supplier_id
    from {{ ref('dim_material_sublots') }}

),

final as (

    select
        first_debits.material_sublot_id,
        sublots.sublot_code as material_sublot_code,
        sublots.lot_code,
        sublots.material_type,
        sublots.material_code,
        sublots.supplier_id,
        first_debits.received_at,
        first_debits.received_by_movement_type,
        case first_debits.received_by_movement_type
            when '103' then 'supplier_receipt'
            when '101' then 'production_receipt'
            else 'other'
        end as receipt_kind,
        first_debits.received_at_facility_code
    from first_debits
    inner join sublots
        on first_debits.material_sublot_id = sublots.material_sublot_id

)

select * from final
