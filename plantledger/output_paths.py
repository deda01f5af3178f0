"""Outputs never replace inputs: checks of an output path, made before any work starts.

A command that writes a file (``report --output``, ``bench --markdown``) or replaces a folder
(``validate --docs``) names what it reads as :class:`Input`; :func:`check_output_file` and
:func:`check_output_folder` refuse, with one ``ParameterError`` line, an output that is (after
resolving symlinks and relative parts) one of those inputs, lies inside an input folder, or holds
one; an existing DuckDB database; a folder where a file is wanted; or a place that cannot be
written. Free disk space cannot be promised ahead; writers clean up after an ``OSError``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from plantledger.params import ParameterError
from plantledger.settings import raw_folder

DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


@dataclass(frozen=True)
class Input:
    """Something a command reads: a file, or a folder with everything inside it."""

    label: str  # how the message names it, such as 'the warehouse'
    path: Path
    is_folder: bool = False


def raw_folder_input() -> Input:
    """The raw folder dbt builds from: $PLANTLEDGER_RAW, else data/raw (plantledger.settings)."""
    return Input("the raw folder", raw_folder(), True)


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _is_duckdb(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(12)[8:12] == DUCKDB_MAGIC
    except OSError:
        return False


def _writable_folder(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def _clash(target: Path, inputs: Sequence[Input], option: str, text: str) -> None:
    for entry in inputs:
        source = _resolved(entry.path)
        same = target == source or (
            target.exists() and source.exists() and os.path.samefile(target, source)
        )
        if same or (entry.is_folder and _inside(target, source)):
            where = "is" if same else "is inside"
            raise ParameterError(
                f"{option} {text} {where} {entry.label} ({entry.path}), which this command "
                "reads; outputs never replace inputs: choose another path"
            )


def check_output_file(
    text: str | None, option: str, inputs: Sequence[Input] = (), create_parents: bool = False
) -> Path:
    """The file ``text`` given to ``option``, checked to be a new or replaceable output file
    (``create_parents``: its folder may be missing if the nearest existing one is writable)."""
    if text is None or not text.strip():
        raise ParameterError(f"{option} is empty: give a file path")
    target = _resolved(Path(text))
    _clash(target, inputs, option, text)
    if target.is_dir():
        raise ParameterError(f"{option} {text} is a folder: give a file path")
    if target.exists() and _is_duckdb(target):
        raise ParameterError(
            f"{option} {text} is a DuckDB database, which is never overwritten: choose another path"
        )
    folder = target.parent
    while create_parents and not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise ParameterError(f"{option}: the folder {folder} does not exist; create it")
    if not _writable_folder(folder) or (target.exists() and not os.access(target, os.W_OK)):
        raise ParameterError(f"{option} {text} cannot be written (no permission): choose a path")
    return target


def check_output_folder(text: str, option: str, inputs: Sequence[Input] = ()) -> Path:
    """The folder ``text`` given to ``option`` (replaced as a whole): neither an input, nor inside
    one, nor holding one; its nearest existing parent writable."""
    if not text.strip():
        raise ParameterError(f"{option} is empty: give a folder path")
    target = _resolved(Path(text))
    _clash(target, inputs, option, text)
    for entry in inputs:
        if _inside(_resolved(entry.path), target):
            raise ParameterError(
                f"{option} {text} holds {entry.label} ({entry.path}), which this command reads; "
                "it is replaced as a whole, so choose another folder"
            )
    if target.exists() and not target.is_dir():
        raise ParameterError(f"{option} {text} is an existing file: give a folder path")
    existing = target.parent
    while not existing.exists():
        existing = existing.parent
    if not _writable_folder(existing):
        raise ParameterError(
            f"{option} {text} cannot be written ({existing} is not a writable folder): choose a "
            "folder you can write to"
        )
    return target
