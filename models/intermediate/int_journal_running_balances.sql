{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='entry_at',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- The running balances of the inventory journal, one row per entry, integer keys and
-- quantities only (entry_sequence is the entry's key), in entry order per sublot (entry_at,
-- entry_sequence):
-- - location_running_quantity: at a physical location, what the sublot holds there after the
--   entry (the sum of its entries at that location so far); null elsewhere;
-- - sublot_physical_quantity_before: what the sublot holds at all physical locations just
--   before the entry;
-- - is_whole_sublot_move / is_transit_receipt: the credits of the whole-sublot events
--   (docs/raw_data_design.md: putaway, bin transfer, replenishment, pick, status changes and
--   shipments move exactly what the sublot holds; a receipt from transit finds nothing
--   physical).
-- The proofs assert_no_negative_stock_at_physical_locations and
-- assert_whole_sublot_moves_carry_full_quantity read them. On an incremental run the journal's
-- entries before the window are unchanged (strategy 'lookback' replaces only entries at or after
-- the lookback start, here and in the journal), and every one of them precedes every entry of
-- the window in entry order: the balance carried into the window per (sublot, physical
-- location) is the sum of its rows before the window: the previous build's closing balance
-- (int_journal_closing_balances, one row per pair) less this table's previous rows of the
-- window, both window-sized reads rather than every earlier row of the window's sublots; per
-- sublot, the sum over its locations. The window's running sums start from them.
--
-- Entry order is entry_sequence alone: it is the instant (entry_at) in microseconds times 2048
-- plus the entry's place among that instant's entries (fact_inventory_journal, macro
-- event_sequence_key), so it sorts exactly as (entry_at, entry_sequence) while event_sequence
-- is unique (tested), and the sorts carry one integer key instead of two.

{#- the closing balances as the previous build left them, read by name: that model is built
    after this one (from this table); a warehouse built before it existed reads the earlier
    rows instead -#}
{%- set closing = none -%}
{%- if execute and is_incremental() -%}
    {%- set closing = adapter.get_relation(
        database=this.database, schema=this.schema, identifier='int_journal_closing_balances') -%}
{%- endif %}

with window_entries as (

    select
        entry_sequence,
        entry_at,
        material_sublot_id,
        storage_location_id,
        is_physical,
        quantity,
        entry_side = 'credit' and event_kind in (
            'putaway', 'bin_transfer', 'replenish_to_line', 'pick',
            'status_change_to_available', 'status_change_to_quality_hold',
            'goods_issue_delivery', 'goods_issue_transit', 'goods_receipt_transit'
        ) as is_whole_sublot_move,
        entry_side = 'credit' and event_kind = 'goods_receipt_transit' as is_transit_receipt
    from {{ ref('fact_inventory_journal') }}
    {% if is_incremental() %}where {{ in_lookback('entry_at') }}{% endif %}

),

{% if is_incremental() and closing is not none %}
previous_window_rows as (

    -- this table's rows of the window as the previous build left them (one plain comparison:
    -- a scan of the window only); the lookback strategy replaces exactly these
    select material_sublot_id, storage_location_id, sum(quantity) as window_quantity
    from {{ this }}
    where {{ in_lookback('entry_at') }}
        and is_physical
    group by material_sublot_id, storage_location_id

),

carried_per_location as (

    -- the previous build's closing balance of each pair of the window's sublots, less its
    -- window rows: the sum of its entries before the window
    select
        closing.material_sublot_id,
        closing.storage_location_id,
        closing.closing_quantity - coalesce(previous_window_rows.window_quantity, 0)
            as carried_quantity
    from {{ closing }} as closing
    left join previous_window_rows
        on closing.material_sublot_id = previous_window_rows.material_sublot_id
        and closing.storage_location_id = previous_window_rows.storage_location_id
    where closing.material_sublot_id in (select material_sublot_id from window_entries)

),

carried_per_sublot as (

    select material_sublot_id, sum(carried_quantity) as carried_quantity
    from carried_per_location
    group by material_sublot_id

),
{% elif is_incremental() %}
rows_before_window as (

    select
        material_sublot_id,
        storage_location_id,
        is_physical,
        entry_at,
        entry_sequence,
        location_running_quantity,
        sublot_physical_quantity_before
            + case when is_physical then quantity else 0 end as sublot_physical_quantity_after
    from {{ this }}
    where entry_at < {{ lookback_start() }}
        and material_sublot_id in (select material_sublot_id from window_entries)

),

carried_per_location as (

    select material_sublot_id, storage_location_id, location_running_quantity as carried_quantity
    from rows_before_window
    where is_physical
    qualify row_number() over (
        partition by material_sublot_id, storage_location_id
        order by entry_sequence desc
    ) = 1

),

carried_per_sublot as (

    select material_sublot_id, sublot_physical_quantity_after as carried_quantity
    from rows_before_window
    qualify row_number() over (
        partition by material_sublot_id
        order by entry_sequence desc
    ) = 1

),
{% endif %}

running as (

    select
        *,
        case when is_physical then
            sum(quantity) over (
                partition by material_sublot_id, storage_location_id
                order by entry_sequence
                rows between unbounded preceding and current row
            )
        end as location_change_so_far,
        coalesce(sum(case when is_physical then quantity else 0 end) over (
            partition by material_sublot_id
            order by entry_sequence
            rows between unbounded preceding and 1 preceding
        ), 0) as sublot_change_before
    from window_entries

),

final as (

    select
        running.entry_sequence,
        running.entry_at,
        running.material_sublot_id,
        running.storage_location_id,
        running.is_physical,
        running.quantity,
        running.is_whole_sublot_move,
        running.is_transit_receipt,
        {% if is_incremental() -%}
        coalesce(carried_per_location.carried_quantity, 0) + running.location_change_so_far
            as location_running_quantity,
        coalesce(carried_per_sublot.carried_quantity, 0) + running.sublot_change_before
            as sublot_physical_quantity_before
        {%- else -%}
        running.location_change_so_far as location_running_quantity,
        running.sublot_change_before as sublot_physical_quantity_before
        {%- endif %}
    from running
    {% if is_incremental() -%}
    left join carried_per_location
        on running.material_sublot_id = carried_per_location.material_sublot_id
        and running.storage_location_id = carried_per_location.storage_location_id
        and running.is_physical
    left join carried_per_sublot
        on running.material_sublot_id = carried_per_sublot.material_sublot_id
    {%- endif %}

)

select * from final
