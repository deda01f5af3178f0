{{ config(materialized='table') }}

-- The nodes graph_nodes replaced in its last incremental run, as they were before it: every
-- node whose key (node_type, source_id) that run deleted to insert it again or to drop it
-- (strategy 'keys' with keys_replaced_into, macros/incremental/incremental_keys.sql). Built
-- empty before graph_nodes in each run (graph_nodes depends on it) and filled by graph_nodes'
-- incremental run; empty after a full build. A node key held here that graph_nodes no longer
-- has was removed or re-keyed by that run: assert_graph_edges_connect_existing_nodes checks
-- the edges still naming it, which no run wrote (docs block incremental_loads). A record of
-- the last run, like int_load_window, not a model a full refresh reproduces.

select
    cast(null as {{ dbt.type_string() }}) as node_type,
    cast(null as {{ dbt.type_string() }}) as node_key,
    cast(null as bigint) as source_id
where 1 = 0
