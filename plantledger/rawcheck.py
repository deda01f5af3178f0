"""The manifest is the contract: a raw folder holds exactly the files its manifest lists.

``plantledger validate`` and ``plantledger build`` call :func:`check_raw_folder` before they
read anything. A table with ``files: n`` in ``_manifest.json`` is the files ``part-00000.parquet``
to ``part-<n-1>.parquet`` in its folder, and their bytes in order hash to its ``sha256``. The
folder itself holds the manifest and the tables' folders, nothing else. Refused, one line each:

- a file or folder the manifest does not list (``part-00000 (copy).parquet``, parts of an
  append that never committed, stray files): the warehouse would read it;
- a listed part file that is missing;
- a table whose files do not hash to the manifest's sha256 (changed, truncated, replaced);
- a shard folder of ``plantledger generate --shard I/N`` (its manifest has a ``shard`` section):
  it holds part of a data set; ``generate --combine`` joins the shards into one.

Every file is hashed on every check: about 0.2 s for the 80 MB of a scale-1 folder, far below
the cost of the build it protects (README, "What an operator may do concurrently and what is
refused").
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from plantledger.params import ParameterError
from plantledger.schema import TABLES
from plantledger.writer import MANIFEST_NAME, PART_TEMPLATE, Manifest

_CHUNK = 1 << 20


def listed_files(manifest: Manifest) -> dict[str, list[str]]:
    """Per table, the part file names the manifest lists, in order."""
    return {
        table: [PART_TEMPLATE.format(number) for number in range(manifest.tables[table].files)]
        for table in TABLES
    }


def _sha256(paths: list[Path]) -> str:
    hasher = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                hasher.update(chunk)
    return hasher.hexdigest()


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
        if _sha256(paths) != manifest.tables[table].sha256:
            raise ParameterError(
                f"{option} {raw}: the files of table {table} do not match the sha256 in "
                f"{MANIFEST_NAME} (a file was changed, truncated or replaced since it was "
                f"written); generate the folder again with 'plantledger generate --out {raw}'"
            )
        files[table] = paths
    return files
