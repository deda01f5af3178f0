"""Late events of any age: a plain (incremental) `dbt build` after an append whose late events are
older than the 3-day lookback gives the same warehouse as a full refresh, with no
``--full-refresh`` asked for.

One scenario, in stages (module fixtures):

1. ``late``: warehouse A is a copy of the session's small warehouse (``warehouse_small``, built
   from ``raw_small``); the raw folder is ``raw_appended_late`` (``raw_small`` and
   ``--append-days 7 --late-days 30``: late events up to 30 days old); ``dbt build`` on A
   (incremental) and ``dbt build --full-refresh`` into a new warehouse B;
2. ``next_day``: ``--append-days 2`` (late events within the lookback only); ``dbt build`` on A
   (incremental) and ``--full-refresh`` on B.

Every model is compared by content hash (tests/warehouse_compare.py).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.test_incremental import JOURNAL, TWO_ENTRIES_PER_ROW, Build, LateEvents, build, compare
from tests.test_incremental import late_events as find_late_events

LOOKBACK = dt.timedelta(days=3)  # var('incremental_lookback_days')


@dataclass
class Window:
    """The row of int_load_window an incremental build left (macros/incremental/incremental.sql)."""

    previous_newest_entry_at: dt.datetime
    lookback_start: dt.datetime
    previous_consumed_load_id: int
    consumed_load_id: int
    earliest_unconsumed_event_at: dt.datetime | None


def load_window(database: Path) -> Window:
    with duckdb.connect(str(database), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        row = con.execute(
            """
            select previous_newest_entry_at, lookback_start, previous_consumed_load_id,
                consumed_load_id, earliest_unconsumed_event_at
            from intermediate.int_load_window
            """
        ).fetchone()
    assert row is not None
    return Window(*row)


@dataclass
class Locality:
    """What an incremental build restated, read right after it (a later stage rebuilds A and B)."""

    restated: dict[int, dt.datetime]  # int_window_sublots: sublot -> restated_from
    earliest_late: dict[int, dt.datetime]  # full refresh: sublot -> its earliest late entry
    sublots_since_earliest_late: int  # sublots with an entry at or after the earliest late event
    kept: int  # entries after the earliest late event that kept their entry_sequence
    renumbered: int  # those whose entry_sequence changed
    renumbered_elsewhere: int  # those renumbered without a late event at their instant


def locality(before: Path, incremental: Path, full: Path, window: Window) -> Locality:
    """``before``: warehouse A as it stood before the incremental build (a copy). Late entries:
    those the consumed load brought before recent_start (the lookback less the late events),
    read from the full refresh, which has them all."""
    recent_start = window.previous_newest_entry_at - LOOKBACK
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{before}' as before (read_only)")
        con.execute(f"attach '{incremental}' as a (read_only)")
        con.execute(f"attach '{full}' as b (read_only)")
        restated = dict(
            con.sql(
                "select material_sublot_id, restated_from from a.intermediate.int_window_sublots"
            ).fetchall()
        )
        earliest_late = dict(
            con.execute(
                f"""
                select material_sublot_id, min(entry_at) from b.marts.{JOURNAL}
                where recorded_load_id = ? and entry_at < ?
                group by material_sublot_id
                """,
                [window.consumed_load_id, recent_start],
            ).fetchall()
        )
        since = con.execute(
            f"select count(distinct material_sublot_id) from b.marts.{JOURNAL} where entry_at >= ?",
            [window.earliest_unconsumed_event_at],
        ).fetchall()[0][0]
        kept, renumbered, elsewhere = con.execute(
            f"""
            with late_instants as (
                select distinct entry_at from a.marts.{JOURNAL} where recorded_load_id = ?
            ),
            compared as (
                select
                    previous.entry_sequence = current.entry_sequence as same_number,
                    previous.entry_at in (select entry_at from late_instants) as at_late_instant
                from before.marts.{JOURNAL} as previous
                inner join a.marts.{JOURNAL} as current
                    on previous.journal_entry_id = current.journal_entry_id
                where previous.entry_at >= ?
            )
            select
                count(*) filter (where same_number),
                count(*) filter (where not same_number),
                count(*) filter (where not same_number and not at_late_instant)
            from compared
            """,
            [window.consumed_load_id, window.earliest_unconsumed_event_at],
        ).fetchall()[0]
    return Locality(restated, earliest_late, since, kept, renumbered, elsewhere)


@dataclass
class Stage:
    incremental: Build
    full: Build
    comparison: str  # '' when both hold the same rows
    late: LateEvents
    window: Window
    locality: Locality


def append(raw: Path, days: int) -> None:
    command = [sys.executable, "-m", "plantledger.cli", "generate", "--append-days", str(days)]
    proc = subprocess.run(
        [*command, "--out", str(raw), "--quiet"], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        pytest.fail(f"generate --append-days {days} exited {proc.returncode}: {proc.stderr}")


def stage(raw: Path, root: Path, load_id: int) -> Stage:
    before = root / f"a_before_load_{load_id}.duckdb"
    shutil.copy(root / "a" / "warehouse.duckdb", before)
    incremental = build(raw, root / "a")
    full = build(raw, root / "b", "--full-refresh")
    late = find_late_events(raw, load_id, incremental.run.duckdb, full.run.duckdb)
    window = load_window(incremental.run.duckdb)
    local = locality(before, incremental.run.duckdb, full.run.duckdb, window)
    return Stage(incremental, full, compare(incremental, full), late, window, local)


@pytest.fixture(scope="module")
def root(warehouse_small, raw_appended_late, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("incremental_late")
    shutil.copytree(raw_appended_late.path, root / "raw")
    (root / "a").mkdir()
    shutil.copy(warehouse_small.duckdb, root / "a" / "warehouse.duckdb")
    return root


@pytest.fixture(scope="module")
def late(root: Path) -> Stage:
    return stage(root / "raw", root, 1)


@pytest.fixture(scope="module")
def next_day(root: Path, late: Stage) -> Stage:
    append(root / "raw", 2)
    return stage(root / "raw", root, 2)


# --- an append with late events up to 30 days old ----------------------------------------------


def test_the_load_has_late_events_older_than_the_lookback(late):
    """Not vacuous: some late events are older than the default window's start (the newest
    journal entry before the build less 3 days)."""
    window = late.window
    default_start = window.previous_newest_entry_at - LOOKBACK
    assert window.earliest_unconsumed_event_at is not None
    assert window.earliest_unconsumed_event_at < default_start - dt.timedelta(days=1), window
    assert sum(late.late.rows.values()) > 0


def test_the_window_starts_at_the_earliest_event_not_consumed_yet(late):
    window = late.window
    assert (window.previous_consumed_load_id, window.consumed_load_id) == (0, 1)
    assert window.lookback_start == window.earliest_unconsumed_event_at


def test_incremental_build_passes_every_test(late):
    """assert_source_accounting_balances among them: no late row is left out."""
    incremental = late.incremental
    assert incremental.ok, incremental.explain()
    assert "assert_source_accounting_balances" in incremental.run.with_status("pass")
    assert JOURNAL in incremental.ran_incrementally
    assert incremental.ran_incrementally == incremental.incremental_models


def test_incremental_build_equals_the_full_refresh(late):
    assert late.full.ok, late.full.explain()
    assert not late.comparison, late.comparison
    assert late.incremental.hashes == late.full.hashes


def test_old_late_events_are_in_the_journal(late):
    events = late.late
    assert events.missing == {table: [] for table in TWO_ENTRIES_PER_ROW}, events
    for table, (in_incremental, in_full) in events.entries.items():
        assert in_incremental == in_full, (table, events)


# --- the next load: the window is the lookback again ---------------------------------------------


def test_a_consumed_load_does_not_widen_the_next_window(next_day):
    window = next_day.window
    assert (window.previous_consumed_load_id, window.consumed_load_id) == (1, 2)
    assert window.lookback_start == window.previous_newest_entry_at - LOOKBACK
    assert window.earliest_unconsumed_event_at >= window.lookback_start


def test_the_next_load_builds_incrementally_to_the_full_refresh(next_day):
    assert next_day.incremental.ok, next_day.incremental.explain()
    assert next_day.full.ok, next_day.full.explain()
    assert not next_day.comparison, next_day.comparison
    assert next_day.incremental.hashes == next_day.full.hashes


# --- the restatement is local: a late event costs its sublots, not the history since it ----------


def test_every_sublot_of_a_late_entry_is_restated_from_its_earliest_late_entry(late):
    """A sublot missing from int_window_sublots (or restated from too late an instant) would
    keep its old entries after a late event: this names such a sublot before the content hashes
    show it."""
    local = late.locality
    assert local.earliest_late, "no late entry older than the normal window: the test is vacuous"
    missed = {
        sublot: at
        for sublot, at in local.earliest_late.items()
        if sublot not in local.restated or local.restated[sublot] > at
    }
    assert not missed, missed


def test_a_late_event_restates_its_sublots_not_every_sublot_since_it(late):
    """The sublots restated are those of the normal window and of the late events, far fewer
    than every sublot with an entry since the earliest late event (what restating the history
    from it would cost)."""
    local = late.locality
    assert 0 < len(local.restated) < local.sublots_since_earliest_late / 2, local


def test_entries_untouched_by_a_late_event_keep_their_numbers(late):
    """Event numbers are stable keys (instant and rank within it): an entry the warehouse had
    before the late load keeps its entry_sequence unless a late event shares its instant. With
    dense numbers every entry after the earliest late event would be renumbered."""
    local = late.locality
    assert local.renumbered_elsewhere == 0, local
    assert local.kept > 0, "no entry after the earliest late event: the test is vacuous"
