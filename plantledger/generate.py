"""``plantledger generate``: write the raw data set, or continue it with daily loads.

A new data set: the generator's pieces (:mod:`plantledger.generator`), faults injected on request
(:mod:`plantledger.faults`), written under the raw folder's lock (:func:`plantledger.writer.
write_raw`). With ``--append-days N`` the command is :mod:`plantledger.append_command`'s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator

import polars as pl

from plantledger.errors import PROG, UsageError, os_reason, write_reason
from plantledger.params import (
    GenerationParams,
    ParameterError,
    check_folder_path,
    parse_end_date,
    parse_scale,
    parse_seed,
)
from plantledger.settings import DEFAULT_RAW

DEFAULT_SCALE = "1"
DEFAULT_SEED = "42"
GENERATE_EPILOG = """\
daily loads: 'plantledger generate --out DIR --append-days N' continues the raw folder DIR with
the next N days (load 1, 2, ... after the initial load 0): new files in the table folders, new
versions of the rows whose state changed (same id, the load's load_id), a few events up to 3
days late (--late-days D: up to D days), and the manifest's end_date and loads updated last.
Scale and seed come from the manifest; the same folder and N (and D) always give the same new
files.

shards: 'plantledger generate --shard I/N --out SHARD_I' (same --scale, --seed and --end-date
on every machine) writes shard I of N; 'plantledger generate --combine SHARD_0 ... --out DIR'
checks the N shard folders form one generation and writes DIR, the same files as a single run.
N may be at most the plan's shard count (1 up to scale 1, about one per unit of scale)."""


def generate_pieces(params: GenerationParams) -> Iterator[tuple[str, pl.DataFrame]]:
    """The generator's pieces; imported on first use, after the output folder was checked."""
    from plantledger.generator import generate_tables

    yield from generate_tables(params)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = GENERATE_EPILOG
    parser.add_argument(
        "--scale",
        default=None,
        metavar="S",
        help=f"volume factor: 1 = the plan's volumes, 0.01 for tests (default: {DEFAULT_SCALE})",
    )
    parser.add_argument(
        "--seed",
        default=None,
        metavar="N",
        help="random seed; same seed and parameters give identical files "
        f"(default: {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--end-date",
        default=None,
        metavar="YYYY-MM-DD",
        help="last day of the two-year history (default: today)",
    )
    parser.add_argument(
        "--out",
        default=DEFAULT_RAW,
        metavar="DIR",
        help="output folder, created or replaced as a whole; with --append-days the folder "
        f"to continue (default: {DEFAULT_RAW})",
    )
    parser.add_argument(
        "--faults",
        default=None,
        metavar="SPEC",
        help="corrupt rows on purpose and record it in the manifest: a rate such as 0.01 (every "
        "fault kind), 'all' (every kind at 0.01), or kinds such as "
        "duplicate_events,bad_quantity=0.05 (see docs/faults.md)",
    )
    parser.add_argument(
        "--append-days",
        default=None,
        metavar="N",
        help="append the next N days to the existing raw folder --out instead of generating "
        "it anew (scale, seed and end date come from its manifest; see below)",
    )
    parser.add_argument(
        "--late-days",
        default=None,
        metavar="D",
        help="with --append-days: date late events up to D days before the new days "
        "(default: 3, the warehouse's lookback; older ones are restated by a plain dbt build)",
    )
    parser.add_argument(
        "--shard",
        default=None,
        metavar="I/N",
        help="write only shard I (0 to N-1) of N into --out, to be joined with --combine",
    )
    parser.add_argument(
        "--combine",
        default=None,
        nargs="+",
        metavar="SHARD_DIR",
        help="write --out from the folders of all N shards (--shard I/N) of one generation",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")


def run_from_args(args: argparse.Namespace) -> int:
    from plantledger.rawlock import raw_lock
    from plantledger.writer import NullProgress, check_output, write_raw

    if args.append_days is not None:
        if args.shard is not None or args.combine is not None:
            raise UsageError(
                "--append-days continues a whole data set; append to the folder --combine "
                "wrote, not with --shard or --combine"
            )
        from plantledger.append_command import run_from_args as run_append

        return run_append(args)
    if args.combine is not None:
        return _run_combine(args)
    if args.late_days is not None:
        raise UsageError(
            "--late-days dates the late events of an append; use it with --append-days N "
            f"(see '{PROG} generate --help')"
        )
    part = None
    if args.shard is not None:
        from plantledger.generator.shards import parse_shard

        if args.faults is not None:
            raise UsageError(
                "--faults corrupts a whole data set; inject faults in a single run, not in a "
                "--shard"
            )
        part = parse_shard(args.shard)
    faults = None
    if args.faults is not None:
        from plantledger.faults import parse_faults

        faults = parse_faults(args.faults)
    end_date = dt.date.today() if args.end_date is None else parse_end_date(args.end_date)
    params = GenerationParams(
        scale=parse_scale(args.scale if args.scale is not None else DEFAULT_SCALE),
        seed=parse_seed(args.seed if args.seed is not None else DEFAULT_SEED),
        end_date=end_date,
        out=check_folder_path(args.out, "--out"),
    )
    try:
        check_output(params.out)
    except OSError as exc:
        raise ParameterError(
            f"cannot create the --out folder {args.out}: {os_reason(exc)}; "
            f"choose a folder you can write to"
        ) from None
    if args.quiet:
        progress = NullProgress()
    else:
        from plantledger.progress import RichProgress

        progress = RichProgress()
    shard_record = None
    if part is None:
        pieces = generate_pieces(params)
    else:
        from plantledger.generator.shards import shard_generation

        pieces, shard_record = shard_generation(params, part)
    record = None
    if faults is not None:
        from plantledger.faults import inject_faults

        pieces, injector = inject_faults(pieces, faults, params)
        record = injector.record
    try:
        with raw_lock(params.out, "a generate"):
            manifest = write_raw(params, pieces, progress, faults=record, shard=shard_record)
    except (OSError, pl.exceptions.PolarsError) as exc:
        # polars reports a full disk while writing parquet as a ComputeError, not an OSError
        raise ParameterError(
            f"writing to --out {args.out} failed: {write_reason(exc)}; check the folder is "
            f"writable and the disk has free space (the previous output, if any, is unchanged)"
        ) from None
    if manifest.faults is not None and not args.quiet:
        kinds = manifest.faults["kinds"]
        done = ", ".join(f"{kind} {entry['count']}" for kind, entry in kinds.items())
        print(f"Injected faults ({done}); see 'faults' in the manifest", file=sys.stderr)
    return 0


def _run_combine(args: argparse.Namespace) -> int:
    given = [
        option
        for option, value in (
            ("--scale", args.scale),
            ("--seed", args.seed),
            ("--end-date", args.end_date),
            ("--faults", args.faults),
            ("--shard", args.shard),
            ("--late-days", args.late_days),
        )
        if value is not None
    ]
    if given:
        raise UsageError(
            f"--combine takes the parameters from the shards' manifests; leave out "
            f"{', '.join(given)}"
        )
    from plantledger.combine import combine
    from plantledger.writer import NullProgress

    folders = [check_folder_path(folder, "--combine") for folder in args.combine]
    out = check_folder_path(args.out, "--out")
    if args.quiet:
        progress = NullProgress()
    else:
        from plantledger.progress import RichProgress

        progress = RichProgress()
    try:
        combine(out, folders, progress)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise ParameterError(
            f"combining into --out {args.out} failed: {write_reason(exc)}; check the shard "
            f"folders are readable, --out writable and the disk has free space"
        ) from None
    return 0
