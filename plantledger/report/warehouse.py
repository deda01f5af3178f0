"""The built warehouse, opened read-only for reports, with one-line errors for what can be wrong.

The warehouse is the DuckDB file ``dbt build`` writes: ``--warehouse``, else the environment
variable ``PLANTLEDGER_DUCKDB``, else ``warehouse/plantledger.duckdb`` (as in profiles.yml).
Every value a user gives is bound as a query parameter, never pasted into SQL text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from plantledger.params import ParameterError
from plantledger.settings import DEFAULT_WAREHOUSE, warehouse_file

BUILD_HINT = (
    "build it with `make run`, or `dbt build` from the project folder "
    "(PLANTLEDGER_DUCKDB=<file> to build it elsewhere)"
)
POINT_IN_TIME_MACROS = (
    "inventory_as_of",
    "arrivals_between",
    "sublot_moves_between",
    "sublot_location_as_of",
    "conveyor_dwell_between",
)


def default_warehouse() -> str:
    return warehouse_file()


def add_warehouse_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse",
        default=None,
        metavar="FILE",
        help="the DuckDB warehouse built by dbt (default: $PLANTLEDGER_DUCKDB or "
        f"{DEFAULT_WAREHOUSE})",
    )


@dataclass(frozen=True)
class Facility:
    facility_id: int
    code: str
    timezone: str


@dataclass(frozen=True)
class HistoryWindow:
    """The span of the data: first journal entry, and the end of the last day of history."""

    first_entry_at: dt.datetime
    end_at: dt.datetime  # exclusive: midnight UTC after the UTC day of the last entry


class Warehouse:
    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path
        self._facilities: dict[str, Facility] | None = None
        self._window: HistoryWindow | None = None

    def query(self, sql: str, params: Sequence[object] = ()) -> pa.Table:
        """Run ``sql`` with ``?`` placeholders bound to ``params``; the result as Arrow."""
        return self.con.sql(sql, params=list(params)).to_arrow_table()

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        return self.con.execute(sql, list(params)).fetchall()

    # --- what the warehouse holds ---------------------------------------------------------------

    def facilities(self) -> dict[str, Facility]:
        if self._facilities is None:
            rows = self.rows(
                "select facility_id, facility_code, timezone from marts.dim_facilities "
                "order by facility_code"
            )
            self._facilities = {code: Facility(fid, code, tz) for fid, code, tz in rows}
        return self._facilities

    def facility(self, code: str) -> Facility:
        facilities = self.facilities()
        found = facilities.get(code) or facilities.get(code.upper())
        if found is None:
            sample = ", ".join(list(facilities)[:5])
            raise ParameterError(
                f"unknown facility {code!r}: use a facility code such as {sample} "
                f"({len(facilities)} in marts.dim_facilities)"
            )
        return found

    def location_facility(self, location_code: str) -> str:
        """The facility of a location (any location of dim_storage_locations)."""
        rows = self.rows(
            "select facility_code from marts.dim_storage_locations where location_code = ?",
            [location_code],
        )
        if not rows:
            raise ParameterError(
                f"unknown location {location_code!r}: use a location code from "
                "marts.dim_storage_locations, such as FAC-CHI/WH1 (an area with its bins) or "
                "FAC-CHI/PRD/CNV01"
            )
        return rows[0][0]

    def require_material(self, material_code: str) -> None:
        rows = self.rows(
            "select 1 from marts.dim_parts where part_number = ? "
            "union all select 1 from marts.dim_products where sku = ? limit 1",
            [material_code, material_code],
        )
        if not rows:
            raise ParameterError(
                f"unknown material {material_code!r}: use a part number (marts.dim_parts) or "
                "a SKU (marts.dim_products)"
            )

    def window(self) -> HistoryWindow:
        if self._window is None:
            first, last = self.rows(
                "select min(entry_at), max(entry_at) from marts.fact_inventory_journal"
            )[0]
            if first is None:
                raise ParameterError(f"the warehouse {self.path} holds no journal entries")
            first = first.astimezone(dt.UTC)
            last_day = last.astimezone(dt.UTC).date()
            end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
            self._window = HistoryWindow(first, end)
        return self._window


POINT_IN_TIME_TABLES = (
    "dim_facilities",
    "dim_storage_locations",
    "fact_inventory_journal",
    "fact_sublot_location_history",
    "fact_sublot_location_history_known",
    "dim_loads",
    "dim_material_valuation",
)


def _missing(
    con: duckdb.DuckDBPyConnection, tables: Sequence[str], macros: Sequence[str]
) -> tuple[list[str], list[str]]:
    present_tables = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    present_macros = {
        name
        for (name,) in con.execute(
            "select function_name from duckdb_functions() where function_type = 'table_macro'"
        ).fetchall()
    }
    if not present_tables:
        return ["marts"], []
    return (
        [name for name in tables if name not in present_tables],
        [name for name in macros if name not in present_macros],
    )


@contextmanager
def open_warehouse(
    path: str | os.PathLike[str] | None,
    tables: Sequence[str] = (),
    macros: Sequence[str] = (),
) -> Iterator[Warehouse]:
    """Open the warehouse read-only; every way this can fail is one clear ParameterError.

    ``tables`` (of the marts schema) and table ``macros`` the caller needs must be there."""
    target = Path(path if path is not None else default_warehouse())
    if not target.is_file():
        raise ParameterError(f"no warehouse at {target}: {BUILD_HINT}")
    try:
        con = duckdb.connect(str(target), read_only=True)
    except duckdb.Error as exc:
        message = str(exc)
        if "lock" in message.lower():
            raise ParameterError(
                f"the warehouse {target} is open for writing by another process (a dbt build?); "
                "try again when it has finished"
            ) from None
        first_line = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
        raise ParameterError(
            f"cannot open the warehouse {target} ({first_line}): {BUILD_HINT}"
        ) from None
    try:
        con.execute("set TimeZone = 'UTC'")
        missing_tables, missing_macros = _missing(con, tables, macros)
        if missing_tables == ["marts"]:
            raise ParameterError(f"the warehouse {target} has no marts: {BUILD_HINT}")
        if missing_tables:
            raise ParameterError(
                f"the warehouse {target} has no {', '.join('marts.' + t for t in missing_tables)}: "
                f"{BUILD_HINT}"
            )
        if missing_macros:
            raise ParameterError(
                f"the warehouse {target} has no table macro {', '.join(missing_macros)}; "
                f"`dbt build` makes them at its end: {BUILD_HINT}"
            )
        yield Warehouse(con, target)
    finally:
        con.close()
