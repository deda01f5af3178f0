"""Progress reporting for the writer with rich: a live status, a line per table, a summary."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.status import Status

from plantledger.rawfolder import Manifest


class RichProgress:
    """Shows the table being generated; prints a line when a table's run of pieces ends.

    Pieces of one table normally come one after another; should a generator interleave tables,
    a table gets one line per run of consecutive pieces (rows counted so far in that line).
    Output goes to stderr by default, so stdout stays free for machine-readable output.
    """

    def __init__(self, console: Console | None = None) -> None:
        self.console = console if console is not None else Console(stderr=True)
        self._status: Status | None = None
        self._started = 0.0
        self._last = 0.0
        self._current: str | None = None
        self._run_seconds = 0.0
        self._rows: dict[str, int] = {}
        self._files: dict[str, int] = {}

    def start(self, out: Path) -> None:
        self._started = self._last = time.perf_counter()
        self.console.print(f"Generating raw tables into [bold]{out}[/bold]")
        self._status = self.console.status("generating master data ...")
        self._status.start()

    def piece(self, table: str, rows: int) -> None:
        now = time.perf_counter()
        if table != self._current:
            self._flush()
            self._current = table
        self._run_seconds += now - self._last
        self._last = now
        self._rows[table] = self._rows.get(table, 0) + rows
        self._files[table] = self._files.get(table, 0) + 1
        if self._status is not None:
            self._status.update(f"{table}: {self._rows[table]:,} rows ...")

    def _flush(self) -> None:
        table = self._current
        if table is None:
            return
        files = self._files[table]
        self.console.print(
            f"  [green]✓[/green] {table:<26} {self._rows[table]:>12,} rows "
            f"{files:>4} file{'s' if files != 1 else ' '} {self._run_seconds:>8.2f} s"
        )
        self._run_seconds = 0.0

    def _stop(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def finish(self, manifest: Manifest) -> None:
        self._flush()
        self._current = None
        self._stop()
        seconds = max(time.perf_counter() - self._started, 1e-9)
        rows = manifest.total_rows
        self.console.print(
            f"Wrote {rows:,} rows in {len(manifest.tables)} tables in {seconds:.1f} s "
            f"({rows / seconds:,.0f} rows/s)"
        )

    def fail(self) -> None:
        self._stop()
