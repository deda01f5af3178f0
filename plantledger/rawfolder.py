"""A raw folder as readers see it: its manifest, its part files, and the checks that they agree.

Layout of a raw folder (written by :mod:`plantledger.writer`)::

    <raw>/_manifest.json
    <raw>/<table>/part-00000.parquet, part-00001.parquet, ...   (one file per piece, zstd)

This module owns the manifest (:class:`Manifest`, :class:`TableEntry`, the file names), reading
and checking a folder against it, and putting a folder back to what its manifest says after a
killed writer (:func:`recover_raw`). Readers (``build``, ``validate``, ``report``, the append's
state) import this module, never the writer.

The manifest is the contract: a raw folder holds exactly the files its manifest lists.

``plantledger validate`` and ``plantledger build`` call :func:`check_raw_folder` before they
read anything. A table with ``files: n`` in ``_manifest.json`` is the files ``part-00000.parquet``
to ``part-<n-1>.parquet`` in its folder, and their bytes in order hash to its ``sha256``. The
folder itself holds the manifest and the tables' folders, nothing else. Refused, one line each:

- a file or folder the manifest does not list (``part-00000 (copy).parquet``, parts of an
  append that never committed, stray files): the warehouse would read it;
- a listed part file that is missing;
- a table whose files do not hash to the manifest's sha256 (changed, truncated, replaced).

Every file is hashed on every check: about 0.2 s for the 80 MB of a scale-1 folder, far below
the cost of the build it protects (README, "What an operator may do concurrently and what is
refused").

An append opens the folder once (:meth:`RawFolder.open`): the manifest read, the part files
checked, and that :class:`RawFolder` handed to the state reader and the append writer.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plantledger.params import ParameterError
from plantledger.schema import TABLES

MANIFEST_NAME = "_manifest.json"
MANIFEST_FORMAT = 2
"""2: every table has the ``load_id`` column and the manifest a ``loads`` list."""
PENDING_NAME = "_append.pending"
APPEND_TMP_PREFIX = ".append-tmp-"
PART_TEMPLATE = "part-{:05d}.parquet"
_HASH_CHUNK = 1 << 20
_INT_ARRAY = re.compile(r"\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]")


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


@dataclass(frozen=True)
class RawFolder:
    """A raw folder opened for an append: its path, its manifest, and every table's part files,
    in order, checked against the manifest (:func:`check_files`)."""

    path: Path
    manifest: Manifest
    files: dict[str, list[Path]]

    @classmethod
    def open(cls, path: Path | str, manifest: Manifest | None = None) -> RawFolder:
        """Clear what a killed append left (:func:`recover_append`), then check the part files
        against ``manifest`` (read from the folder when not given)."""
        path = normalise_out(path)
        manifest = manifest if manifest is not None else Manifest.load(path)
        recover_append(path)
        return cls(path, manifest, check_files(path, manifest))


# --- reading and checking ------------------------------------------------------------------


def normalise_out(out: Path | str) -> Path:
    """Absolute, normalised output path (no symlink resolution); refuses the filesystem root."""
    path = Path(os.path.abspath(out))
    if path.name == "":
        raise ParameterError(f"--out {str(out)!r} is the filesystem root; give a folder below it")
    return path


def sha256_update(hasher: Any, path: Path) -> None:
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            hasher.update(chunk)


def part_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []


def hash_files(paths: list[Path]) -> str:
    hasher = hashlib.sha256()
    for path in paths:
        sha256_update(hasher, path)
    return hasher.hexdigest()


def check_files(out: Path, manifest: Manifest) -> dict[str, list[Path]]:
    """Every table's part files in ``out``, checked against ``manifest`` (count and sha256);
    ParameterError when they differ (a file was added, removed or changed since)."""
    existing: dict[str, list[Path]] = {}
    for table in TABLES:
        files = part_files(out / table)
        entry = manifest.tables[table]
        if len(files) != entry.files or hash_files(files) != entry.sha256:
            raise ParameterError(
                f"the files of table {table} in {out} do not match its {MANIFEST_NAME} (changed "
                f"since it was written); generate the folder again"
            )
        existing[table] = files
    return existing


def listed_files(manifest: Manifest) -> dict[str, list[str]]:
    """Per table, the part file names the manifest lists, in order."""
    return {
        table: [PART_TEMPLATE.format(number) for number in range(manifest.tables[table].files)]
        for table in TABLES
    }


def refuse_shard(raw: Path, manifest: Manifest, option: str = "--raw") -> None:
    """A shard of a sharded generation (``generate --shard I/N``) is part of a data set, not one."""
    if manifest.shard is not None:
        shard = f"{manifest.shard.get('index')}/{manifest.shard.get('count')}"
        raise ParameterError(
            f"{option} {raw} is shard {shard} of a sharded generation, not a whole data set; "
            f"join all shards first with 'plantledger generate --combine SHARD_DIR... --out DIR'"
        )


def check_raw_folder(raw: Path, manifest: Manifest, option: str = "--raw") -> dict[str, list[Path]]:
    """Every table's part files in ``raw``, in order, once the folder matches ``manifest``
    exactly (names, then sha256); ParameterError naming the first difference otherwise."""
    fix = (
        "move it out of the folder (the warehouse reads every file there) or generate the "
        "folder again"
    )
    refuse_shard(raw, manifest, option)
    missing_tables = [table for table in TABLES if table not in manifest.tables]
    if missing_tables:
        raise ParameterError(
            f"{option} {raw}: {MANIFEST_NAME} lists no table {', '.join(missing_tables)}; "
            f"generate the folder again with 'plantledger generate --out {raw}'"
        )
    allowed = {MANIFEST_NAME, *TABLES}
    for entry in sorted(raw.iterdir()):
        if entry.name not in allowed or (entry.name in TABLES and not entry.is_dir()):
            raise ParameterError(
                f"{option} {raw}: {entry.name} is not part of the data set its {MANIFEST_NAME} "
                f"describes; {fix}"
            )
    files: dict[str, list[Path]] = {}
    for table, names in listed_files(manifest).items():
        folder = raw / table
        if not folder.is_dir():
            raise ParameterError(
                f"{option} {raw} has no parquet files for table {table}; generate the folder "
                f"again with 'plantledger generate --out {raw}'"
            )
        present = {entry.name for entry in folder.iterdir()}
        extra = sorted(present - set(names))
        if extra:
            raise ParameterError(
                f"{option} {raw}: {table}/{extra[0]} is not listed in {MANIFEST_NAME} (table "
                f"{table} has {len(names)} part files, {PART_TEMPLATE.format(0)} to "
                f"{PART_TEMPLATE.format(max(len(names) - 1, 0))}); {fix}"
            )
        absent = [name for name in names if name not in present]
        if absent:
            raise ParameterError(
                f"{option} {raw}: {table}/{absent[0]} is listed in {MANIFEST_NAME} but missing; "
                f"generate the folder again with 'plantledger generate --out {raw}'"
            )
        paths = [folder / name for name in names]
        if hash_files(paths) != manifest.tables[table].sha256:
            raise ParameterError(
                f"{option} {raw}: the files of table {table} do not match the sha256 in "
                f"{MANIFEST_NAME} (a file was changed, truncated or replaced since it was "
                f"written); generate the folder again with 'plantledger generate --out {raw}'"
            )
        files[table] = paths
    return files


# --- recovery after a killed writer ------------------------------------------------------


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OverflowError, ValueError):
        return False
    return True


def remove_stale_siblings(out: Path) -> None:
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
        if pid == os.getpid() or pid_alive(pid):
            continue
        if kind == "old" and not out.exists() and (sibling / MANIFEST_NAME).is_file():
            os.replace(sibling, out)  # killed between the two renames: restore the old output
        else:
            shutil.rmtree(sibling, ignore_errors=True)


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
        if pid != os.getpid() and pid_alive(pid):
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
        if pid_text.isdigit() and (int(pid_text) == os.getpid() or not pid_alive(int(pid_text))):
            shutil.rmtree(tmp, ignore_errors=True)
    # manifests half-written by appends of earlier versions, which wrote them beside the folder's
    for tmp in out.glob(f"{MANIFEST_NAME}.tmp-*"):
        pid_text = tmp.name[len(MANIFEST_NAME) + len(".tmp-") :]
        if pid_text.isdigit() and (int(pid_text) == os.getpid() or not pid_alive(int(pid_text))):
            tmp.unlink(missing_ok=True)


def recover_raw(out: Path | str) -> None:
    """Bring the raw folder ``out`` back to what its manifest says after a killed writer: put
    back the previous output when ``generate`` was killed between its two renames (``out``
    missing, the old data in ``<out>.old-<pid>``), remove dead writers' temporary folders, and
    clear an unfinished append (:func:`recover_append`). Run under the folder's exclusive lock
    (:mod:`plantledger.rawlock`)."""
    out = normalise_out(out)
    remove_stale_siblings(out)
    if (out / MANIFEST_NAME).is_file():
        recover_append(out)
