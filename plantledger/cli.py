"""The ``plantledger`` command line.

Every user error ends as exactly one line on stderr, ``plantledger: error: <what and what to
do>``, with exit code 2 and no traceback. Subcommands are registered in ``COMMANDS``: a name, a
function adding its arguments and a handler returning the exit code; each command lives in a
module of its own (generate, quality.validate, build, bench.command, report), imported only when
that command runs, so this module only dispatches.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import plantledger
from plantledger.errors import PROG, UsageError, os_reason
from plantledger.params import ParameterError

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors follow the one-line ``plantledger: error: ...`` format."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


# --- generate ---------------------------------------------------------------------------------


def _add_generate(parser: argparse.ArgumentParser) -> None:
    from plantledger.generate import add_arguments

    add_arguments(parser)


def _cmd_generate(args: argparse.Namespace) -> int:
    from plantledger.generate import run_from_args

    return run_from_args(args)


# --- bench ------------------------------------------------------------------------------------


def _add_bench(parser: argparse.ArgumentParser) -> None:
    from plantledger.bench.command import add_arguments

    add_arguments(parser)


def _cmd_bench(args: argparse.Namespace) -> int:
    from plantledger.bench.command import run_from_args

    return run_from_args(args)


# --- validate ---------------------------------------------------------------------------------


def _add_validate(parser: argparse.ArgumentParser) -> None:
    from plantledger.quality.validate import add_arguments

    add_arguments(parser)


def _cmd_validate(args: argparse.Namespace) -> int:
    from plantledger.quality.validate import run_from_args
    from plantledger.rawfolder import recover_raw
    from plantledger.rawlock import raw_lock

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


# --- docs -------------------------------------------------------------------------------------


def _add_docs(parser: argparse.ArgumentParser) -> None:
    from plantledger.docs_site import add_arguments

    add_arguments(parser)


def _cmd_docs(args: argparse.Namespace) -> int:
    from plantledger.docs_site import run_from_args

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
        "check the raw data set with Great Expectations; write an offline quality page "
        "and Data Docs",
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
    "docs": Command(
        "the dbt docs site as one HTML file that opens offline (dbt docs generate --static)",
        _add_docs,
        _cmd_docs,
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
        return _error(f"{os_reason(exc)}; check the paths given and free disk space")
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
