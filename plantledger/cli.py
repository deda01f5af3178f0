"""The ``plantledger`` command line.

Every user error ends as exactly one line on stderr, ``plantledger: error: <what and what to
do>``, with exit code 2 and no traceback. Subcommands are registered in ``COMMANDS``: a name, a
function adding its arguments and a handler returning the exit code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import polars as pl

import plantledger
from plantledger.params import (
    LATEST_END_DATE,
    GenerationParams,
    ParameterError,
    check_folder_path,
    parse_end_date,
    parse_scale,
)

PROG = "plantledger"
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Bad command-line usage; the message is shown as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors follow the one-line ``plantledger: error: ...`` format."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def parse_seed(text: str) -> int:
    """Parse ``--seed``: a non-negative integer."""
    try:
        value = int(text)
    except ValueError:
        raise ParameterError(
            f"--seed must be a non-negative integer such as 42, got {text!r}"
        ) from None
    if value < 0:
        raise ParameterError(f"--seed must be a non-negative integer such as 42, got {value}")
    return value


# --- generate ---------------------------------------------------------------------------------


def generate_pieces(params: GenerationParams) -> Iterator[tuple[str, pl.DataFrame]]:
    """The generator's pieces; imported on first use, after the output folder was checked."""
    from plantledger.generator import generate_tables

    yield from generate_tables(params)


DEFAULT_SCALE = "1"
DEFAULT_SEED = "42"
GENERATE_EPILOG = """\
daily loads: 'plantledger generate --out DIR --append-days N' continues the raw folder DIR with
the next N days (load 1, 2, ... after the initial load 0): new files in the table folders, new
versions of the rows whose state changed (same id, the load's load_id), a few events up to 3
days late (--late-days D: up to D days), and the manifest's end_date and loads updated last.
Scale and seed come from the manifest; the same folder and N (and D) always give the same new
files."""


def _add_generate(parser: argparse.ArgumentParser) -> None:
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
        default="data/raw",
        metavar="DIR",
        help="output folder, created or replaced as a whole; with --append-days the folder "
        "to continue (default: data/raw)",
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
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")


def _cmd_append(args: argparse.Namespace) -> int:
    from plantledger.append import append_days, describe, parse_append_days, parse_late_days
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
            f"appending to --out {args.out} failed: {_write_reason(exc)}; check the folder is "
            f"writable and the disk has free space (the folder is as it was before)"
        ) from None
    if not args.quiet:
        print(describe(summary), file=sys.stderr)
    return 0


def _check_append_end(out: Path, days: int) -> None:
    """The history after the append must still fit dim_date (params.LATEST_END_DATE)."""
    from plantledger.writer import Manifest

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


def _cmd_generate(args: argparse.Namespace) -> int:
    from plantledger.rawlock import raw_lock
    from plantledger.writer import NullProgress, check_output, write_raw

    if args.append_days is not None:
        return _cmd_append(args)
    if args.late_days is not None:
        raise UsageError(
            "--late-days dates the late events of an append; use it with --append-days N "
            f"(see '{PROG} generate --help')"
        )
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
            f"cannot create the --out folder {args.out}: {_os_reason(exc)}; "
            f"choose a folder you can write to"
        ) from None
    if args.quiet:
        progress = NullProgress()
    else:
        from plantledger.progress import RichProgress

        progress = RichProgress()
    pieces = generate_pieces(params)
    record = None
    if faults is not None:
        from plantledger.faults import inject_faults

        pieces, injector = inject_faults(pieces, faults, params)
        record = injector.record
    try:
        with raw_lock(params.out, "a generate"):
            manifest = write_raw(params, pieces, progress, faults=record)
    except (OSError, pl.exceptions.PolarsError) as exc:
        # polars reports a full disk while writing parquet as a ComputeError, not an OSError
        raise ParameterError(
            f"writing to --out {args.out} failed: {_write_reason(exc)}; check the folder is "
            f"writable and the disk has free space (the previous output, if any, is unchanged)"
        ) from None
    if manifest.faults is not None and not args.quiet:
        kinds = manifest.faults["kinds"]
        done = ", ".join(f"{kind} {entry['count']}" for kind, entry in kinds.items())
        print(f"Injected faults ({done}); see 'faults' in the manifest", file=sys.stderr)
    return 0


# --- bench ------------------------------------------------------------------------------------


def _add_bench(parser: argparse.ArgumentParser) -> None:
    from plantledger.bench import add_arguments

    add_arguments(parser)


def _cmd_bench(args: argparse.Namespace) -> int:
    from plantledger.bench import run_from_args

    return run_from_args(args)


# --- validate ---------------------------------------------------------------------------------


def _add_validate(parser: argparse.ArgumentParser) -> None:
    from plantledger.quality.validate import add_arguments

    add_arguments(parser)


def _cmd_validate(args: argparse.Namespace) -> int:
    from plantledger.quality.validate import run_from_args
    from plantledger.rawlock import raw_lock
    from plantledger.writer import recover_raw

    if args.list:
        return run_from_args(args)
    with raw_lock(Path(args.raw), "validate", shared=True, recover=recover_raw):
        return run_from_args(args)


# --- build ------------------------------------------------------------------------------------


def _add_build(parser: argparse.ArgumentParser) -> None:
    from plantledger.build import add_arguments

    add_arguments(parser)


def _cmd_build(args: argparse.Namespace) -> int:
    from plantledger.build import run_from_args

    return run_from_args(args)


# --- report -----------------------------------------------------------------------------------


def _add_report(parser: argparse.ArgumentParser) -> None:
    from plantledger.report import add_arguments

    add_arguments(parser)


def _cmd_report(args: argparse.Namespace) -> int:
    from plantledger.report import run_from_args

    return run_from_args(args)


# --- registry and entry point -----------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {
    "generate": Command(
        "generate the raw parquet data set, or append daily loads to it (--append-days)",
        _add_generate,
        _cmd_generate,
    ),
    "validate": Command(
        "check the raw data set with Great Expectations and build Data Docs",
        _add_validate,
        _cmd_validate,
    ),
    "build": Command(
        "dbt build on a working copy of the warehouse, published when every model and test "
        "passed; readers keep the last good one",
        _add_build,
        _cmd_build,
    ),
    "bench": Command("benchmark generation (and later sections)", _add_bench, _cmd_bench),
    "report": Command(
        "reports from the built warehouse: inventory as of a date, arrivals, moves, dwell",
        _add_report,
        _cmd_report,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="plantledger: an analytics warehouse for manufacturing execution data.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {plantledger.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, command in COMMANDS.items():
        command.add_arguments(sub.add_parser(name, help=command.help, description=command.help))
    return parser


def _refuse_blank(args: argparse.Namespace) -> None:
    """An option given as an empty or blank string is refused: none of them means "all" or "the
    default" (``--facility ""`` would otherwise answer for the whole company)."""
    for dest, value in vars(args).items():
        if isinstance(value, str) and not value.strip():
            option = "--" + dest.rstrip("_").replace("_", "-")
            raise UsageError(f"{option} is empty: give a value or leave the option out")
        if isinstance(value, list) and any(isinstance(v, str) and not v.strip() for v in value):
            option = "--" + dest.rstrip("_").replace("_", "-")
            raise UsageError(f"{option} has an empty value: give values or leave the option out")


def _os_reason(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"{reason} ({exc.filename})" if exc.filename else reason


def _write_reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return _os_reason(exc)
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"


def _error(message: str) -> int:
    line = " ".join(str(message).split())
    print(f"{PROG}: error: {line}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        return _error(str(exc))
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    if args.command is None:
        return _error(f"choose a command: {', '.join(COMMANDS)} (see '{PROG} --help')")
    try:
        _refuse_blank(args)
        return COMMANDS[args.command].run(args)
    except (ParameterError, UsageError) as exc:
        return _error(str(exc))
    except OSError as exc:
        return _error(f"{_os_reason(exc)}; check the paths given and free disk space")
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
