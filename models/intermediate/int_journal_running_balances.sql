{{ config(
    materialized='incremental',
    incremental_strategy='lookback',
    lookback_column='entry_at',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- The running balances of the inventory journal, one row per entry, keys and quantities only,
-- in entry order per sublot (entry_at, entry_sequence):
-- - location_running_quantity: at a physical location, what the sublot holds there after the
--   entry (the sum of its entries at that location so far); null elsewhere;
-- - sublot_physical_quantity_before: what the sublot holds at all physical locations just
--   before the entry.
-- The proofs assert_no_negative_stock_at_physical_locations and
-- assert_whole_sublot_moves_carry_full_quantity read them. On an incremental run the journal's
-- entries before the window are unchanged (strategy 'lookback' replaces only entries at or after
-- the lookback start, here and in the journal), and every one of them precedes every entry of
-- the window in entry order: the balance carried into the window per (sublot, location), and
-- per sublot, is the running value on its last row before the window, read from this table,
-- never re-summed. The window's running sums start from it.

with window_entries as (

    select
        journal_entry_id,
        transaction_id,
        entry_side,
        entry_at,
        entry_sequence,
        material_sublot_id,
        location_code,
        is_physical,
        event_kind,
        quantity
    from {{ ref('fact_inventory_journal') }}
    {% if is_incremental() %}where {{ in_lookback('entry_at') }}{% endif %}

),

{% if is_incremental() %}
rows_before_window as (

    select
        material_sublot_id,
        location_code,
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

    select material_sublot_id, location_code, location_running_quantity as carried_quantity
    from rows_before_window
    where is_physical
    qualify row_number() over (
        partition by material_sublot_id, location_code
        order by entry_at desc, entry_sequence desc
    ) = 1

),

carried_per_sublot as (

    select material_sublot_id, sublot_physical_quantity_after as carried_quantity
    from rows_before_window
    qualify row_number() over (
        partition by material_sublot_id
        order by entry_at desc, entry_sequence desc
    ) = 1

),
{% endif %}

running as (

    select
        window_entries.*,
        case when window_entries.is_physical then
            sum(window_entries.quantity) over (
                partition by window_entries.material_sublot_id, window_entries.location_code
                order by window_entries.entry_at, window_entries.entry_sequence
                rows between unbounded preceding and current row
            )
        end as location_change_so_far,
        coalesce(sum(case when window_entries.is_physical then window_entries.quantity else 0 end) over (
            partition by window_entries.material_sublot_id
            order by window_entries.entry_at, window_entries.entry_sequence
            rows between unbounded preceding and 1 preceding
        ), 0) as sublot_change_before
    from window_entries

),

final as (

    select
        running.journal_entry_id,
        running.transaction_id,
        running.entry_side,
        running.entry_at,
        running.entry_sequence,
        running.material_sublot_id,
        running.location_code,
        running.is_physical,
        running.event_kind,
        running.quantity,
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
        and running.location_code = carried_per_location.location_code
        and running.is_physical
    left join carried_per_sublot
        on running.material_sublot_id = carried_per_sublot.material_sublot_id
    {%- endif %}

)

select * from final
