{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='entry_at',
    lookback_sublot_column='material_sublot_id',
    unique_key='journal_entry_id',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}
-- depends_on: {{ ref('int_window_sublots') }}

-- Stock movements across a facility's boundary (docs block stock_movements): one row per
-- journal entry at a physical location whose other entry is not at a physical location of the
-- same facility, i.e. every entry that changes a facility's stock of a material. Moves inside a
-- facility (putaway, bin transfer, replenishment, pick, conveyor move) and status changes have
-- both entries in one facility and are left out: they are neither in nor out.
--
-- balance_category (the columns of the period balance, MB5B style), from the movement type:
--   receipts        103 supplier goods receipt, 101 production receipt
--   issues          261 issue to a work order, 262 return from it (a negative issue),
--                   601 goods issue to a customer
--   transfers_in    941 receipt from stock in transit (another facility's shipment)
--   transfers_out   641 goods issue to stock in transit
--   adjustments     701 count gain, 702 count loss
--   scrap           551 scrap
-- quantity is signed as the stock changes (+ in, - out); value is quantity at the standard unit
-- cost of dim_material_valuation.
--
-- Incremental (strategy 'lookback' on entry_at, restated per sublot: in_restated_window,
-- macros/incremental.sql): a run recomputes the entries the journal restated (both entries of
-- a stock event share its instant and sublot), and, since value is at the current standard cost as in a full
-- refresh, every entry of a material whose standard cost is no longer the one its rows carry
-- (unique_key journal_entry_id replaces them).

with valuation as (

    select material_type, material_code, standard_unit_cost
    from {{ ref('dim_material_valuation') }}

),

{%- if is_incremental() %}

repriced_materials as (

    -- materials whose rows were valued at another standard cost than today's
    select distinct previous.material_type, previous.material_code
    from {{ this }} as previous
    inner join valuation
        on previous.material_type = valuation.material_type
        and previous.material_code = valuation.material_code
    where previous.value
        <> cast(previous.quantity * valuation.standard_unit_cost as decimal(18, 4))

),

{%- endif %}

{%- if is_incremental() %}

recomputed_entries as (

    -- the journal entries this run recomputes, narrow: those the journal restated (one plain
    -- comparison on entry_at leads in_restated_window, so the scan reads the window only),
    -- and every entry of a repriced material (none on most days: the join then reads nothing)
    select entry_sequence, entry_side, facility_id, is_physical
    from {{ ref('fact_inventory_journal') }}
    where {{ in_restated_window('entry_at', 'material_sublot_id') }}

    union

    select journal.entry_sequence, journal.entry_side, journal.facility_id, journal.is_physical
    from {{ ref('fact_inventory_journal') }} as journal
    inner join repriced_materials
        on journal.material_type = repriced_materials.material_type
        and journal.material_code = repriced_materials.material_code

),

physical_entries as (

    select entry_sequence, entry_side, facility_id
    from recomputed_entries
    where is_physical

),

counterparts as (

    select entry_sequence, facility_id, is_physical
    from recomputed_entries

),
{%- else %}

physical_entries as (

    -- narrow: the join below carries keys only (the journal is read once per use, by name,
    -- so that each read takes only its columns rather than one wide copy shared by both)
    select entry_sequence, entry_side, facility_id
    from {{ ref('fact_inventory_journal') }}
    where is_physical

),

counterparts as (

    -- an event's two entries are numbered one after the other, credit first
    -- (fact_inventory_journal.entry_sequence): the counterpart is found by an integer key
    select entry_sequence, facility_id, is_physical
    from {{ ref('fact_inventory_journal') }}

),
{%- endif %}

boundary_sequences as (

    select physical_entries.entry_sequence
    from physical_entries
    inner join counterparts
        on counterparts.entry_sequence = physical_entries.entry_sequence
            + case when physical_entries.entry_side = 'credit' then 1 else -1 end
    where not (
        counterparts.is_physical and counterparts.facility_id = physical_entries.facility_id
    )

),

boundary_entries as (

    -- the whole entries, by their key (entry_sequence is unique in the journal)
    select *
    from {{ ref('fact_inventory_journal') }}
    where entry_sequence in (select entry_sequence from boundary_sequences)
    {%- if is_incremental() %}
        -- one plain comparison the scan applies (entry_sequence grows with entry_at): the
        -- semi join alone made it read every entry's wide columns
        and entry_sequence >= (select min(entry_sequence) from boundary_sequences)
    {%- endif %}

),

final as (

    select
        boundary_entries.journal_entry_id,
        boundary_entries.transaction_id,
        boundary_entries.entry_sequence,
        boundary_entries.entry_at,
        boundary_entries.facility_id,
        boundary_entries.facility_code,
        boundary_entries.location_code,
        boundary_entries.material_type,
        boundary_entries.material_code,
        boundary_entries.material_sublot_id,
        boundary_entries.material_sublot_code,
        boundary_entries.status,
        boundary_entries.movement_type,
        boundary_entries.event_kind,
        case
            when boundary_entries.movement_type in ('103', '101') then 'receipts'
            when boundary_entries.movement_type in ('261', '262', '601') then 'issues'
            when boundary_entries.movement_type = '941' then 'transfers_in'
            when boundary_entries.movement_type = '641' then 'transfers_out'
            when boundary_entries.movement_type in ('701', '702') then 'adjustments'
            when boundary_entries.movement_type = '551' then 'scrap'
        end as balance_category,
        boundary_entries.document_number,
        boundary_entries.quantity,
        cast(boundary_entries.quantity * valuation.standard_unit_cost as decimal(18, 4)) as value
    from boundary_entries
    inner join valuation
        on boundary_entries.material_type = valuation.material_type
        and boundary_entries.material_code = valuation.material_code

)

select * from final
order by facility_code, entry_at, entry_sequence
