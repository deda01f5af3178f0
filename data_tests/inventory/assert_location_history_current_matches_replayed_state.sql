-- The open intervals of fact_sublot_location_history at physical locations are exactly the
-- sublots holding stock in the replayed current state (int_sublot_state_replayed, itself proven
-- equal to material_sublots), with the same location, quantity and status.
-- A sublot-grained proof: both models rebuild the window's sublots whole (int_window_sublots),
-- so an incremental run checks exactly those; a full build every sublot.

with current_stock as (

    select material_sublot_id, location_code, quantity, status
    from {{ ref('fact_sublot_location_history') }}
    where is_current
        and is_physical
        and {{ proof_in_window_sublots('material_sublot_id') }}

),

replayed_stock as (

    select material_sublot_id, location_code, quantity, sublot_status as status
    from {{ ref('int_sublot_state_replayed') }}
    where quantity > 0
        and {{ proof_in_window_sublots('material_sublot_id') }}

),

in_history_only as (

    select 'history only' as difference, * from current_stock
    except
    select 'history only' as difference, * from replayed_stock

),

in_replay_only as (

    select 'replay only' as difference, * from replayed_stock
    except
    select 'replay only' as difference, * from current_stock

)

select * from in_history_only
union all
select * from in_replay_only
