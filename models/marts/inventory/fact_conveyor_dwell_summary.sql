-- Which conveyor positions are bottlenecks: dwell statistics per conveyor location over every
-- completed stay in fact_sublot_dwell (SQL shared with the conveyor_dwell_between table
-- macro, macros/table_macros/sublot_stays.sql).

{{ conveyor_dwell_summary_sql(ref('fact_sublot_dwell'), ref('dim_storage_locations')) }}
order by facility_code, conveyor_line_code, location_type, position_sequence
