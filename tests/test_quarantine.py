"""Quarantine and accounting: the warehouse built from faulty raw data (docs/faults.md).

One faulty data set (``raw_faulty``: ``raw_small``'s parameters with every fault kind at once)
and one `dbt build` of it. Per fault kind, what the manifest says was injected must come out of
the warehouse exactly: rejected rows (by id and reason code), removed duplicates, repairs; every
raw row is accounted for; every proof passes on the accepted rows; and the journal and the
replayed sublot state equal those of the clean build of the same seed (``warehouse_small``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import polars as pl
import pytest

from tests.conftest import RawData, Warehouse
from tests.dbt_runner import DbtRun, dbt_build

SOURCES = ("supplier_receipts", "sublot_movements", "material_transactions", "plc_tag_events")
ID_COLUMN = {
    "supplier_receipts": "supplier_receipt_id",
    "sublot_movements": "sublot_movement_id",
    "material_transactions": "material_transaction_id",
    "plc_tag_events": "plc_tag_event_id",
}
# fault kind -> the reason code its rows are rejected with
REJECTED = {
    "unknown_sublot": "unknown_sublot",
    "unknown_location": "unknown_location",
    "bad_quantity": "non_positive_quantity",
    "future_timestamp": "future_timestamp",
    "missing_work_order": "missing_work_order",
    "over_quantity": "exceeds_sublot_quantity",
}
# fault kind -> the repair kind in fact_data_quality_repairs
REPAIRED = {
    "plc_out_of_order": "out_of_order",
    "plc_repeated_values": "collapsed_repeat",
    "plc_missing_nil": "inferred_nil",
}
# staging rules that see a fault kind (warnings: the rows are quarantined downstream), as
# (test, rule, column): the staging warnings are one column_rules test per source
STAGING_WARNINGS = {
    "duplicate_events": [
        ("column_rules_stg_plantledger__sublot_movements_warn", "unique", "sublot_movement_id"),
        (
            "column_rules_stg_plantledger__material_transactions_warn",
            "unique",
            "material_transaction_id",
        ),
        ("column_rules_stg_plantledger__plc_tag_events_warn", "unique", "plc_tag_event_id"),
        ("column_rules_stg_plantledger__supplier_receipts_warn", "unique", "supplier_receipt_id"),
    ],
    "unknown_sublot": [
        (
            "column_rules_stg_plantledger__sublot_movements_warn",
            "relationships",
            "material_sublot_id",
        ),
    ],
    "missing_work_order": [
        (
            "column_rules_stg_plantledger__material_transactions_warn",
            "relationships",
            "work_order_id",
        ),
    ],
}


class FaultyWarehouse(NamedTuple):
    run: DbtRun
    raw: RawData

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.run.duckdb), read_only=True)


@pytest.fixture(scope="module")
def faulty(raw_faulty: RawData, tmp_path_factory: pytest.TempPathFactory) -> FaultyWarehouse:
    run = dbt_build(raw_faulty.path, tmp_path_factory.mktemp("warehouse_faulty"))
    if run.returncode != 0:
        pytest.fail(f"dbt build of the faulty warehouse exited {run.returncode}:\n{run.tail()}")
    return FaultyWarehouse(run, raw_faulty)


@pytest.fixture(scope="module")
def con(faulty: FaultyWarehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = faulty.connect()
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def kinds(raw_faulty: RawData) -> dict[str, Any]:
    """The manifest's faults: kind -> {rate, rows, count, tables: {table: {count, ids, ...}}}."""
    assert raw_faulty.manifest.faults is not None
    return raw_faulty.manifest.faults["kinds"]


def ids(con: duckdb.DuckDBPyConnection, sql: str) -> list[int]:
    return sorted(row[0] for row in con.execute(sql).fetchall())


def raw_rows(raw: Path, table: str) -> int:
    return pl.scan_parquet(raw / table / "*.parquet").select(pl.len()).collect().item()


# --- the build ----------------------------------------------------------------------------------


def test_build_passes_every_test_with_faults(faulty: FaultyWarehouse) -> None:
    statuses = faulty.run.statuses()
    broken = {name for name, status in statuses.items() if status in ("fail", "error", "skipped")}
    assert not broken
    warned = faulty.run.with_status("warn")
    # the staging tests that see faulty rows, and the notice that rows were quarantined
    assert "assert_no_rows_quarantined" in warned
    staging = warned - {"assert_no_rows_quarantined"}
    assert all(
        name.startswith("column_rules_stg_") and name.endswith("_warn") for name in staging
    ), warned


@pytest.mark.parametrize("kind", sorted(STAGING_WARNINGS))
def test_staging_tests_see_the_fault_as_a_warning(
    faulty: FaultyWarehouse, warehouse_small: Warehouse, kind: str
) -> None:
    import json

    results = json.loads((faulty.run.target / "run_results.json").read_text())["results"]
    failures = {r["unique_id"].split(".")[2]: r["failures"] for r in results}
    con = faulty.connect()
    try:
        for test, rule, column in STAGING_WARNINGS[kind]:
            assert failures[test] > 0, test
            stored = con.execute(
                f"select sum(failing_rows) from test_failures.{test} "
                "where rule = ? and column_name = ?",
                [rule, column],
            ).fetchone()[0]
            assert stored, (test, rule, column)  # the stored rows name the rule and column
    finally:
        con.close()
    clean = json.loads((warehouse_small.target / "run_results.json").read_text())["results"]
    clean_status = {r["unique_id"].split(".")[2]: r["status"] for r in clean}
    assert all(clean_status[test] == "pass" for test, _, _ in STAGING_WARNINGS[kind])
    assert clean_status["assert_no_rows_quarantined"] == "pass"


# --- per fault kind -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(REJECTED))
def test_rejected_kind_is_quarantined_with_its_reason(
    con: duckdb.DuckDBPyConnection, kinds: dict[str, Any], kind: str
) -> None:
    for table, entry in kinds[kind]["tables"].items():
        rejected = ids(
            con,
            f"select {ID_COLUMN[table]} from marts.{table}_rejected "
            f"where rejection_reason = '{REJECTED[kind]}'",
        )
        assert entry["count"] > 0
        assert rejected == sorted(entry["ids"]), (kind, table)


def test_rejected_rows_are_exactly_the_injected_ones(
    con: duckdb.DuckDBPyConnection, kinds: dict[str, Any]
) -> None:
    for table in SOURCES:
        expected = sorted(
            row_id
            for kind in REJECTED
            for row_id in kinds[kind]["tables"].get(table, {}).get("ids", [])
        )
        assert ids(con, f"select {ID_COLUMN[table]} from marts.{table}_rejected") == expected
        # rejected rows never reach the journal
        in_journal = con.execute(
            f"select count(*) from marts.fact_inventory_journal as journal "
            f"inner join marts.{table}_rejected as rejected "
            f"on journal.source_table = '{table}' "
            f"and journal.source_id = rejected.{ID_COLUMN[table]}"
        ).fetchone()
        assert in_journal == (0,)


def test_duplicates_are_removed_and_counted(
    con: duckdb.DuckDBPyConnection, kinds: dict[str, Any]
) -> None:
    for table, entry in kinds["duplicate_events"]["tables"].items():
        removed = ids(
            con,
            f"select {ID_COLUMN[table]} from intermediate.int_{table}__screened "
            f"where is_removed_duplicate",
        )
        assert removed == sorted(entry["ids"]), table
        counted = con.execute(
            "select duplicate_rows_removed from marts.fact_source_accounting "
            "where source_table = ?",
            [table],
        ).fetchone()
        assert counted == (entry["count"],)
        # one copy of each stays accepted
        kept = con.execute(
            f"select count(*) from intermediate.int_{table}__accepted "
            f"where {ID_COLUMN[table]} in (select unnest(?::bigint[]))",
            [entry["ids"]],
        ).fetchone()
        assert kept == (entry["count"],)


@pytest.mark.parametrize("kind", sorted(REPAIRED))
def test_plc_repairs_are_counted(
    con: duckdb.DuckDBPyConnection, kinds: dict[str, Any], kind: str
) -> None:
    entry = kinds[kind]["tables"]["plc_tag_events"]
    repaired = con.execute(
        "select repaired_rows from marts.fact_data_quality_repairs where repair_kind = ?",
        [REPAIRED[kind]],
    ).fetchone()
    assert repaired == (entry["count"],)
    assert entry["count"] > 0


def test_out_of_order_and_repeated_events_are_flagged_by_id(
    con: duckdb.DuckDBPyConnection, kinds: dict[str, Any]
) -> None:
    sequenced = "intermediate.int_plc_tag_events__sequenced"
    out_of_order = kinds["plc_out_of_order"]["tables"]["plc_tag_events"]["ids"]
    assert ids(
        con, f"select plc_tag_event_id from {sequenced} where is_server_order_repaired"
    ) == sorted(out_of_order)
    repeated = kinds["plc_repeated_values"]["tables"]["plc_tag_events"]["ids"]
    assert ids(con, f"select plc_tag_event_id from {sequenced} where is_collapsed_repeat") == (
        sorted(repeated)
    )
    # repeated values are accepted rows, yet no move is keyed on them
    moved = con.execute(
        "select count(*) from intermediate.int_conveyor_movements "
        "where arrival_event_id in (select unnest(?::bigint[])) "
        "or departure_event_id in (select unnest(?::bigint[]))",
        [repeated, repeated],
    ).fetchone()
    assert moved == (0,)


def test_missing_nils_are_inferred_where_they_were_dropped(
    con: duckdb.DuckDBPyConnection, kinds: dict[str, Any], raw_small: RawData
) -> None:
    dropped = kinds["plc_missing_nil"]["tables"]["plc_tag_events"]["ids"]
    clean = (
        pl.scan_parquet(raw_small.path / "plc_tag_events" / "*.parquet")
        .filter(pl.col("id").is_in(dropped))
        .select("storage_location_id", "source_timestamp", "value")
        .collect()
    )
    assert clean.height == len(dropped)
    assert clean["value"].null_count() == clean.height
    expected = sorted(zip(clean["storage_location_id"], clean["source_timestamp"], strict=True))
    inferred = con.execute(
        "select storage_location_id, source_timestamp "
        "from intermediate.int_plc_tag_events__sequenced where is_inferred_nil "
        "order by 1, 2"
    ).fetchall()
    assert [(loc, ts.timestamp()) for loc, ts in inferred] == [
        (loc, ts.timestamp()) for loc, ts in expected
    ]


# --- accounting ---------------------------------------------------------------------------------


def test_accounting_identity_matches_the_manifest(
    con: duckdb.DuckDBPyConnection, kinds: dict[str, Any], raw_small: RawData, raw_faulty: RawData
) -> None:
    accounting = {
        row[0]: row[1:]
        for row in con.execute(
            "select source_table, raw_rows, accepted_rows, rejected_rows, duplicate_rows_removed "
            "from marts.fact_source_accounting"
        ).fetchall()
    }
    assert set(accounting) == set(SOURCES)

    def count(kind: str, table: str) -> int:
        return kinds[kind]["tables"].get(table, {}).get("count", 0)

    for table in SOURCES:
        raw, accepted, rejected, duplicates = accounting[table]
        assert raw == raw_rows(raw_faulty.path, table)
        assert raw == accepted + rejected + duplicates
        assert rejected == sum(count(kind, table) for kind in REJECTED)
        assert duplicates == count("duplicate_events", table)
        clean = raw_rows(raw_small.path, table)
        expected = clean - count("plc_missing_nil", table) + count("plc_repeated_values", table)
        assert accepted == expected, table


# --- the clean rows still balance ---------------------------------------------------------------


JOURNAL_COLUMNS = (
    "journal_entry_id, transaction_id, entry_sequence, entry_side, entry_at, "
    "material_sublot_id, location_code, status, quantity, event_kind, source_table, "
    "source_id, source_event, document_number"
)


@pytest.mark.parametrize(
    ("relation", "columns"),
    [
        ("marts.fact_inventory_journal", JOURNAL_COLUMNS),
        ("intermediate.int_sublot_state_replayed", "*"),
        ("marts.fact_material_transactions", "*"),
    ],
)
def test_faulty_build_equals_the_clean_build(
    faulty: FaultyWarehouse, warehouse_small: Warehouse, relation: str, columns: str
) -> None:
    with duckdb.connect() as con:
        con.execute(f"attach '{faulty.run.duckdb}' as faulty (read_only)")
        con.execute(f"attach '{warehouse_small.duckdb}' as clean (read_only)")
        rows = con.execute(f"select count(*) from clean.{relation}").fetchone()
        assert rows is not None and rows[0] > 0
        for left, right in (("faulty", "clean"), ("clean", "faulty")):
            diff = con.execute(
                f"select count(*) from (select {columns} from {left}.{relation} "
                f"except all select {columns} from {right}.{relation})"
            ).fetchone()
            assert diff == (0,), (relation, left, right)
