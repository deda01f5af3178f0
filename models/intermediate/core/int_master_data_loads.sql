-- The newest load of each kind of master data, one row: a model whose rows name master data
-- keeps, per row, the newest load of what built it (input_load_id, graph edges and nodes), and
-- an incremental run rebuilds all of its rows when one of those kinds has a load it has not
-- consumed yet (a changed supplier, part, facility... can change any of them). Null for a kind
-- with no rows; greatest() of several kinds ignores a null.

{%- set master_data = [
    ('suppliers', 'stg_plantledger__suppliers'),
    ('supplier_relationships', 'stg_plantledger__supplier_relationships'),
    ('parts', 'stg_plantledger__parts'),
    ('part_suppliers', 'stg_plantledger__part_suppliers'),
    ('products', 'stg_plantledger__products'),
    ('bill_of_materials', 'stg_plantledger__bill_of_materials'),
    ('product_components', 'stg_plantledger__product_components'),
    ('facilities', 'stg_plantledger__facilities'),
    ('transport_routes', 'stg_plantledger__transport_routes'),
    ('customers', 'stg_plantledger__customers'),
    ('work_centers', 'stg_plantledger__work_centers'),
    ('production_routings', 'stg_plantledger__production_routings'),
] %}

with
{%- for kind, model in master_data %}

{{ kind }}_loads as (

    select max(load_id) as load_id from {{ ref(model) }}

),
{%- endfor %}

final as (

    select
        {%- for kind, model in master_data %}
        {{ kind }}_loads.load_id as {{ kind }}_load_id,
        {%- endfor %}
        -- int_materials: the parts and the products
        greatest(parts_loads.load_id, products_loads.load_id) as materials_load_id
    from suppliers_loads
    {%- for kind, model in master_data[1:] %}
    cross join {{ kind }}_loads
    {%- endfor %}

)

select * from final
