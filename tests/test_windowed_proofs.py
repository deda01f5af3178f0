"""The singular proofs (data_tests/) in an incremental run check the window the run reprocessed,
plus the balances carried into it, and still fail on a fault there.

One scenario per module: a copy of the session's small raw folder, ``dbt build`` (full),
``generate --append-days 1``, ``dbt build`` (incremental). Each test copies that warehouse,
injects a fault into the rows of the window (or, to show that the incremental proofs are
windowed, before it), and runs the proofs again with ``dbt test --select``: int_load_window is
not rebuilt, so they check the same window the incremental run had.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest

from tests.conftest import RawData
from tests.dbt_runner import DBT_THREADS, REPO, DbtRun, dbt_build, dbt_executable

NO_NEGATIVE = "assert_no_negative_stock_at_physical_locations"
WHOLE_SUBLOT = "assert_whole_sublot_moves_carry_full_quantity"
WINDOW_START = "(select lookback_start from intermediate.int_load_window)"


class Daily(NamedTuple):
    raw: Path
    workdir: Path  # warehouse.duckdb after the full build and the incremental one
    before: Path  # a copy of warehouse.duckdb after the full build (before the day's load)


@pytest.fixture(scope="module")
def daily(raw_small: RawData, tmp_path_factory: pytest.TempPathFactory) -> Daily:
    return build_daily(raw_small, tmp_path_factory, "windowed_proofs")


def build_daily(raw_small: RawData, tmp_path_factory: pytest.TempPathFactory, name: str) -> Daily:
    """A full build of a copy of ``raw_small``, a 1-day append and the incremental build."""
    from plantledger.append_command import append_days

    root = tmp_path_factory.mktemp(name)
    raw = root / "raw"
    shutil.copytree(raw_small.path, raw)
    workdir = root / "warehouse"
    full = dbt_build(raw, workdir)
    if full.returncode != 0:
        pytest.fail(f"full dbt build exited {full.returncode}:\n{full.tail()}")
    before = root / "before" / "warehouse.duckdb"  # its views name database "warehouse"
    before.parent.mkdir()
    shutil.copy2(workdir / "warehouse.duckdb", before)
    append_days(raw, 1)
    incremental = dbt_build(raw, workdir)
    if incremental.returncode != 0:
        pytest.fail(f"incremental dbt build exited {incremental.returncode}:\n{incremental.tail()}")
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        start = con.execute(f"select {WINDOW_START}").fetchone()
    assert start is not None and start[0] is not None, "the second build was not incremental"
    return Daily(raw, workdir, before)


Fault = tuple[str, list[object]]  # a statement and its parameters


def faulty_copy(daily: Daily, destination: Path, faults: Iterable[Fault]) -> Path:
    """A copy of the daily warehouse with the ``faults`` run on it (each must change rows)."""
    workdir = destination / "warehouse"
    workdir.mkdir(parents=True)
    shutil.copy2(daily.workdir / "warehouse.duckdb", workdir / "warehouse.duckdb")
    with duckdb.connect(str(workdir / "warehouse.duckdb")) as con:
        for statement, parameters in faults:
            changed = con.execute(statement, parameters).fetchone()
            assert changed is not None and changed[0] > 0, f"the fault changed nothing: {statement}"
    return workdir


def rerun(daily: Daily, workdir: Path, *select: str, full_proof: bool = False) -> DbtRun:
    """``dbt test --select SELECT`` on ``workdir``'s warehouse (not ``dbt build``: there a
    failing test would skip the tests downstream of the models it reads)."""
    command = [dbt_executable(), "test", "--project-dir", str(REPO), "--threads", str(DBT_THREADS)]
    command += ["--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    command += ["--quiet", "--no-use-colors", "--select", *select]
    if full_proof:
        command += ["--vars", "{full_proof: true}"]
    env = dict(
        os.environ,
        DBT_PROFILES_DIR=str(REPO),
        PLANTLEDGER_RAW=str(daily.raw),
        PLANTLEDGER_DUCKDB=str(workdir / "warehouse.duckdb"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    proc = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    return DbtRun(
        proc.returncode, proc.stdout + proc.stderr, workdir / "warehouse.duckdb", workdir / "target"
    )


def failing_rows(workdir: Path, test: str) -> list[dict[str, object]]:
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        frame = con.sql(f"select * from test_failures.{test}")
        return [dict(zip(frame.columns, row, strict=True)) for row in frame.fetchall()]


def scalar(workdir: Path, sql: str) -> object:
    """The first value of ``sql``'s first row (which must exist and not be null)."""
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        row = con.execute(sql).fetchone()
    assert row is not None and row[0] is not None, f"nothing found for the fault: {sql}"
    return row[0]


def test_incremental_run_passes_every_proof_on_its_window(daily: Daily) -> None:
    """Without a fault the windowed proofs pass (window credits consume stock carried in from
    before the window: a proof that started the window at zero would fail here), and the
    compiled proofs read the window (int_load_window's start, as a constant)."""
    run = DbtRun(0, "", daily.workdir / "warehouse.duckdb", daily.workdir / "target")
    statuses = {
        name: status for name, status in run.statuses().items() if name.startswith("assert_")
    }
    assert statuses, "no singular proof ran in the incremental build"
    assert {name for name, status in statuses.items() if status not in {"pass", "warn"}} == set()
    carried = scalar(
        daily.workdir,
        "select count(*) from intermediate.int_journal_running_balances"
        f" where entry_at >= {WINDOW_START} and is_physical and quantity < 0"
        " and location_running_quantity - quantity > 0",
    )
    assert isinstance(carried, int) and carried > 0, "no window credit draws on a carried balance"
    compiled = {
        p.stem: p.read_text() for p in (daily.workdir / "target" / "compiled").rglob("assert_*.sql")
    }
    # the window's start, read from int_load_window when the proof compiled, as a constant
    start = scalar(
        daily.workdir, "select cast(lookback_start as varchar) from intermediate.int_load_window"
    )
    for test in (NO_NEGATIVE, WHOLE_SUBLOT, "assert_conveyor_tag_changes_are_all_moved"):
        assert f"cast('{start}' as timestamp with time zone)" in compiled[test], test


def test_negative_stock_from_the_carried_balance_fails(daily: Daily, tmp_path: Path) -> None:
    """A credit in the window that takes one more than the (sublot, location) held when the
    window began (a balance only the carried-in running sum knows) fails the proof, with the
    running balance -1; a wrong whole-sublot move in the window fails the other proof."""
    first_credit_on_carried_stock = f"""
        select entry_sequence, location_running_quantity - quantity as carried
        from intermediate.int_journal_running_balances
        where entry_at >= {WINDOW_START} and is_physical
        qualify row_number() over (
            partition by material_sublot_id, storage_location_id order by entry_at, entry_sequence
        ) = 1
            and quantity < 0 and location_running_quantity - quantity > 0
        order by entry_sequence
        limit 1
    """
    with duckdb.connect(str(daily.workdir / "warehouse.duckdb"), read_only=True) as con:
        found = con.execute(first_credit_on_carried_stock).fetchone()
        assert found is not None, "no window credit on carried stock"
        sequence, carried = found
        move = con.execute(
            f"""
            select transaction_id, material_sublot_id, -quantity
            from marts.fact_inventory_journal
            where entry_at >= {WINDOW_START} and entry_side = 'credit' and event_kind = 'putaway'
                and -quantity > 1
                and material_sublot_id <> (
                    select material_sublot_id from marts.fact_inventory_journal
                    where entry_sequence = ?
                )
            order by transaction_id
            limit 1
            """,
            [sequence],
        ).fetchone()
        assert move is not None, "no putaway in the window"
    transaction_id, _, moved = move
    workdir = faulty_copy(
        daily,
        tmp_path,
        [
            (
                "update marts.fact_inventory_journal set quantity = -(? + 1)"
                " where entry_sequence = ?",
                [carried, sequence],
            ),
            (
                "update marts.fact_inventory_journal set quantity = sign(quantity) * (? - 1)"
                " where transaction_id = ?",
                [moved, transaction_id],
            ),
        ],
    )
    model = dbt_build(daily.raw, workdir, "--select", "int_journal_running_balances")
    assert model.statuses().get("int_journal_running_balances") == "success", model.tail()
    run = rerun(daily, workdir, NO_NEGATIVE, WHOLE_SUBLOT)
    statuses = run.statuses()
    assert statuses[NO_NEGATIVE] == "fail" and statuses[WHOLE_SUBLOT] == "fail", statuses
    negative = {
        row["entry_sequence"]: row["running_quantity"] for row in failing_rows(workdir, NO_NEGATIVE)
    }
    assert negative.get(sequence) == -1, negative
    wrong = [
        row
        for row in failing_rows(workdir, WHOLE_SUBLOT)
        if row["transaction_id"] == transaction_id
    ]
    assert [(row["moved_quantity"], row["physical_quantity_before"]) for row in wrong] == [
        (moved - 1, moved)
    ]


# a sublot the incremental run rebuilt, chosen among those that satisfy a condition
WINDOW_SUBLOT = (
    "material_sublot_id in (select material_sublot_id from intermediate.int_window_sublots)"
)
SPAN_CUT = f"(cast({WINDOW_START} - interval 2 day as date) - 1)"

IN_WINDOW_FAULTS: dict[str, tuple[str, str]] = {
    # proof -> (fault, what its failing rows must name: a SQL value read before the fault)
    "assert_conveyor_tag_changes_are_all_moved": (
        "delete from intermediate.int_conveyor_movements where arrival_event_id = ({key})",
        f"""select min(plc_tag_event_id) from intermediate.int_plc_tag_events__sequenced
            where is_value_change and tag_value is not null
            and source_timestamp >= {WINDOW_START} and plc_tag_event_id in (
                select arrival_event_id from intermediate.int_conveyor_movements)""",
    ),
    "assert_location_history_intervals_do_not_overlap": (
        """insert into marts.fact_sublot_location_history
           select * replace (sublot_location_history_id + 1000000000 as sublot_location_history_id)
           from marts.fact_sublot_location_history
           where sublot_location_history_id = ({key})""",
        f"""select min(sublot_location_history_id) from marts.fact_sublot_location_history
            where {WINDOW_SUBLOT} and valid_until > valid_from and not is_current
            and material_sublot_id % 4 = 0""",
    ),
    "assert_replayed_state_matches_material_sublots": (
        "update intermediate.int_sublot_state_replayed set quantity = quantity + 1"
        " where material_sublot_id = ({key})",
        f"""select min(material_sublot_id) from intermediate.int_sublot_state_replayed
            where {WINDOW_SUBLOT} and quantity > 0 and material_sublot_id % 4 = 1""",
    ),
    "assert_known_history_now_equals_location_history": (
        "update marts.fact_sublot_location_history_known set quantity = quantity + 1"
        " where superseded_load_id is null and material_sublot_id = ({key})",
        f"""select min(material_sublot_id) from (
                select material_sublot_id from marts.fact_sublot_location_history_known
                where {WINDOW_SUBLOT} and material_sublot_id % 4 = 2
                group by material_sublot_id having count(distinct recorded_load_id) > 1)""",
    ),
    "assert_inventory_snapshot_spans_do_not_overlap": (
        # the first restated span of a key now begins on the last day of the span before the
        # window: an overlap only the end carried into the window shows
        f"""update marts.fact_inventory_snapshot_spans as spans
            set first_snapshot_date = (
                select max(last_snapshot_date) from marts.fact_inventory_snapshot_spans as earlier
                where earlier.location_code = spans.location_code
                and earlier.material_code = spans.material_code and earlier.status = spans.status
                and earlier.last_snapshot_date < {SPAN_CUT})
            where location_code || '|' || material_code || '|' || status || '|'
                || cast(first_snapshot_date as varchar) = ({{key}})""",
        f"""select min(key) from (
                select location_code || '|' || material_code || '|' || status || '|'
                    || cast(min(first_snapshot_date) as varchar) as key
                from marts.fact_inventory_snapshot_spans as restated
                where last_snapshot_date >= {SPAN_CUT} and exists (
                    select 1 from marts.fact_inventory_snapshot_spans as earlier
                    where earlier.location_code = restated.location_code
                    and earlier.material_code = restated.material_code
                    and earlier.status = restated.status
                    and earlier.last_snapshot_date < {SPAN_CUT})
                group by location_code, material_code, status)""",
    ),
    "assert_journal_entries_have_a_source": (
        "update marts.fact_inventory_journal set source_id = -source_id - 1"
        " where journal_entry_id = ({key})",
        f"""select min(journal_entry_id) from marts.fact_inventory_journal
            where entry_at >= {WINDOW_START} and source_table = 'sublot_movements'""",
    ),
    "assert_stock_balance_rolls_forward": (
        "update marts.fact_stock_movements set quantity = quantity + 1"
        " where journal_entry_id = ({key})",
        f"""select min(journal_entry_id) from marts.fact_stock_movements
            where entry_at >= {WINDOW_START}""",
    ),
}


def test_every_windowed_proof_fails_on_a_fault_in_the_window(daily: Daily, tmp_path: Path) -> None:
    """One fault per proof, in the rows the incremental run restated: each proof fails, and
    the one with a replayed-state fault fails its sibling (the current stock) too."""
    keys = {test: scalar(daily.workdir, find) for test, (_, find) in IN_WINDOW_FAULTS.items()}
    faults = [
        (fault.format(key="?"), [keys[test]]) for test, (fault, _) in IN_WINDOW_FAULTS.items()
    ]
    workdir = faulty_copy(daily, tmp_path, faults)
    tests = [*IN_WINDOW_FAULTS, "assert_location_history_current_matches_replayed_state"]
    run = rerun(daily, workdir, *tests)
    statuses = run.statuses()
    assert {test: statuses.get(test) for test in tests} == dict.fromkeys(tests, "fail"), run.tail()
    named = {
        "assert_replayed_state_matches_material_sublots": "material_sublot_id",
        "assert_location_history_current_matches_replayed_state": "material_sublot_id",
        "assert_journal_entries_have_a_source": "journal_entry_id",
        "assert_conveyor_tag_changes_are_all_moved": "plc_tag_event_id",
    }
    key_of = {
        **keys,
        "assert_location_history_current_matches_replayed_state": keys[
            "assert_replayed_state_matches_material_sublots"
        ],
    }
    for test, column in named.items():
        assert key_of[test] in {row[column] for row in failing_rows(workdir, test)}, test


def test_incremental_proofs_skip_rows_before_the_window_but_full_proof_does_not(
    daily: Daily, tmp_path: Path
) -> None:
    """The incremental proofs are windowed: a fault before the window (in rows the run did not
    restate) is not seen by them; `--vars '{full_proof: true}'` checks whole tables and sees it."""
    entry = scalar(
        daily.workdir,
        f"""select min(journal_entry_id) from marts.fact_inventory_journal
            where entry_at < {WINDOW_START} and source_table = 'sublot_movements'""",
    )
    sublot = scalar(
        daily.workdir,
        f"""select min(material_sublot_id) from intermediate.int_sublot_state_replayed
            where not {WINDOW_SUBLOT} and quantity > 0""",
    )
    workdir = faulty_copy(
        daily,
        tmp_path,
        [
            (
                "update marts.fact_inventory_journal set source_id = -source_id - 1"
                " where journal_entry_id = ?",
                [entry],
            ),
            (
                "update intermediate.int_sublot_state_replayed set quantity = quantity + 1"
                " where material_sublot_id = ?",
                [sublot],
            ),
        ],
    )
    tests = [
        "assert_journal_entries_have_a_source",
        "assert_replayed_state_matches_material_sublots",
    ]
    windowed = rerun(daily, workdir, *tests).statuses()
    assert {test: windowed.get(test) for test in tests} == dict.fromkeys(tests, "pass")
    whole = rerun(daily, workdir, *tests, full_proof=True).statuses()
    assert {test: whole.get(test) for test in tests} == dict.fromkeys(tests, "fail")


BALANCE = "fact_inventory_journal_balances_per_transaction_and_material"


def test_the_journal_balance_checks_the_windows_transactions_over_all_their_entries(
    daily: Daily, tmp_path: Path
) -> None:
    """sums_to_zero with a window: an unbalanced transaction in the window fails and is named;
    one before the window is left to the run that wrote it, and `full_proof` finds it."""
    inside, outside = (
        scalar(
            daily.workdir,
            f"""select min(transaction_id) from marts.fact_inventory_journal
                where entry_at {side} {WINDOW_START} and entry_side = 'debit'""",
        )
        for side in (">=", "<")
    )
    workdir = faulty_copy(
        daily,
        tmp_path,
        [
            (
                "update marts.fact_inventory_journal set quantity = quantity + 1"
                " where transaction_id = ? and entry_side = 'debit'",
                [transaction],
            )
            for transaction in (inside, outside)
        ],
    )
    windowed = rerun(daily, workdir, BALANCE)
    assert windowed.statuses().get(BALANCE) == "fail", windowed.tail()
    assert {row["transaction_id"] for row in failing_rows(workdir, BALANCE)} == {inside}
    whole = rerun(daily, workdir, BALANCE, full_proof=True)
    assert whole.statuses().get(BALANCE) == "fail", whole.tail()
    assert {row["transaction_id"] for row in failing_rows(workdir, BALANCE)} == {inside, outside}


SEQUENCED = "column_rules_int_plc_tag_events__sequenced"
# a position's last accepted row before the window: the row an incremental run of
# int_plc_tag_events__sequenced rewrites (is_server_order_repaired, from its next event)
LAST_BEFORE = f"""
    select storage_location_id, max(tag_sequence) from intermediate.int_plc_tag_events__sequenced
    where source_timestamp < {WINDOW_START} and not is_inferred_nil
    group by storage_location_id"""


def test_the_tag_sequence_rules_check_the_window_and_the_rows_rewritten_before_it(
    daily: Daily, tmp_path: Path
) -> None:
    """column_rules on int_plc_tag_events__sequenced (window: the window's events plus each
    position's last accepted row before it): a null in such a rewritten row and a second copy of
    one fail the incremental run's check; a null in an older row is left to the run that wrote
    it, and `full_proof` finds it."""
    table = "intermediate.int_plc_tag_events__sequenced"
    rewritten_rows = f"(storage_location_id, tag_sequence) in ({LAST_BEFORE})"
    rewritten = scalar(
        daily.workdir, f"select min(plc_tag_event_id) from {table} where {rewritten_rows}"
    )
    copied = scalar(
        daily.workdir, f"select max(plc_tag_event_id) from {table} where {rewritten_rows}"
    )
    older = scalar(
        daily.workdir,
        f"""select min(plc_tag_event_id) from {table}
            where source_timestamp < {WINDOW_START} and not is_inferred_nil
                and not {rewritten_rows}""",
    )
    assert rewritten != copied
    null_repaired = f"update {table} set is_server_order_repaired = null where plc_tag_event_id = ?"
    workdir = faulty_copy(
        daily,
        tmp_path / "rewritten",
        [
            (null_repaired, [rewritten]),
            (f"insert into {table} select * from {table} where plc_tag_event_id = ?", [copied]),
        ],
    )
    windowed = rerun(daily, workdir, SEQUENCED)
    assert windowed.statuses().get(SEQUENCED) == "fail", windowed.tail()
    found = {(row["rule"], row["column_name"]) for row in failing_rows(workdir, SEQUENCED)}
    assert found == {
        ("not_null", "is_server_order_repaired"),
        ("unique", "plc_tag_event_id"),
        ("unique_combination_of_columns", "storage_location_id, tag_sequence"),
    }, found
    workdir = faulty_copy(daily, tmp_path / "older", [(null_repaired, [older])])
    assert rerun(daily, workdir, SEQUENCED).statuses().get(SEQUENCED) == "pass"
    whole = rerun(daily, workdir, SEQUENCED, full_proof=True)
    assert whole.statuses().get(SEQUENCED) == "fail", whole.tail()
    assert {(row["rule"], row["column_name"]) for row in failing_rows(workdir, SEQUENCED)} == {
        ("not_null", "is_server_order_repaired")
    }
