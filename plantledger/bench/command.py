"""``plantledger bench``: its options, checked before any run, then the sections run in order
and the report printed (and written to ``--markdown`` / the README block).

See :mod:`plantledger.bench` for the package's modules and ``--help`` for the options.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from plantledger.bench.config import (
    DEFAULT_END_DATE,
    DEFAULT_SCALES,
    DEFAULT_SEED,
    BenchConfig,
    BenchError,
)
from plantledger.bench.report import README_END, README_START, run_bench, update_readme
from plantledger.bench.sections import DEFAULT_SECTIONS, SECTIONS
from plantledger.params import ParameterError, parse_end_date, parse_scale, parse_seed

# --- command line -----------------------------------------------------------------------------


def parse_scales(values: Sequence[str]) -> tuple[float, ...]:
    scales = [parse_scale(item) for value in values for item in value.split(",") if item.strip()]
    if not scales:
        raise ParameterError("--scales needs at least one scale, such as 0.1,1,10")
    return tuple(dict.fromkeys(scales))


MAX_REPEAT = 100


def parse_repeat(text: str | None) -> int | None:
    if text is None:
        return None
    if not re.fullmatch(r"[0-9]{1,4}", text) or not 1 <= int(text) <= MAX_REPEAT:
        raise ParameterError(
            f"--repeat must be a whole number of runs from 1 to {MAX_REPEAT}, got {text!r}"
        )
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scales",
        nargs="+",
        default=[",".join(f"{s:g}" for s in DEFAULT_SCALES)],
        metavar="S",
        help="scales to run, space or comma separated (default: 0.1,1,10)",
    )
    parser.add_argument(
        "--repeat",
        default=None,
        metavar="N",
        help="runs per scale, the median is reported (default: 3, or 1 from scale 10 on)",
    )
    parser.add_argument(
        "--sections",
        nargs="+",
        default=None,
        metavar="NAME",
        help=(
            f"sections to run, in order (default: {', '.join(DEFAULT_SECTIONS)}; "
            f"known: {', '.join(SECTIONS)})"
        ),
    )
    parser.add_argument("--seed", default=str(DEFAULT_SEED), metavar="N", help="default: 42")
    parser.add_argument(
        "--end-date",
        default=DEFAULT_END_DATE.isoformat(),
        metavar="YYYY-MM-DD",
        help=f"default: {DEFAULT_END_DATE.isoformat()} (fixed, for comparable figures)",
    )
    parser.add_argument(
        "--workdir",
        default=None,
        metavar="DIR",
        help="keep generated data here (default: a temporary folder, removed afterwards)",
    )
    parser.add_argument(
        "--late-days",
        default=None,
        metavar="D",
        help="incremental section: the day's append dates late events up to D days back "
        "(generate --late-days; default: 3, the lookback)",
    )
    parser.add_argument("--markdown", default=None, metavar="FILE", help="also write the report")
    parser.add_argument(
        "--update-readme",
        default=None,
        metavar="FILE",
        help=f"replace the block between {README_START} and {README_END} in FILE",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def _check_outputs(args: argparse.Namespace) -> Path | None:
    """Before any run: --update-readme is a writable text file with the block to fill, and
    --markdown a writable file that is not the README (outputs never replace inputs)."""
    from plantledger.output_paths import Input, check_output_file

    readme = None
    if args.update_readme is not None:
        readme = check_output_file(args.update_readme, "--update-readme")
        try:
            text = readme.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise ParameterError(f"--update-readme {args.update_readme}: {reason}") from None
        if README_START not in text:
            raise ParameterError(f"{readme} has no {README_START} block to fill; add one")
    if args.markdown is not None:
        inputs = [Input("the --update-readme file", readme)] if readme is not None else []
        check_output_file(args.markdown, "--markdown", inputs, create_parents=True)
    return readme


def run_from_args(args: argparse.Namespace) -> int:
    from plantledger.append_command import parse_late_days

    names = list(args.sections) if args.sections else list(DEFAULT_SECTIONS)
    unknown = [name for name in names if name not in SECTIONS]
    if unknown:
        raise ParameterError(
            f"unknown benchmark section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}"
        )
    readme = _check_outputs(args)

    def log(message: str) -> None:
        if not args.quiet:
            print(f"bench: {message}", file=sys.stderr, flush=True)

    scales = parse_scales(args.scales)
    repeat = parse_repeat(args.repeat)
    seed = parse_seed(args.seed)
    end_date = parse_end_date(args.end_date)
    if args.workdir:
        workdir = Path(args.workdir)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="plantledger-bench-"))
    late_days = None if args.late_days is None else parse_late_days(args.late_days)
    config = BenchConfig(scales, repeat, seed, end_date, workdir, log, late_days)
    try:
        body = run_bench(config, [SECTIONS[name] for name in names], heading_level=3)
    except BenchError as exc:
        print(f"plantledger: error: bench: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print(body, end="")
    try:
        if args.markdown:
            path = Path(args.markdown)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"## plantledger benchmarks\n\n{body}", encoding="utf-8")
        if readme is not None:
            update_readme(readme, body)
    except OSError as exc:
        raise ParameterError(
            f"writing the benchmark report failed: {exc.strerror or exc} ({exc.filename}); the "
            "results are on stdout above"
        ) from None
    return 0
