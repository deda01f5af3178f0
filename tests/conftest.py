"""Shared fixtures: one small real generation per session, and a fake generator for plumbing."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import NamedTuple

import duckdb
import polars as pl
import pytest

from plantledger.params import GenerationParams
from plantledger.rawfolder import Manifest
from plantledger.schema import RAW_SCHEMAS, TABLES
from plantledger.writer import write_raw

SMALL_SCALE = 0.01
SMALL_SEED = 7
SMALL_END_DATE = dt.date(2026, 11, 21)


class RawData(NamedTuple):
    path: Path
    manifest: Manifest
    params: GenerationParams


@pytest.fixture(scope="session")
def raw_small(tmp_path_factory: pytest.TempPathFactory) -> RawData:
    """The real generator at scale 0.01, seed 7, end date 2026-11-21, written once per session."""
    from plantledger.generator import generate_tables

    out = tmp_path_factory.mktemp("raw_small") / "raw"
    params = GenerationParams(scale=SMALL_SCALE, seed=SMALL_SEED, end_date=SMALL_END_DATE, out=out)
    manifest = write_raw(params, generate_tables(params))
    return RawData(out, manifest, params)


APPEND_DAYS = (5, 7)
"""The days of the first and the second append of ``raw_appended`` / ``raw_appended_twice``
(at scale 0.01 a day holds only a few work orders; a few days exercise every kind of event)."""


@pytest.fixture(scope="session")
def raw_appended(raw_small: RawData, tmp_path_factory: pytest.TempPathFactory) -> RawData:
    """``raw_small`` and one append (``plantledger generate --append-days 5``): load 1."""
    from plantledger.append_command import append_days

    out = tmp_path_factory.mktemp("raw_appended") / "raw"
    shutil.copytree(raw_small.path, out)
    manifest = append_days(out, APPEND_DAYS[0]).manifest
    return RawData(out, manifest, raw_small.params)


@pytest.fixture(scope="session")
def raw_appended_twice(raw_appended: RawData, tmp_path_factory: pytest.TempPathFactory) -> RawData:
    """``raw_appended`` and a second append (``--append-days 7``): loads 1 and 2."""
    from plantledger.append_command import append_days

    out = tmp_path_factory.mktemp("raw_appended_twice") / "raw"
    shutil.copytree(raw_appended.path, out)
    manifest = append_days(out, APPEND_DAYS[1]).manifest
    return RawData(out, manifest, raw_appended.params)


LATE_APPEND = (7, 30)
"""``raw_appended_late``: days appended and ``--late-days`` (at scale 0.01 a 7-day load has a
few late events, some older than the warehouse's 3-day lookback)."""


@pytest.fixture(scope="session")
def raw_appended_late(raw_small: RawData, tmp_path_factory: pytest.TempPathFactory) -> RawData:
    """``raw_small`` and one append whose late events may be up to 30 days old
    (``plantledger generate --append-days 7 --late-days 30``): load 1."""
    from plantledger.append_command import append_days

    out = tmp_path_factory.mktemp("raw_appended_late") / "raw"
    shutil.copytree(raw_small.path, out)
    manifest = append_days(out, LATE_APPEND[0], LATE_APPEND[1]).manifest
    return RawData(out, manifest, raw_small.params)


FAULTY_SPEC = "0.02"


@pytest.fixture(scope="session")
def raw_faulty(tmp_path_factory: pytest.TempPathFactory) -> RawData:
    """``raw_small``'s parameters with every fault kind at rate 0.02 (plantledger.faults)."""
    from plantledger.faults import inject_faults, parse_faults
    from plantledger.generator import generate_tables

    out = tmp_path_factory.mktemp("raw_faulty") / "raw"
    params = GenerationParams(scale=SMALL_SCALE, seed=SMALL_SEED, end_date=SMALL_END_DATE, out=out)
    pieces, injector = inject_faults(generate_tables(params), parse_faults(FAULTY_SPEC), params)
    manifest = write_raw(params, pieces, faults=injector.record)
    return RawData(out, manifest, params)


class Warehouse(NamedTuple):
    duckdb: Path  # the DuckDB file `dbt build` wrote; open it read-only (it is shared)
    raw: Path  # the raw folder it was built from (raw_small's)
    params: GenerationParams  # the generation parameters of that raw folder
    target: Path  # the build's dbt target/ folder (manifest.json, run_results.json)

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the warehouse."""
        return duckdb.connect(str(self.duckdb), read_only=True)


@pytest.fixture(scope="session")
def warehouse_small(raw_small: RawData, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """`dbt build` of the whole project from ``raw_small``, once per session, into a DuckDB file
    of its own (tests/dbt_runner.py). Fails every test that uses it when the build fails."""
    from tests.dbt_runner import dbt_build

    run = dbt_build(raw_small.path, tmp_path_factory.mktemp("warehouse_small"))
    if run.returncode != 0:
        pytest.fail(f"dbt build of the small warehouse exited {run.returncode}:\n{run.tail()}")
    return Warehouse(run.duckdb, raw_small.path, raw_small.params, run.target)


@pytest.fixture(scope="session")
def small_journal(warehouse_small: Warehouse) -> pl.DataFrame:
    """The columns of ``warehouse_small``'s fact_inventory_journal that the report tests
    replay, read in UTC."""
    con = warehouse_small.connect()
    con.execute("set TimeZone = 'UTC'")
    try:
        return pl.from_arrow(
            con.sql(
                "select transaction_id, entry_side, entry_sequence, entry_at, facility_code, "
                "location_code, is_physical, material_code, material_sublot_code, status, "
                "quantity, event_kind, movement_type from marts.fact_inventory_journal"
            ).to_arrow_table()
        )
    finally:
        con.close()


# --- a fake generator: small frames that follow the contract ---------------------------------

_BASE_TS = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
_BASE_DATE = dt.date(2025, 1, 1)


def fake_frame(table: str, rows: int, seed: int = 0, offset: int = 0) -> pl.DataFrame:
    """``rows`` deterministic rows for ``table``, typed exactly as the contract says."""
    data: dict[str, list[object]] = {}
    for position, (column, dtype) in enumerate(RAW_SCHEMAS[table].items()):
        values = range(offset, offset + rows)
        if dtype == pl.String:
            data[column] = [f"{table}-{column}-{seed}-{i}" for i in values]
        elif dtype == pl.Boolean:
            data[column] = [(i + seed + position) % 2 == 0 for i in values]
        elif dtype == pl.Date:
            data[column] = [_BASE_DATE + dt.timedelta(days=i + seed) for i in values]
        elif isinstance(dtype, pl.Datetime):
            data[column] = [_BASE_TS + dt.timedelta(seconds=i * 7 + seed) for i in values]
        elif dtype == pl.Float64:
            data[column] = [i * 0.5 + seed + position for i in values]
        else:
            data[column] = [i * 10 + seed + position for i in values]
    return pl.DataFrame(data, schema=RAW_SCHEMAS[table])


FakePieces = Callable[..., Iterator[tuple[str, pl.DataFrame]]]


def make_fake_pieces(
    rows: int = 5,
    seed: int = 0,
    split: Collection[str] = ("orders", "material_transactions", "plc_tag_events"),
    skip: Collection[str] = (),
    fail_after: int | None = None,
) -> Iterator[tuple[str, pl.DataFrame]]:
    """Every table's rows; tables in ``split`` come as two pieces, the second after all others.

    ``skip`` leaves tables out; ``fail_after`` raises RuntimeError after that many pieces.
    """
    yielded = 0
    later: list[tuple[str, pl.DataFrame]] = []
    for table in TABLES:
        if table in skip:
            continue
        if table in split:
            head = rows // 2
            pieces = [(table, fake_frame(table, head, seed))]
            later.append((table, fake_frame(table, rows - head, seed, offset=head)))
        else:
            pieces = [(table, fake_frame(table, rows, seed))]
        for piece in pieces:
            if fail_after is not None and yielded >= fail_after:
                raise RuntimeError("fake generator failed mid-way")
            yielded += 1
            yield piece
    for piece in later:
        if fail_after is not None and yielded >= fail_after:
            raise RuntimeError("fake generator failed mid-way")
        yielded += 1
        yield piece


@pytest.fixture(scope="session")
def fake_pieces() -> FakePieces:
    """The fake generator factory (see :func:`make_fake_pieces`)."""
    return make_fake_pieces


@pytest.fixture(scope="session")
def make_frame() -> Callable[..., pl.DataFrame]:
    """The contract-typed frame factory (see :func:`fake_frame`)."""
    return fake_frame


def tree_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes, to show a folder was left untouched."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def snapshot() -> Callable[[Path], dict[str, bytes]]:
    return tree_snapshot
