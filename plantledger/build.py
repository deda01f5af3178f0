"""``plantledger build``: ``dbt build`` on a working copy, published only when everything passed.

Layout (``--warehouse``, default ``warehouse/plantledger.duckdb``):

    warehouse/plantledger.duckdb                 the published warehouse: what readers open
    warehouse/.build/plantledger.duckdb          the working copy dbt writes (.wal, .tmp/ beside)
    warehouse/.build/plantledger.duckdb.lock     one build of this warehouse at a time

A build:

1. takes the raw folder's lock, shared (:mod:`plantledger.rawlock`): no append or generation
   can change the folder while it runs, and one that runs is refused;
2. checks the folder against its manifest (:mod:`plantledger.rawfolder`) and, unless
   ``--full-refresh``, that it holds the generation the published warehouse was built from;
3. copies the published warehouse to the working copy (``--full-refresh``: starts empty),
   runs ``dbt build`` on it, and only when dbt exits 0 (every model and test passed) replaces the
   published file with it (``os.replace``, atomic). A failed or killed build leaves the published
   warehouse as it was; the next build starts again from it.

The working copy keeps the published file's name in another folder because DuckDB names the
database after the file: the views dbt creates name it, so the name must not change on publish.
"""

from __future__ import annotations

import argparse
import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from plantledger.params import ParameterError
from plantledger.rawfolder import MANIFEST_NAME, Manifest, check_raw_folder, recover_raw
from plantledger.rawlock import raw_lock
from plantledger.settings import (
    DEFAULT_RAW,
    DEFAULT_WAREHOUSE,
    DUCKDB_ENV,
    RAW_ENV,
    raw_folder,
    warehouse_file,
)

BUILD_FOLDER = ".build"
EXIT_FAILED = 1

# The generation a raw folder holds, as int_load_window records it (scale/seed/first day of
# load 0); the manifest's path is bound, and the two values are compared in SQL.
_GENERATION_SQL = """
with recorded as (
    select raw_generation as built_from from intermediate.int_load_window
),

raw_manifest as (
    select
        cast(parameters.scale as varchar) || '/' || cast(parameters.seed as varchar) || '/'
            || cast(loads[1].first_day as varchar) as raw_now
    from read_json_auto(?)
)

select built_from, raw_now, built_from is not distinct from raw_now as same
from recorded cross join raw_manifest
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--raw",
        default=None,
        metavar="DIR",
        help=f"the raw folder to build from (default: $PLANTLEDGER_RAW, else {DEFAULT_RAW})",
    )
    parser.add_argument(
        "--warehouse",
        default=None,
        metavar="FILE",
        help="the published warehouse file readers open (default: $PLANTLEDGER_DUCKDB, else "
        f"{DEFAULT_WAREHOUSE}); the build writes a copy in its folder's {BUILD_FOLDER}/",
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild everything from the raw folder, starting from an empty warehouse (after "
        "a regeneration)",
    )
    parser.add_argument(
        "--select",
        nargs="+",
        default=None,
        metavar="SELECTOR",
        help="passed to dbt build --select",
    )
    parser.add_argument(
        "dbt_args",
        nargs=argparse.REMAINDER,
        metavar="-- DBT_ARGS",
        help="further arguments for dbt build, after '--' (such as -- --vars '{...}')",
    )


@dataclass(frozen=True)
class BuildPaths:
    raw: Path
    published: Path
    folder: Path  # the working folder, <published folder>/.build

    @property
    def work(self) -> Path:
        return self.folder / self.published.name

    @property
    def lock(self) -> Path:
        return self.folder / f"{self.published.name}.lock"

    def side_files(self, database: Path) -> list[Path]:
        """DuckDB's files beside a database: its write-ahead log and its spill folder."""
        return [
            database.with_name(database.name + ".wal"),
            database.with_name(database.name + ".tmp"),
        ]


def _paths(args: argparse.Namespace) -> BuildPaths:
    raw = Path(os.path.abspath(args.raw or raw_folder()))
    given = args.warehouse or warehouse_file()
    published = Path(os.path.abspath(given))
    if published.is_dir():
        raise ParameterError(f"--warehouse {given} is a folder; give the DuckDB file's path")
    if published.suffix != ".duckdb":
        raise ParameterError(
            f"--warehouse {given} must be a .duckdb file (such as {DEFAULT_WAREHOUSE})"
        )
    if published == raw or raw in published.parents:
        raise ParameterError(
            f"--warehouse {given} lies inside the raw folder {raw}; the build never writes "
            f"into its input: choose a path outside it"
        )
    return BuildPaths(raw, published, published.parent / BUILD_FOLDER)


def _project_dir() -> Path:
    """The dbt project: the current folder when it holds one, else the package's repository."""
    here = Path.cwd()
    if (here / "dbt_project.yml").is_file():
        return here
    repo = Path(__file__).resolve().parents[1]
    if (repo / "dbt_project.yml").is_file():
        return repo
    raise ParameterError(
        "no dbt project here (dbt_project.yml); run plantledger build from the repository root"
    )


def _dbt_executable() -> str:
    local = Path(sys.executable).with_name("dbt")
    if local.exists():
        return str(local)
    found = shutil.which("dbt")
    if found is None:
        raise ParameterError("dbt is not installed in this environment; run `make venv`")
    return found


def _read_manifest(raw: Path) -> Manifest:
    generate = f"generate it with 'plantledger generate --out {raw}' (or `make run`)"
    if not (raw / MANIFEST_NAME).is_file():
        raise ParameterError(f"raw data not found at {raw} (no {MANIFEST_NAME}); {generate}")
    try:
        return Manifest.load(raw)
    except (ValueError, KeyError, TypeError) as exc:
        raise ParameterError(
            f"--raw {raw}: {MANIFEST_NAME} is not a plantledger manifest ({type(exc).__name__}: "
            f"{exc}); {generate}"
        ) from None


def _connect_published(paths: BuildPaths) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(paths.published), read_only=True)
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ParameterError(
            f"cannot open the published warehouse {paths.published} ({first}); if another "
            f"program writes it (a plain dbt build), wait for it, else rebuild with --full-refresh"
        ) from None


def check_generation(paths: BuildPaths) -> None:
    """Refuse a raw folder that holds another generation than the published warehouse."""
    con = _connect_published(paths)
    try:
        recorded = con.execute(
            "select count(*) from duckdb_columns() where schema_name = 'intermediate' "
            "and table_name = 'int_load_window' and column_name = 'raw_generation'"
        ).fetchone()
        if not recorded or recorded[0] == 0:
            return  # nothing to continue: the build starts every model afresh
        built_from, raw_now, same = con.execute(
            _GENERATION_SQL, [str(paths.raw / MANIFEST_NAME)]
        ).fetchone() or (None, None, False)
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ParameterError(
            f"cannot compare the generation of {paths.raw} with the warehouse "
            f"{paths.published} ({first}); rebuild with 'plantledger build --full-refresh'"
        ) from None
    finally:
        con.close()
    if not same:
        raise ParameterError(
            f"the warehouse {paths.published} was built from another generation ({built_from}, "
            f"scale/seed/first day) than {paths.raw} holds ({raw_now}): a plain build only "
            f"continues appends; run 'plantledger build --full-refresh' (nothing was changed)"
        )


@contextmanager
def _warehouse_lock(paths: BuildPaths) -> Iterator[int]:
    paths.folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(paths.lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            raise ParameterError(
                f"another plantledger build of {paths.published} is running (lock file "
                f"{paths.lock}); wait until it has finished"
            ) from None
        yield fd
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _discard_work(paths: BuildPaths) -> None:
    for path in (paths.work, *paths.side_files(paths.work)):
        _remove(path)


def _prepare_work(paths: BuildPaths, full_refresh: bool) -> float:
    """The working copy: the published warehouse, or nothing for a full refresh; seconds."""
    started = time.perf_counter()
    _discard_work(paths)  # what a killed build left
    if not full_refresh and paths.published.is_file():
        wal = paths.side_files(paths.published)[0]
        if wal.exists():  # written by a plain dbt build that did not finish: carry it over
            shutil.copyfile(wal, paths.side_files(paths.work)[0])
        shutil.copyfile(paths.published, paths.work)
    return time.perf_counter() - started


def _checkpoint(database: Path) -> None:
    """Fold a write-ahead log into the database file, so the file alone is the warehouse."""
    con = duckdb.connect(str(database))
    try:
        con.execute("checkpoint")
    finally:
        con.close()


def _publish(paths: BuildPaths) -> float:
    """Replace the published warehouse by the working copy, atomically; seconds."""
    started = time.perf_counter()
    wal, spill = paths.side_files(paths.work)
    if wal.exists():
        _checkpoint(paths.work)
    _remove(spill)
    with paths.work.open("rb+") as handle:
        os.fsync(handle.fileno())
    # the old file's log, if a plain dbt build left one, would be replayed on the new file
    paths.side_files(paths.published)[0].unlink(missing_ok=True)
    os.replace(paths.work, paths.published)
    folder = os.open(paths.published.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return time.perf_counter() - started


def _run_dbt(
    paths: BuildPaths, args: argparse.Namespace, project: Path, locks: tuple[int, ...]
) -> int:
    """Run dbt build on the working copy; it inherits the locks (``locks``), so they stay held
    while it runs even if this process is killed."""
    command = [_dbt_executable(), "build", "--project-dir", str(project)]
    if args.full_refresh:
        command.append("--full-refresh")
    if args.select:
        command += ["--select", *args.select]
    extra = list(args.dbt_args or [])
    if extra[:1] == ["--"]:
        extra = extra[1:]
    command += extra
    env = dict(
        os.environ,
        **{RAW_ENV: str(paths.raw), DUCKDB_ENV: str(paths.work)},
        DBT_PROFILES_DIR=os.environ.get("DBT_PROFILES_DIR") or str(project),
    )
    proc = subprocess.Popen(command, env=env, pass_fds=locks)
    try:
        return proc.wait()
    finally:
        if proc.poll() is None:  # interrupted: stop dbt before the working copy is removed
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_from_args(args: argparse.Namespace) -> int:
    paths = _paths(args)
    project = _project_dir()
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        with raw_lock(paths.raw, "a build", shared=True, recover=recover_raw) as raw_fd:
            manifest = _read_manifest(paths.raw)
            check_raw_folder(paths.raw, manifest)
            with _warehouse_lock(paths) as build_fd:
                locks = tuple(fd for fd in (raw_fd, build_fd) if fd is not None)
                if not args.full_refresh and paths.published.is_file():
                    check_generation(paths)
                try:
                    copy_seconds = _prepare_work(paths, args.full_refresh)
                    code = _run_dbt(paths, args, project, locks)
                    if code != 0:
                        print(
                            f"plantledger: build failed (dbt exit code {code}); the published "
                            f"warehouse {paths.published} is unchanged",
                            file=sys.stderr,
                        )
                        return code if code > 0 else EXIT_FAILED
                    replace_seconds = _publish(paths)
                finally:
                    _discard_work(paths)
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(
        f"Published {paths.published} (working copy {copy_seconds:.2f} s, publish "
        f"{replace_seconds:.2f} s)",
        file=sys.stderr,
    )
    return 0
