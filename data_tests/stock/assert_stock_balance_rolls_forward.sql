-- The period balance rolls forward: for every facility, material and month, the stock at the
-- end of the month in the journal (physical entries up to then) equals the stock at the end of
-- the month before plus the month's movements in fact_stock_movements. Closing stock is the
-- journal's, so the closing of one month is the opening of the next by construction; the test
-- proves the movements explain every change in between (moves inside a facility net to zero).
-- Returns the (facility, material, month) whose change the movements do not explain.
--
-- Closing less opening is the month's journal change, so the check is per month: the journal's
-- change equals the movements'. A full build checks every month; an incremental run the months
-- from the one the reprocessed window begins in (earlier months changed in neither table).
-- Opening and closing quantities, which need the key's whole history, are computed only for
-- the months that fail.
--
-- The journal's month is that of entry_date (the UTC date of entry_at, as the model defines
-- it), grouped as a date and only then cast to the instant date_trunc('month', entry_at) gives
-- in a UTC session: a date's month is cheap where the time zone rules of a timestamp with time
-- zone are not (at scale 1 the journal's 5.9 M entries: 0.3 s instead of 0.9 s).

{%- set whole = proof_is_whole() %}

{#- The journal's physical change per facility, material and month of the entries meeting a
    condition: of the window's months, and of the whole history of the keys that fail. -#}
{%- set journal_months = {} -%}
{%- for name, condition in [
        ('window', '1 = 1' if whole else "entry_at >= date_trunc('month', " ~ lookback_start_constant() ~ ")"),
        ('unexplained_keys', columns_in(['facility_code', 'material_type', 'material_code'], 'unexplained')),
    ] -%}
    {%- set months_sql -%}
    select
        facility_code,
        material_type,
        material_code,
        cast(entry_month as {{ type_timestamptz() }}) as month_start,
        journal_change
    from (
        select
            facility_code,
            material_type,
            material_code,
            date_trunc('month', entry_date) as entry_month,
            sum(quantity) as journal_change
        from {{ ref('fact_inventory_journal') }}
        where is_physical
            and {{ condition }}
        group by all
    ) as {{ name }}_journal_months
    {%- endset -%}
    {%- do journal_months.update({name: months_sql}) -%}
{%- endfor %}

with journal_changes as (

    {{ journal_months['window'] }}

),

movement_changes as (

    select
        facility_code,
        material_type,
        material_code,
        date_trunc('month', entry_at) as month_start,
        sum(quantity) as movement_change
    from {{ ref('fact_stock_movements') }}
    {% if not whole -%}
    where entry_at >= date_trunc('month', {{ lookback_start_constant() }})
    {%- endif %}
    group by all

),

unexplained as (

    select
        coalesce(journal_changes.facility_code, movement_changes.facility_code) as facility_code,
        coalesce(journal_changes.material_type, movement_changes.material_type) as material_type,
        coalesce(journal_changes.material_code, movement_changes.material_code) as material_code,
        coalesce(journal_changes.month_start, movement_changes.month_start) as month_start,
        movement_changes.movement_change
    from journal_changes
    full outer join movement_changes
        on journal_changes.facility_code = movement_changes.facility_code
        and journal_changes.material_type = movement_changes.material_type
        and journal_changes.material_code = movement_changes.material_code
        and journal_changes.month_start = movement_changes.month_start
    where coalesce(journal_changes.journal_change, 0) <> coalesce(movement_changes.movement_change, 0)

),

unexplained_key_months as (

    -- the whole monthly journal history of the keys with an unexplained month (none, normally)
    {{ journal_months['unexplained_keys'] }}

),

journal_balances as (

    select
        *,
        sum(journal_change) over (
            partition by facility_code, material_type, material_code
            order by month_start
            rows between unbounded preceding and 1 preceding
        ) as opening_quantity,
        sum(journal_change) over (
            partition by facility_code, material_type, material_code
            order by month_start
            rows between unbounded preceding and current row
        ) as closing_quantity
    from unexplained_key_months

)

select
    unexplained.facility_code,
    unexplained.material_code,
    unexplained.month_start,
    journal_balances.opening_quantity,
    unexplained.movement_change,
    journal_balances.closing_quantity
from unexplained
left join journal_balances
    on unexplained.facility_code = journal_balances.facility_code
    and unexplained.material_type = journal_balances.material_type
    and unexplained.material_code = journal_balances.material_code
    and unexplained.month_start = journal_balances.month_start
