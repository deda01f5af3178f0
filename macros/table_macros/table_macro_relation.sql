{#
    The relation of a model of this project as the table macros read it: schema.identifier, no
    database (DuckDB names the database after the file, so a copied or renamed warehouse file
    would break a database-qualified name; schema-qualified, SQL stored in the warehouse works
    from any connection that opens the file). None when the model has not been built. Shared
    by the on-run-end hooks of point_in_time.sql and traceability.sql.
#}
{% macro table_macro_relation(model_name) -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.package_name == 'plantledger' and node.name == model_name -%}
        {%- set relation = adapter.get_relation(
            database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- if relation is not none -%}
            {{ return(relation.include(database=false)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}
