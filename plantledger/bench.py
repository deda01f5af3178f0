"""Benchmarks (``plantledger bench``, ``scripts/bench.py``, ``make bench``).

A benchmark report is a list of *sections*, registered with :func:`section`; each returns its
markdown body and may leave results in :class:`BenchState` for later sections (the generation
section leaves the raw output of every scale in ``state.raw`` so that, for example, a dbt build
section can time building from it).

Generation is measured one child process per run (``python -m plantledger.bench --child ...``):
the child times generation and writing and reports its own peak resident set size
(``getrusage(RUSAGE_SELF).ru_maxrss``), so every figure belongs to exactly one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import plantledger
from plantledger.params import GenerationParams, ParameterError, parse_end_date, parse_scale

DEFAULT_SCALES: tuple[float, ...] = (0.1, 1.0, 10.0)
DEFAULT_SEED = 42
DEFAULT_END_DATE = dt.date(2026, 11, 21)  # fixed, so figures are comparable from day to day
LARGE_SCALE = 10.0  # from this scale on, one run by default; below it, three
README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


class BenchError(RuntimeError):
    """A benchmark run failed (a bug, not a usage error)."""


@dataclass(frozen=True)
class BenchConfig:
    scales: tuple[float, ...] = DEFAULT_SCALES
    repeat: int | None = None
    seed: int = DEFAULT_SEED
    end_date: dt.date = DEFAULT_END_DATE
    workdir: Path = Path("bench-work")
    log: Callable[[str], None] = lambda message: None
    late_days: int | None = None  # incremental section: the append's --late-days (None: default)

    def repeats_for(self, scale: float) -> int:
        if self.repeat is not None:
            return self.repeat
        return 1 if scale >= LARGE_SCALE else 3

    def raw_dir(self, scale: float) -> Path:
        return self.workdir / f"scale-{scale:g}" / "raw"


@dataclass
class BenchState:
    """Results shared between sections."""

    raw: dict[float, Path] = field(default_factory=dict)  # scale -> generated raw folder
    rows: dict[float, int] = field(default_factory=dict)  # scale -> rows generated


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    run: Callable[[BenchConfig, BenchState], str]


SECTIONS: dict[str, Section] = {}


def section(name: str, title: str) -> Callable[[Callable[[BenchConfig, BenchState], str]], Section]:
    """Register a benchmark section; sections run in registration order."""

    def register(run: Callable[[BenchConfig, BenchState], str]) -> Section:
        if name in SECTIONS:
            raise ValueError(f"benchmark section {name!r} is registered twice")
        SECTIONS[name] = Section(name, title, run)
        return SECTIONS[name]

    return register


# --- generation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    rows: int
    seconds: float
    max_rss_bytes: int


def _max_rss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # Linux reports KiB


def _child_main(argv: Sequence[str]) -> int:
    """Child process: generate once, print ``{"rows", "seconds", "max_rss_bytes"}`` as JSON."""
    from plantledger.generator import generate_tables
    from plantledger.writer import NullProgress, write_raw

    scale, seed, end_date, out = argv
    params = GenerationParams(
        scale=float(scale), seed=int(seed), end_date=dt.date.fromisoformat(end_date), out=Path(out)
    )
    started = time.perf_counter()
    manifest = write_raw(params, generate_tables(params), NullProgress())
    seconds = time.perf_counter() - started
    result = {"rows": manifest.total_rows, "seconds": seconds, "max_rss_bytes": _max_rss_bytes()}
    print(json.dumps(result))
    return 0


def run_generation(scale: float, seed: int, end_date: dt.date, out: Path) -> RunResult:
    """Generate once in a fresh child process and return its measurements."""
    command = [
        sys.executable,
        "-m",
        "plantledger.bench",
        "--child",
        repr(float(scale)),
        str(seed),
        end_date.isoformat(),
        str(out),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:]) or "no error output"
        raise BenchError(f"generation at scale {scale:g} failed (exit {proc.returncode}): {tail}")
    try:
        return RunResult(**json.loads(proc.stdout.strip().splitlines()[-1]))
    except (IndexError, ValueError, TypeError) as exc:
        raise BenchError(f"generation at scale {scale:g} printed no result: {exc}") from None


def section_raw(config: BenchConfig, state: BenchState, scale: float, section_name: str) -> Path:
    """The generation section's raw folder of ``scale``, else one generated now (untimed)."""
    raw = state.raw.get(scale)
    if raw is None:
        raw = config.raw_dir(scale)
        if not (raw / "_manifest.json").exists():
            raw.parent.mkdir(parents=True, exist_ok=True)
            config.log(f"{section_name} scale {scale:g}: generating the raw data first (not timed)")
            state.rows[scale] = run_generation(scale, config.seed, config.end_date, raw).rows
        state.raw[scale] = raw
    return raw


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A right-aligned markdown table."""
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


@section("generate", "Generation")
def bench_generate(config: BenchConfig, state: BenchState) -> str:
    rows_out = []
    for scale in config.scales:
        out = config.raw_dir(scale)
        out.parent.mkdir(parents=True, exist_ok=True)
        runs = []
        repeats = config.repeats_for(scale)
        for index in range(repeats):
            result = run_generation(scale, config.seed, config.end_date, out)
            config.log(
                f"generate scale {scale:g} run {index + 1}/{repeats}: {result.rows:,} rows "
                f"in {result.seconds:.2f} s, peak RSS {result.max_rss_bytes / 2**20:,.0f} MiB"
            )
            runs.append(result)
        rows = runs[-1].rows
        if any(run.rows != rows for run in runs):
            raise BenchError(f"scale {scale:g}: row counts differ between identical runs")
        median = statistics.median(run.seconds for run in runs)
        peak = max(run.max_rss_bytes for run in runs)
        state.raw[scale] = out
        state.rows[scale] = rows
        rows_out.append(
            [
                f"{scale:g}",
                f"{rows:,}",
                str(len(runs)),
                f"{median:.2f}",
                f"{rows / median:,.0f}" if median > 0 else "-",
                f"{peak / 2**20:,.0f}",
            ]
        )
    table = markdown_table(
        ["scale", "rows", "runs", "median wall s", "rows/s", "peak RSS MiB"], rows_out
    )
    return (
        "Each run is its own process: wall time covers generating and writing the parquet files "
        "(not interpreter start-up); peak RSS is that process's maximum resident set size.\n\n"
        + table
    )


# --- report -----------------------------------------------------------------------------------


def _machine_line(config: BenchConfig) -> str:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        memory_text = f", {memory:.0f} GiB memory"
    except (ValueError, OSError, AttributeError):
        memory_text = ""
    import polars as pl

    return (
        f"Machine: {os.cpu_count()} CPUs{memory_text}, {platform.system()} {platform.machine()}; "
        f"Python {platform.python_version()}, polars {pl.__version__}, "
        f"plantledger {plantledger.__version__}; seed {config.seed}, end date "
        f"{config.end_date.isoformat()}."
    )


def run_bench(config: BenchConfig, names: Sequence[str], heading_level: int = 2) -> str:
    """Run the named sections in order; return the markdown body (without a title)."""
    state = BenchState()
    parts = [_machine_line(config)]
    hashes = "#" * heading_level
    for name in names:
        sec = SECTIONS[name]
        config.log(f"section {name} ...")
        parts.append(f"{hashes} {sec.title}\n\n{sec.run(config, state)}")
    return "\n\n".join(parts) + "\n"


def update_readme(readme: Path, body: str) -> None:
    """Replace the text between the benchmark markers of ``readme`` with ``body``."""
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.DOTALL)
    if not pattern.search(text):
        raise ParameterError(
            f"{readme} has no {README_START} ... {README_END} block to fill; add one"
        )
    replacement = f"{README_START}\n{body}{README_END}"
    tmp = readme.with_name(f".{readme.name}.tmp-{os.getpid()}")
    try:  # a failed write (disk full) leaves the README as it was
        tmp.write_text(pattern.sub(lambda _: replacement, text, count=1), encoding="utf-8")
        os.replace(tmp, readme)
    finally:
        tmp.unlink(missing_ok=True)


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
        help=f"sections to run, in order (default: all; known: {', '.join(SECTIONS)})",
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
    from plantledger.append import parse_late_days
    from plantledger.cli import parse_seed

    names = list(args.sections) if args.sections else list(SECTIONS)
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
        body = run_bench(config, names, heading_level=3)
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


# Sections of other modules register themselves on import, after the ones above: dbt build
# (bench_warehouse), then the daily incremental load, inventory_as_of and the trace macros
# (bench_incremental, bench_point_in_time and bench_traceability import bench_warehouse first).
from plantledger import (  # noqa: E402, F401
    bench_incremental,
    bench_point_in_time,
    bench_traceability,
    bench_warehouse,
)

if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.exit(_child_main(sys.argv[2:]))
    from plantledger.cli import main

    sys.exit(main(["bench", *sys.argv[1:]]))
