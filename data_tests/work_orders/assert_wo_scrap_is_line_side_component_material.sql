-- Work-order rule: scrap transactions are component material found defective at the line,
-- scrapped from the line-side staging sublot with a reason code; issues and returns also use
-- line-side staging; receipts put a product onto a conveyor line; only scrap has a reason
-- code. Returns each transaction that breaks it.

with transactions as (

    select * from {{ ref('fact_material_transactions') }}

),

locations as (

    select storage_location_id, location_type
    from {{ ref('int_storage_locations') }}
    where storage_location_id is not null

)

select
    transactions.material_transaction_id,
    transactions.transaction_number,
    transactions.transaction_type,
    transactions.material_type,
    locations.location_type,
    transactions.reason_code
from transactions
left join locations
    on transactions.storage_location_id = locations.storage_location_id
where (transactions.transaction_type in ('issue_to_wo', 'return_to_stock', 'scrap')
       and (transactions.material_type <> 'part' or locations.location_type <> 'staging'))
    or (transactions.transaction_type = 'receipt_from_wo'
        and (transactions.material_type <> 'product' or locations.location_type <> 'conveyor_line'))
    or ((transactions.transaction_type = 'scrap') <> (transactions.reason_code is not null))
