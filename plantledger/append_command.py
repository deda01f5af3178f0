"""``plantledger generate --append-days N``: add the next N days to an existing raw folder.

This module is that command: its options checked (:func:`run_from_args`), the folder's manifest
read and checked, the load simulated and written under the folder's lock, one line described.

The folder must have been written by this generator (its ``_manifest.json`` of format
:data:`plantledger.rawfolder.MANIFEST_FORMAT`, with the contract's columns and a ``loads`` list).
Scale and seed come from the manifest; the new days start the day after its ``end_date``. The
simulation (:mod:`plantledger.generator.daily`) reads the state the folder leaves and writes
the load's rows as new part files (:func:`plantledger.writer.append_raw`); the manifest gets the
new ``end_date`` and a new entry in ``loads``. Appending is deterministic: the same folder and
the same N give byte-identical new files (every random stream is named after the load id).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from plantledger.errors import PROG, UsageError, write_reason
from plantledger.params import (
    LATEST_END_DATE,
    GenerationParams,
    ParameterError,
    check_folder_path,
)
from plantledger.rawfolder import (
    MANIFEST_FORMAT,
    MANIFEST_NAME,
    Manifest,
    RawFolder,
    normalise_out,
    recover_raw,
)
from plantledger.schema import RAW_SCHEMAS, TABLES
from plantledger.writer import append_raw, load_entry

MAX_APPEND_DAYS = 366


def parse_append_days(text: str) -> int:
    """Parse ``--append-days``: a whole number of days, at least 1."""
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = 0
    if value < 1 or value > MAX_APPEND_DAYS:
        raise ParameterError(
            f"--append-days must be a whole number of days from 1 to {MAX_APPEND_DAYS} such as "
            f"1, got {text!r}"
        )
    return value


def parse_late_days(text: str) -> int:
    """Parse ``--late-days``: the most days before the new days a late event may be dated."""
    from plantledger.generator.daily import MAX_LATE_DAYS

    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = 0
    if value < 1 or value > MAX_LATE_DAYS:
        raise ParameterError(
            f"--late-days must be a whole number of days from 1 to {MAX_LATE_DAYS} such as 30, "
            f"got {text!r}"
        )
    return value


def read_manifest(out: Path) -> Manifest:
    """The manifest of the raw folder ``out``, checked to be one this generator can continue."""
    regenerate = f"generate it first with 'plantledger generate --out {out}'"
    if not out.is_dir():
        raise ParameterError(f"--out {out} is not a raw data folder to append to; {regenerate}")
    path = out / MANIFEST_NAME
    if not path.is_file():
        raise ParameterError(
            f"--out {out} has no {MANIFEST_NAME}, so it is not a raw data set written by "
            f"plantledger generate; {regenerate}"
        )
    try:
        manifest = Manifest.load(path)
        dt.date.fromisoformat(manifest.parameters["end_date"])
        float(manifest.parameters["scale"])
        int(manifest.parameters["seed"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ParameterError(
            f"--out {out}: {MANIFEST_NAME} is not a plantledger manifest "
            f"({type(exc).__name__}: {exc}); {regenerate}"
        ) from None
    columns = {t: {c: str(d) for c, d in RAW_SCHEMAS[t].items()} for t in TABLES}
    if (
        manifest.format != MANIFEST_FORMAT
        or not manifest.loads
        or set(manifest.tables) != set(TABLES)
        or any(manifest.tables[t].columns != columns[t] for t in TABLES)
    ):
        raise ParameterError(
            f"--out {out} was written by another version of the generator (manifest format "
            f"{manifest.format}, this one writes {MANIFEST_FORMAT} with load_id columns and "
            f"loads); generate it again with 'plantledger generate --out {out}'"
        )
    if manifest.faults:
        raise ParameterError(
            f"--out {out} holds injected faults ('faults' in {MANIFEST_NAME}): an append "
            f"continues the state of clean data only; generate a folder without --faults to "
            f"append to"
        )
    if manifest.shard is not None:
        from plantledger.rawfolder import refuse_shard

        refuse_shard(out, manifest, "--out")
    return manifest


@dataclass(frozen=True)
class AppendSummary:
    manifest: Manifest
    load: dict
    seconds: float


def append_days(out: Path | str, days: int, late_days: int | None = None) -> AppendSummary:
    """Append ``days`` days to the raw folder ``out``; return the new manifest and load entry.
    ``late_days``: late events are dated up to that many days before the new days (default
    ``LATE_DAYS``; another value is recorded as the load entry's ``late_days``)."""
    import time

    from plantledger.generator.daily import LATE_DAYS, Window, simulate_append
    from plantledger.generator.state import read_state

    started = time.perf_counter()
    out = normalise_out(out)
    recover_raw(out)  # a generate killed between its two renames: its previous output back
    folder = RawFolder.open(out, read_manifest(out))  # opened once: manifest and files checked
    manifest = folder.manifest
    params = GenerationParams(
        scale=float(manifest.parameters["scale"]),
        seed=int(manifest.parameters["seed"]),
        end_date=dt.date.fromisoformat(manifest.parameters["end_date"]),
        out=out,
    )
    load_id = max(int(load["load_id"]) for load in manifest.loads) + 1
    first = params.end_date + dt.timedelta(days=1)
    last = params.end_date + dt.timedelta(days=days)
    late = LATE_DAYS if late_days is None else late_days
    window = Window(load_id=load_id, first_day=first, last_day=last, late_days=late)
    result = simulate_append(params, read_state(folder, last), window)
    entry = load_entry(load_id, "append", first, last, {}, late_events=result.late_events)
    if late != LATE_DAYS:
        entry["late_days"] = late
    parameters = {**manifest.parameters, "end_date": last.isoformat()}
    pieces = ((table, result.tables[table]) for table in TABLES)
    new = append_raw(folder, pieces, parameters=parameters, load=entry)
    return AppendSummary(new, new.loads[-1], time.perf_counter() - started)


def describe(summary: AppendSummary) -> str:
    """One line for the terminal: the load, its days and what it added."""
    load = summary.load
    rows = sum(load["rows"].values())
    return (
        f"Appended load {load['load_id']}: {load['first_day']} to {load['last_day']} "
        f"({load['days']} day{'s' if load['days'] != 1 else ''}), {rows:,} rows, "
        f"{load['late_events']} late events, in {summary.seconds:.1f} s; "
        f"end_date is now {summary.manifest.parameters['end_date']}"
    )


# --- the command --------------------------------------------------------------------------------


def run_from_args(args: argparse.Namespace) -> int:
    """``generate --append-days``: the options of ``generate`` (:mod:`plantledger.generate`)."""
    from plantledger.rawlock import raw_lock

    given = [
        option
        for option, value in (
            ("--scale", args.scale),
            ("--seed", args.seed),
            ("--end-date", args.end_date),
            ("--faults", args.faults),
        )
        if value is not None
    ]
    if given:
        raise UsageError(
            f"--append-days continues the folder with the scale, seed and end date of its "
            f"manifest; leave out {', '.join(given)} (see '{PROG} generate --help')"
        )
    days = parse_append_days(args.append_days)
    late_days = None if args.late_days is None else parse_late_days(args.late_days)
    out = check_folder_path(args.out, "--out")
    _check_append_end(out, days)
    try:
        with raw_lock(out, "an append"):
            summary = append_days(out, days, late_days)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise ParameterError(
            f"appending to --out {args.out} failed: {write_reason(exc)}; check the folder is "
            f"writable and the disk has free space (the folder is as it was before)"
        ) from None
    if not args.quiet:
        print(describe(summary), file=sys.stderr)
    return 0


def _check_append_end(out: Path, days: int) -> None:
    """The history after the append must still fit dim_date (params.LATEST_END_DATE)."""
    try:
        end_date = dt.date.fromisoformat(Manifest.load(out).parameters["end_date"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return  # not a usable raw folder: append_days says so in its own words
    new_end = end_date + dt.timedelta(days=days)
    if new_end > LATEST_END_DATE:
        raise ParameterError(
            f"--append-days {days} would end the history on {new_end}, after {LATEST_END_DATE}, "
            "beyond what the warehouse calendar (dim_date, vars in dbt_project.yml) holds with "
            "the planned dates; append fewer days, or widen dim_date and params.DIM_DATE_END"
        )
