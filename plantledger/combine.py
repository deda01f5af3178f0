"""``plantledger generate --combine SHARD_DIR... --out DIR``: one raw folder from all shards.

The folders of ``plantledger generate --shard I/N`` (:mod:`plantledger.generator.shards`) are
checked as a set: every one a shard folder whose files match its manifest, all of the same
generation (parameters, generator version, N, plan), each shard exactly once, the master tables
the same in all. Then the raw folder is written like a single run's (:func:`plantledger.writer.
write_raw`, atomically, under the output's lock): the master tables from shard 0, each sharded
table's part files in plan order (plan shard k is part k of shard k mod N's folder), and the
inventory summary built from the shards' stock. The result is byte-identical to a single run
with the same parameters (the same frames written the same way), so its manifest is too.

Any bad set is one line and exit 2; the output may not be, or lie inside, a shard folder (and
no shard folder inside it): outputs never overwrite inputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import polars as pl

import plantledger
from plantledger.generator.ledger import build_inventory
from plantledger.generator.operations import SHARDED_TABLES
from plantledger.generator.shards import STOCK_COLUMNS
from plantledger.params import GenerationParams, ParameterError
from plantledger.rawfolder import (
    MANIFEST_NAME,
    Manifest,
    check_files,
    normalise_out,
    recover_raw,
)
from plantledger.schema import TABLES, cast_to_contract
from plantledger.writer import Progress, check_output, write_raw

_GIVE = "give the folders of all N shards of one 'plantledger generate --shard I/N' run"


@dataclass(frozen=True)
class ShardFolder:
    path: Path
    manifest: Manifest
    files: dict[str, list[Path]]

    @property
    def index(self) -> int:
        return int(self.manifest.shard["index"]) if self.manifest.shard else -1

    @property
    def label(self) -> str:
        shard = self.manifest.shard or {}
        return f"{self.path} (shard {shard.get('index')}/{shard.get('count')})"

    def identity(self) -> tuple[object, ...]:
        """What must be the same in every shard of one generation."""
        shard = self.manifest.shard or {}
        return (
            self.manifest.format,
            self.manifest.generator_version,
            self.manifest.parameters,
            shard.get("count"),
            shard.get("plan_shard_count"),
        )


def read_shard(path: Path) -> ShardFolder:
    """A shard folder, its manifest checked for a shard section and its files against it."""
    if not (path / MANIFEST_NAME).is_file():
        raise ParameterError(
            f"--combine {path} is not a shard folder (no {MANIFEST_NAME}); {_GIVE}"
        )
    try:
        manifest = Manifest.load(path)
        shard = manifest.shard
        if shard is not None:
            index, count = int(shard["index"]), int(shard["count"])
            plan = [int(k) for k in shard["plan_shards"]]
            plan_count = int(shard["plan_shard_count"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ParameterError(
            f"--combine {path}: {MANIFEST_NAME} is damaged ({type(exc).__name__}: {exc}); "
            f"generate the shard again"
        ) from None
    if shard is None:
        raise ParameterError(
            f"--combine {path} is a whole data set, not a shard (its {MANIFEST_NAME} has no "
            f"shard section); {_GIVE}"
        )
    if (
        manifest.faults is not None
        or not 0 <= index < count
        or plan != [k for k in range(plan_count) if k % count == index]
    ):
        raise ParameterError(
            f"--combine {path}: its {MANIFEST_NAME} shard section is not that of "
            f"'plantledger generate --shard {index}/{count}'; generate the shard again"
        )
    try:
        files = check_files(path, manifest)
    except ParameterError as exc:
        raise ParameterError(f"--combine: {exc}") from None
    for table in SHARDED_TABLES:
        if len(files[table]) != len(plan):
            raise ParameterError(
                f"--combine {path}: table {table} has {len(files[table])} part files for "
                f"{len(plan)} plan shards; generate the shard again"
            )
    return ShardFolder(path, manifest, files)


def check_shard_set(shards: Sequence[ShardFolder]) -> list[ShardFolder]:
    """The shards ordered by index, once they form one complete generation."""
    first = shards[0]
    for other in shards[1:]:
        if other.identity() != first.identity():
            raise ParameterError(
                f"--combine: {first.label} and {other.label} are not of one generation "
                f"(parameters, generator version or N differ); {_GIVE}"
            )
    by_index: dict[int, ShardFolder] = {}
    for shard in shards:
        if shard.index in by_index:
            raise ParameterError(
                f"--combine: shard {shard.index} is given twice ({by_index[shard.index].path} "
                f"and {shard.path}); give each shard once"
            )
        by_index[shard.index] = shard
    count = int((first.manifest.shard or {})["count"])
    missing = [f"{i}/{count}" for i in range(count) if i not in by_index]
    if missing:
        raise ParameterError(
            f"--combine: shard {', '.join(missing)} missing (given {len(shards)} of {count}); "
            f"{_GIVE}"
        )
    ordered = [by_index[i] for i in range(count)]
    if first.manifest.generator_version != plantledger.__version__:
        raise ParameterError(
            f"--combine: the shards were written by generator {first.manifest.generator_version}"
            f", this is {plantledger.__version__} (it builds the inventory summary); combine "
            f"with the version that generated them"
        )
    for shard in ordered[1:]:
        for table in TABLES:
            if table in SHARDED_TABLES or table == "inventory":
                continue
            if shard.manifest.tables[table].sha256 != first.manifest.tables[table].sha256:
                raise ParameterError(
                    f"--combine: the master table {table} of {shard.label} differs from that "
                    f"of {ordered[0].label}; {_GIVE}"
                )
    return ordered


def _check_paths(out: Path, inputs: Sequence[Path]) -> None:
    for path in inputs:
        if out == path or path in out.parents or out in path.parents:
            raise ParameterError(
                f"--out {out} is or contains or lies inside the shard folder {path}; the "
                f"combined folder must be a new folder apart from its inputs"
            )


def _params(manifest: Manifest, out: Path) -> GenerationParams:
    parameters = manifest.parameters
    return GenerationParams(
        scale=float(parameters["scale"]),
        seed=int(parameters["seed"]),
        end_date=dt.date.fromisoformat(parameters["end_date"]),
        out=out,
    )


def combined_pieces(
    params: GenerationParams, shards: list[ShardFolder]
) -> Iterator[tuple[str, pl.DataFrame]]:
    """The pieces of the single run: master tables, sharded tables in plan order, inventory."""
    count = len(shards)
    plan_count = int((shards[0].manifest.shard or {})["plan_shard_count"])
    for table in TABLES:
        if table in SHARDED_TABLES or table == "inventory":
            continue
        for path in shards[0].files[table]:
            yield table, pl.read_parquet(path)
    for k in range(plan_count):
        for table in SHARDED_TABLES:
            yield table, pl.read_parquet(shards[k % count].files[table][k // count])
    stock = [
        pl.read_parquet(path, columns=list(STOCK_COLUMNS))
        for shard in shards
        for path in shard.files["inventory"]
    ]
    parts = pl.concat(
        [
            pl.read_parquet(path, columns=["id", "min_stock_level"])
            for path in shards[0].files["parts"]
        ]
    )
    inventory = build_inventory(params, {"parts": parts}, stock)
    yield "inventory", cast_to_contract("inventory", inventory, load_id=0)


def combine(
    out: Path | str, folders: Sequence[Path | str], progress: Progress | None = None
) -> Manifest:
    """Write the raw folder ``out`` from the shard ``folders``; return its manifest."""
    from plantledger.rawlock import raw_lock

    target = normalise_out(out)
    inputs = [normalise_out(folder) for folder in folders]
    _check_paths(target, inputs)
    for path in inputs:
        if not path.is_dir():
            raise ParameterError(f"--combine {path} is not a folder; {_GIVE}")
    check_output(target)
    with ExitStack() as locks:
        for path in dict.fromkeys(inputs):
            locks.enter_context(raw_lock(path, "a combine", shared=True, recover=recover_raw))
        shards = check_shard_set([read_shard(path) for path in inputs])
        params = _params(shards[0].manifest, target)
        locks.enter_context(raw_lock(target, "a generate --combine"))
        return write_raw(params, combined_pieces(params, shards), progress)
