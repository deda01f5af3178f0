"""Write the generator's pieces as raw parquet, with a manifest, replacing the output atomically.

Layout of an output folder (``--out``, default ``data/raw``)::

    <out>/_manifest.json
    <out>/<table>/part-00000.parquet, part-00001.parquet, ...   (one file per piece, zstd)

Everything is first written into a sibling ``<out>.tmp-<pid>``; only when every table is written
and the manifest is complete does that folder replace ``<out>`` (the old one is renamed aside,
the new one renamed into place, the old one removed). On any failure the temporary folder is
removed and an existing ``<out>`` is left as it was.

The manifest holds no wall-clock time: the same parameters and the same package versions give a
byte-identical manifest, and each table's ``sha256`` covers its parquet files' bytes in order
(polars writes byte-identical parquet for identical frames, whatever its thread count).

A generation with injected faults (``plantledger generate --faults``, :mod:`plantledger.faults`)
adds a ``faults`` section saying what was corrupted where; a clean manifest has no such key.

The manifest's ``loads`` list records every load: the initial generation (load 0) and each
``plantledger generate --append-days N`` (:func:`append_raw`), with its days, rows per table
and late events. An append never modifies an existing file: it adds part files to the table
folders, continuing their numbering (``part-00001.parquet`` after ``part-00000.parquet``), and
rewrites the manifest last, atomically, so a failed append leaves the folder as it was (the
new files are written into ``<out>/.append-tmp-<pid>`` first; ``<out>/_append.pending`` lists
them while they are moved in, so the next append can clear what a killed one left; the new
manifest is written in that temporary folder too, then renamed over the old one).

Killed writers are recovered by the next command that opens the folder
(:func:`plantledger.rawfolder.recover_raw`, under the folder's lock, :mod:`plantledger.rawlock`):
a ``generate`` killed between its two renames gets the previous output back in place. The
manifest itself (:class:`~plantledger.rawfolder.Manifest`) and reading and checking a folder
are :mod:`plantledger.rawfolder`'s.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import polars as pl

import plantledger
from plantledger.params import HISTORY_DAYS, GenerationParams, ParameterError
from plantledger.rawfolder import (
    APPEND_TMP_PREFIX,
    MANIFEST_NAME,
    PART_TEMPLATE,
    PENDING_NAME,
    Manifest,
    RawFolder,
    TableEntry,
    hash_files,
    normalise_out,
    remove_stale_siblings,
    sha256_update,
)
from plantledger.schema import RAW_SCHEMAS, TABLES

COMPRESSION = "zstd"
# a JSON array of integers spread over lines by ``indent``; fault id lists are kept on one line


class Progress(Protocol):
    """Receives writing events; see :mod:`plantledger.progress` for the implementations."""

    def start(self, out: Path) -> None: ...

    def piece(self, table: str, rows: int) -> None: ...

    def finish(self, manifest: Manifest) -> None: ...

    def fail(self) -> None: ...


class NullProgress:
    """Reports nothing (``--quiet``, benchmarks, tests)."""

    def start(self, out: Path) -> None:
        pass

    def piece(self, table: str, rows: int) -> None:
        pass

    def finish(self, manifest: Manifest) -> None:
        pass

    def fail(self) -> None:
        pass


def manifest_parameters(params: GenerationParams) -> dict[str, Any]:
    """The parameters that determine the data (the output path does not)."""
    return {
        "scale": float(params.scale),
        "seed": int(params.seed),
        "end_date": params.end_date.isoformat(),
    }


def load_entry(
    load_id: int,
    kind: str,
    first_day: dt.date,
    last_day: dt.date,
    rows: dict[str, int],
    late_events: int = 0,
) -> dict[str, Any]:
    """One entry of the manifest's ``loads``: which days the load covers and what it added."""
    return {
        "load_id": load_id,
        "kind": kind,
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
        "days": (last_day - first_day).days + 1,
        "rows": {table: int(rows.get(table, 0)) for table in TABLES},
        "late_events": int(late_events),
    }


def initial_load(params: GenerationParams, tables: dict[str, TableEntry]) -> dict[str, Any]:
    """Load 0: the history ``plantledger generate`` writes."""
    first = params.end_date - dt.timedelta(days=HISTORY_DAYS - 1)
    rows = {table: entry.rows for table, entry in tables.items()}
    return load_entry(0, "initial", first, params.end_date, rows)


def check_output(out: Path | str) -> Path:
    """Check that ``out`` can be (re)placed by generated data; create its parent folder.

    Raises ParameterError for an existing file or a folder that is not a previous output (it is
    never replaced, so a mistyped ``--out`` cannot delete unrelated files) and OSError when the
    parent folder cannot be created.
    """
    path = normalise_out(out)
    if path.exists() and not path.is_dir():
        raise ParameterError(
            f"--out {out} is an existing file; give a folder path (it is created or replaced)"
        )
    if path.is_dir() and not (path / MANIFEST_NAME).is_file() and any(path.iterdir()):
        raise ParameterError(
            f"--out {out} is a folder with other files and no {MANIFEST_NAME}, so it is not "
            f"replaced; choose a new or empty folder"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path.parent))
    return path


@dataclass
class _TableState:
    rows: int = 0
    files: int = 0
    hasher: Any = field(default_factory=hashlib.sha256)


def _check_piece(table: str, frame: object) -> pl.DataFrame:
    if table not in RAW_SCHEMAS:
        raise ValueError(f"generator yielded unknown table {table!r}; known: {', '.join(TABLES)}")
    if not isinstance(frame, pl.DataFrame):
        raise TypeError(f"{table}: expected a polars DataFrame piece, got {type(frame).__name__}")
    expected = list(RAW_SCHEMAS[table].items())
    if list(frame.schema.items()) != expected:
        raise ValueError(
            f"{table}: piece schema {dict(frame.schema)} does not match the contract "
            f"{dict(expected)}; cast it with plantledger.schema.cast_to_contract"
        )
    return frame


def _write_pieces(
    tmp: Path, pieces: Iterable[tuple[str, pl.DataFrame]], progress: Progress
) -> dict[str, TableEntry]:
    states: dict[str, _TableState] = {}
    for table, frame in pieces:
        _check_piece(table, frame)
        state = states.setdefault(table, _TableState())
        folder = tmp / table
        folder.mkdir(exist_ok=True)
        path = folder / PART_TEMPLATE.format(state.files)
        frame.write_parquet(path, compression=COMPRESSION)
        sha256_update(state.hasher, path)
        state.rows += frame.height
        state.files += 1
        progress.piece(table, frame.height)
        del frame  # write each piece as it arrives; hold none of them
    missing = [t for t in TABLES if t not in states]
    if missing:
        raise ValueError(
            f"the generator produced no piece for table(s) {', '.join(missing)}; every table in "
            f"plantledger.schema.TABLES must be written (yield an empty frame for an empty table)"
        )
    return {
        table: TableEntry(
            rows=states[table].rows,
            files=states[table].files,
            sha256=states[table].hasher.hexdigest(),
            columns={name: str(dtype) for name, dtype in RAW_SCHEMAS[table].items()},
        )
        for table in TABLES
    }


def _replace(tmp: Path, out: Path) -> None:
    """Put ``tmp`` in place of ``out``: rename the old aside, rename tmp in, remove the old."""
    old: Path | None = None
    if out.exists() or out.is_symlink():
        old = out.with_name(f"{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        if old.is_symlink() or not old.is_dir():
            old.unlink()
        else:
            shutil.rmtree(old, ignore_errors=True)


def write_raw(
    params: GenerationParams,
    pieces: Iterable[tuple[str, pl.DataFrame]],
    progress: Progress | None = None,
    faults: Callable[[], dict[str, Any]] | None = None,
    shard: dict[str, Any] | None = None,
) -> Manifest:
    """Write every piece to ``params.out`` (replacing it atomically) and return the manifest.

    ``pieces`` is consumed lazily, one piece at a time; it is not started before the temporary
    folder exists, so output problems are reported before any generation work. ``faults``, when
    given, is called once every piece is written; its result becomes the manifest's ``faults``
    section (the record of :class:`plantledger.faults.FaultInjector`); ``shard`` becomes the
    manifest's ``shard`` section (a shard of a sharded generation).
    """
    progress = progress if progress is not None else NullProgress()
    out = normalise_out(params.out)
    remove_stale_siblings(out)
    check_output(out)
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        progress.start(out)
        tables = _write_pieces(tmp, pieces, progress)
        manifest = Manifest(
            generator_version=plantledger.__version__,
            parameters=manifest_parameters(params),
            tables=tables,
            faults=faults() if faults is not None else None,
            loads=[initial_load(params, tables)],
            shard=shard,
        )
        (tmp / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
        _replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        progress.fail()
        raise
    progress.finish(manifest)
    return manifest


# --- appends ----------------------------------------------------------------------------------


def append_raw(
    folder: RawFolder,
    pieces: Iterable[tuple[str, pl.DataFrame]],
    *,
    parameters: dict[str, Any],
    load: dict[str, Any],
) -> Manifest:
    """Add ``pieces`` to the raw folder as new part files; return the new manifest.

    ``folder`` is the folder as :meth:`RawFolder.open` checked it (its manifest and the part
    files on disk agree), ``parameters`` the manifest's new parameters (the new ``end_date``)
    and ``load`` the new entry of ``loads`` (:func:`load_entry`), whose ``rows`` are counted
    here. Existing files are never modified; a table without new rows gets no file. The
    manifest is replaced last, atomically.
    """
    out, previous, existing = folder.path, folder.manifest, folder.files
    tmp = out / f"{APPEND_TMP_PREFIX}{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    moved: list[Path] = []
    pending = out / PENDING_NAME
    committed = False
    try:
        new: dict[str, list[Path]] = {table: [] for table in TABLES}
        rows = dict.fromkeys(TABLES, 0)
        for table, frame in pieces:
            _check_piece(table, frame)
            if frame.height == 0:
                continue
            number = len(existing[table]) + len(new[table])
            (tmp / table).mkdir(exist_ok=True)
            path = tmp / table / PART_TEMPLATE.format(number)
            frame.write_parquet(path, compression=COMPRESSION)
            new[table].append(path)
            rows[table] += frame.height
        tables: dict[str, TableEntry] = {}
        for table in TABLES:
            before = previous.tables[table]
            if not new[table]:
                tables[table] = before
                continue
            tables[table] = TableEntry(
                rows=before.rows + rows[table],
                files=before.files + len(new[table]),
                sha256=hash_files(existing[table] + new[table]),
                columns={name: str(dtype) for name, dtype in RAW_SCHEMAS[table].items()},
            )
        manifest = Manifest(
            generator_version=plantledger.__version__,
            parameters=parameters,
            tables=tables,
            faults=previous.faults,
            loads=[*previous.loads, {**load, "rows": rows}],
        )
        targets = [(path, out / table / path.name) for table in TABLES for path in new[table]]
        record = {
            "pid": os.getpid(),
            "load_id": load["load_id"],
            "files": [str(target.relative_to(out)) for _, target in targets],
        }
        pending.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        for source, target in targets:
            os.replace(source, target)
            moved.append(target)
        manifest_tmp = tmp / MANIFEST_NAME  # inside the temporary folder: never left behind
        manifest_tmp.write_text(manifest.to_json(), encoding="utf-8")
        os.replace(manifest_tmp, out / MANIFEST_NAME)
        committed = True
        pending.unlink()
    except BaseException:
        if not committed:
            for path in moved:
                path.unlink(missing_ok=True)
            pending.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest
