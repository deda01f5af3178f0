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

Killed writers are recovered by the next command that opens the folder (:func:`recover_raw`,
under the folder's lock, :mod:`plantledger.rawlock`): a ``generate`` killed between its two
renames gets the previous output back in place.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import polars as pl

import plantledger
from plantledger.params import HISTORY_DAYS, GenerationParams, ParameterError
from plantledger.schema import RAW_SCHEMAS, TABLES

MANIFEST_NAME = "_manifest.json"
MANIFEST_FORMAT = 2
"""2: every table has the ``load_id`` column and the manifest a ``loads`` list."""
PENDING_NAME = "_append.pending"
APPEND_TMP_PREFIX = ".append-tmp-"
PART_TEMPLATE = "part-{:05d}.parquet"
COMPRESSION = "zstd"
_HASH_CHUNK = 1 << 20
# a JSON array of integers spread over lines by ``indent``; fault id lists are kept on one line
_INT_ARRAY = re.compile(r"\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]")


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


@dataclass(frozen=True)
class TableEntry:
    rows: int
    files: int
    sha256: str
    columns: dict[str, str]


@dataclass(frozen=True)
class Manifest:
    """What was written: parameters, generator version and, per table, rows, files and hash.

    ``faults`` is the record of injected faults (see :mod:`plantledger.faults`), or None for a
    clean generation (then the key is left out of the file altogether). ``loads`` holds one
    entry per load (:func:`load_entry`), the initial generation first.
    """

    generator_version: str
    parameters: dict[str, Any]
    tables: dict[str, TableEntry]
    format: int = MANIFEST_FORMAT
    faults: dict[str, Any] | None = None
    loads: list[dict[str, Any]] = field(default_factory=list)
    shard: dict[str, Any] | None = None
    """For one shard of a sharded generation (``generate --shard I/N``, :mod:`plantledger.
    generator.shards`): which shard and which plan shards it holds; None (no key) otherwise."""

    @property
    def total_rows(self) -> int:
        return sum(entry.rows for entry in self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": self.format,
            "generator_version": self.generator_version,
            "parameters": self.parameters,
            "tables": {
                name: {
                    "rows": e.rows,
                    "files": e.files,
                    "sha256": e.sha256,
                    "columns": e.columns,
                }
                for name, e in self.tables.items()
            },
            "loads": self.loads,
        }
        if self.faults is not None:
            data["faults"] = self.faults
        if self.shard is not None:
            data["shard"] = self.shard
        return data

    def to_json(self) -> str:
        text = json.dumps(self.to_dict(), indent=2) + "\n"
        if self.faults is not None:  # id lists on one line each, not one id per line
            text = _INT_ARRAY.sub(
                lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text
            )
        return text

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        return cls(
            format=data["format"],
            generator_version=data["generator_version"],
            parameters=data["parameters"],
            tables={name: TableEntry(**entry) for name, entry in data["tables"].items()},
            faults=data.get("faults"),
            loads=list(data.get("loads", [])),
            shard=data.get("shard"),
        )

    @classmethod
    def load(cls, path: Path | str) -> Manifest:
        """Read a manifest from its file or from the output folder holding it."""
        path = Path(path)
        if path.is_dir():
            path = path / MANIFEST_NAME
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


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


def normalise_out(out: Path | str) -> Path:
    """Absolute, normalised output path (no symlink resolution); refuses the filesystem root."""
    path = Path(os.path.abspath(out))
    if path.name == "":
        raise ParameterError(f"--out {str(out)!r} is the filesystem root; give a folder below it")
    return path


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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OverflowError, ValueError):
        return False
    return True


def _remove_stale_siblings(out: Path) -> None:
    """Clear what a killed earlier run left beside ``out``: temp folders, an old output."""
    if not out.parent.is_dir():
        return
    prefix = f"{out.name}."
    for sibling in sorted(out.parent.iterdir()):
        if not sibling.name.startswith(prefix):
            continue
        kind, _, pid_text = sibling.name[len(prefix) :].partition("-")
        if kind not in ("tmp", "old") or not pid_text.isdigit():
            continue
        pid = int(pid_text)
        if pid == os.getpid() or _pid_alive(pid):
            continue
        if kind == "old" and not out.exists() and (sibling / MANIFEST_NAME).is_file():
            os.replace(sibling, out)  # killed between the two renames: restore the old output
        else:
            shutil.rmtree(sibling, ignore_errors=True)


def _sha256_update(hasher: Any, path: Path) -> None:
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            hasher.update(chunk)


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
        _sha256_update(state.hasher, path)
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
    _remove_stale_siblings(out)
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


def _part_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []


def recover_append(out: Path) -> None:
    """Clear what a killed append left in ``out``: its temporary folder and, unless its
    manifest was already written, the part files it had moved into the table folders."""
    pending = out / PENDING_NAME
    if pending.is_file():
        try:
            record = json.loads(pending.read_text(encoding="utf-8"))
            pid, load_id, files = int(record["pid"]), int(record["load_id"]), record["files"]
        except (ValueError, KeyError, TypeError):
            raise ParameterError(
                f"{pending} is damaged; remove it and the part files of the unfinished append "
                f"(those the manifest does not count), or generate the folder again"
            ) from None
        if pid != os.getpid() and _pid_alive(pid):
            raise ParameterError(
                f"another append (process {pid}) is writing to {out}; wait for it to finish"
            )
        done = (out / MANIFEST_NAME).is_file() and any(
            load.get("load_id") == load_id for load in Manifest.load(out).loads
        )
        if not done:
            for name in files:
                (out / name).unlink(missing_ok=True)
        pending.unlink()
    for tmp in out.glob(f"{APPEND_TMP_PREFIX}*"):
        pid_text = tmp.name[len(APPEND_TMP_PREFIX) :]
        if pid_text.isdigit() and (int(pid_text) == os.getpid() or not _pid_alive(int(pid_text))):
            shutil.rmtree(tmp, ignore_errors=True)
    # manifests half-written by appends of earlier versions, which wrote them beside the folder's
    for tmp in out.glob(f"{MANIFEST_NAME}.tmp-*"):
        pid_text = tmp.name[len(MANIFEST_NAME) + len(".tmp-") :]
        if pid_text.isdigit() and (int(pid_text) == os.getpid() or not _pid_alive(int(pid_text))):
            tmp.unlink(missing_ok=True)


def recover_raw(out: Path | str) -> None:
    """Bring the raw folder ``out`` back to what its manifest says after a killed writer: put
    back the previous output when ``generate`` was killed between its two renames (``out``
    missing, the old data in ``<out>.old-<pid>``), remove dead writers' temporary folders, and
    clear an unfinished append (:func:`recover_append`). Run under the folder's exclusive lock
    (:mod:`plantledger.rawlock`)."""
    out = normalise_out(out)
    _remove_stale_siblings(out)
    if (out / MANIFEST_NAME).is_file():
        recover_append(out)


def _hash_files(paths: list[Path]) -> str:
    hasher = hashlib.sha256()
    for path in paths:
        _sha256_update(hasher, path)
    return hasher.hexdigest()


def check_files(out: Path, manifest: Manifest) -> dict[str, list[Path]]:
    """Every table's part files in ``out``, checked against ``manifest`` (count and sha256);
    ParameterError when they differ (a file was added, removed or changed since)."""
    existing: dict[str, list[Path]] = {}
    for table in TABLES:
        files = _part_files(out / table)
        entry = manifest.tables[table]
        if len(files) != entry.files or _hash_files(files) != entry.sha256:
            raise ParameterError(
                f"the files of table {table} in {out} do not match its {MANIFEST_NAME} (changed "
                f"since it was written); generate the folder again"
            )
        existing[table] = files
    return existing


def append_raw(
    out: Path | str,
    previous: Manifest,
    pieces: Iterable[tuple[str, pl.DataFrame]],
    *,
    parameters: dict[str, Any],
    load: dict[str, Any],
    existing: dict[str, list[Path]] | None = None,
) -> Manifest:
    """Add ``pieces`` to the raw folder ``out`` as new part files; return the new manifest.

    ``previous`` is the folder's manifest (its table entries must match the files on disk;
    ``existing``, when given, is what :func:`check_files` found after :func:`recover_append`),
    ``parameters`` the manifest's new parameters (the new ``end_date``) and ``load`` the new
    entry of ``loads`` (:func:`load_entry`), whose ``rows`` are counted here. Existing files
    are never modified; a table without new rows gets no file. The manifest is replaced last,
    atomically.
    """
    out = normalise_out(out)
    if existing is None:
        recover_append(out)
        existing = check_files(out, previous)
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
                sha256=_hash_files(existing[table] + new[table]),
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
