{{ config(
    materialized='incremental',
    incremental_strategy='keys',
    unique_key=['material_sublot_id', 'storage_location_id'],
    keys_placeholder_column='closing_quantity',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_load_window') }}

-- What each sublot holds at each physical location after its last journal entry there: one row
-- per (sublot, physical location) with an entry, the sum of its entries' quantities (the
-- location_running_quantity of its last row in int_journal_running_balances) and the instant of
-- its last entry. The balances int_journal_running_balances carries into a daily window are
-- read from here, as it stood after the previous build, less the window's previous rows
-- (window-sized reads), instead of from every earlier row of the window's sublots (issue #11
-- item 1b: that read grew with the history).
--
-- Incremental (strategy 'keys' on the pair): the pairs with an entry in the window take the
-- running quantity of their last window entry (the balance carried in plus the window's
-- entries); a pair whose last entry was in the window but which has none there now (a
-- restated event moved elsewhere) is summed again from its entries before the window (a read
-- of those sublots only, none on most days), and removed when it has none.

{%- set running = ref('int_journal_running_balances') %}

with
{%- if is_incremental() %}

window_pairs as (

    -- the pairs with an entry in the window: their last entry's running quantity
    select
        material_sublot_id,
        storage_location_id,
        location_running_quantity as closing_quantity,
        entry_at as last_entry_at
    from {{ running }}
    where {{ in_lookback('entry_at') }}
        and is_physical
    qualify row_number() over (
        partition by material_sublot_id, storage_location_id
        order by entry_sequence desc
    ) = 1

),

emptied_pairs as (

    -- the pairs whose last entry was in the window but which have none there now
    select previous.material_sublot_id, previous.storage_location_id
    from {{ this }} as previous
    where {{ in_lookback('previous.last_entry_at') }}
        and not exists (
            select 1
            from window_pairs
            where window_pairs.material_sublot_id = previous.material_sublot_id
                and window_pairs.storage_location_id is not distinct from previous.storage_location_id
        )

),

emptied_sums as (

    select
        running.material_sublot_id,
        running.storage_location_id,
        sum(running.quantity) as closing_quantity,
        max(running.entry_at) as last_entry_at
    from {{ running }} as running
    inner join emptied_pairs
        on running.material_sublot_id = emptied_pairs.material_sublot_id
        and running.storage_location_id is not distinct from emptied_pairs.storage_location_id
    where running.is_physical
    group by running.material_sublot_id, running.storage_location_id

),

emptied as (

    -- a pair left without entries: a placeholder (null closing_quantity) that deletes its row
    select
        emptied_pairs.material_sublot_id,
        emptied_pairs.storage_location_id,
        emptied_sums.closing_quantity,
        emptied_sums.last_entry_at
    from emptied_pairs
    left join emptied_sums
        on emptied_pairs.material_sublot_id = emptied_sums.material_sublot_id
        and emptied_pairs.storage_location_id is not distinct from emptied_sums.storage_location_id

),

final as (

    select * from window_pairs
    union all
    select * from emptied

)
{%- else %}

final as (

    select
        material_sublot_id,
        storage_location_id,
        sum(quantity) as closing_quantity,
        max(entry_at) as last_entry_at
    from {{ running }}
    where is_physical
    group by material_sublot_id, storage_location_id

)
{%- endif %}

select
    material_sublot_id,
    storage_location_id,
    cast(closing_quantity as bigint) as closing_quantity,
    last_entry_at
from final
