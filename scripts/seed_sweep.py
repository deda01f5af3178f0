"""The slow seed sweep (not run in CI): does the generator keep its own contract for many seeds?

    python scripts/seed_sweep.py [--seeds 1-10] [--scale 1] [--end-date 2026-11-13]
                                 [--append-days N] [--work DIR] [--keep]

``make seed-sweep`` runs it for seeds 1-10 at scale 1. Per seed: ``plantledger generate`` into
``WORK/seed-N/raw`` (then ``--append-days N`` when asked), ``dbt build`` of the whole project
into a warehouse of its own (tests/dbt_runner.py), and one line: rows generated, seconds for
each step, dbt's node counts by status and the nodes that were not green. A seed is green when
every model and test succeeded with no warning (clean data has nothing to quarantine). Each
seed's folder is removed after its line unless ``--keep``. Exit 0 when every seed is green, 1
otherwise, 2 for bad input. tests/test_seed_sweep.py is the small version CI runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # usable without an install; tests.dbt_runner runs dbt

from plantledger import cli  # noqa: E402
from plantledger.params import ParameterError, parse_end_date, parse_scale  # noqa: E402
from tests.dbt_runner import dbt_build, node_results  # noqa: E402

GREEN = {"success", "pass"}
STATUSES = ("pass", "warn", "fail", "error", "skipped")
BUILD_TIMEOUT_S = 4 * 3600


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ParameterError(f"{message} (see 'scripts/seed_sweep.py --help')")


def parse_seeds(text: str) -> list[int]:
    """``1-10``, ``7`` or ``1,3,7-9``: non-negative seeds, in the order given, each once."""
    seeds: list[int] = []
    try:
        for part in text.split(","):
            low, _, high = part.strip().partition("-")
            first, last = int(low), int(high or low)
            if first < 0 or last < first or last - first >= 10_000:
                raise ValueError
            seeds += [seed for seed in range(first, last + 1) if seed not in seeds]
    except ValueError:
        raise ParameterError(
            f"--seeds must be seeds or ranges such as 1-10 or 1,3,7-9, got {text!r}"
        ) from None
    return seeds


def parse_days(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 366:
        raise ParameterError(f"--append-days must be a whole number from 0 to 366, got {text!r}")
    return int(text)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The options, checked; bad input raises ParameterError (one line, exit 2)."""
    parser = _Parser(prog="seed_sweep.py", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1-10", help="seeds or ranges: 1-10, 1,3,7-9")
    parser.add_argument("--scale", default="1")
    parser.add_argument("--end-date", default="2026-11-13", help="YYYY-MM-DD")
    parser.add_argument("--append-days", default="0", help="append this many days before building")
    parser.add_argument("--work", type=Path, default=None, help="default: a new temporary folder")
    parser.add_argument("--keep", action="store_true", help="keep each seed's raw and warehouse")
    args = parser.parse_args(argv)
    args.seeds = parse_seeds(args.seeds)
    args.scale = parse_scale(args.scale)
    args.end_date = parse_end_date(args.end_date)
    args.append_days = parse_days(args.append_days)
    work = args.work
    if work is not None and work.exists() and (not work.is_dir() or any(work.iterdir())):
        raise ParameterError(f"--work {args.work} is not an empty folder; name a new one")
    return args


@dataclass(frozen=True)
class SeedResult:
    seed: int
    rows: int
    generate_s: float
    build_s: float
    counts: Counter[str]
    not_green: dict[str, str]
    problem: str = ""

    @property
    def green(self) -> bool:
        return not self.problem and not self.not_green and sum(self.counts.values()) > 0

    def line(self, scale: float) -> str:
        counts = "  ".join(f"{status} {self.counts.get(status, 0)}" for status in STATUSES)
        verdict = "green" if self.green else f"NOT GREEN {self.problem}".rstrip()
        if self.not_green:
            verdict += ": " + ", ".join(f"{n} ({s})" for n, s in sorted(self.not_green.items()))
        return (
            f"seed {self.seed:>4}  scale {scale:g}  rows {self.rows:>10,}  "
            f"generate {self.generate_s:6.1f} s  build {self.build_s:6.1f} s  "
            f"nodes {sum(self.counts.values()):>4}  {counts}  {verdict}"
        )


def node_statuses(target: Path) -> dict[str, str]:
    """dbt's unique_id -> status of every node of the build (a model and its unit tests share a
    name, so names would hide nodes)."""
    return {result["unique_id"]: result["status"] for result in node_results(target)}


def sweep_seed(seed: int, args: argparse.Namespace, folder: Path) -> SeedResult:
    """Generate, append and build one seed in ``folder``."""
    raw = folder / "raw"
    started = time.perf_counter()
    argv = ["generate", "--scale", str(args.scale), "--seed", str(seed)]
    argv += ["--end-date", args.end_date.isoformat(), "--out", str(raw), "--quiet"]
    code = cli.main(argv)
    if code == 0 and args.append_days:
        days = str(args.append_days)
        code = cli.main(["generate", "--out", str(raw), "--append-days", days, "--quiet"])
    generate_s = time.perf_counter() - started
    if code != 0:
        return SeedResult(seed, 0, generate_s, 0.0, Counter(), {}, f"(generate exited {code})")
    manifest = json.loads((raw / "_manifest.json").read_text(encoding="utf-8"))
    rows = sum(entry["rows"] for entry in manifest["tables"].values())
    started = time.perf_counter()
    run = dbt_build(raw, folder / "warehouse", "--full-refresh", timeout=BUILD_TIMEOUT_S)
    build_s = time.perf_counter() - started
    statuses = node_statuses(run.target)
    counts = Counter("pass" if s == "success" else s for s in statuses.values())
    not_green = {name: status for name, status in statuses.items() if status not in GREEN}
    problem = f"(dbt build exited {run.returncode})" if run.returncode else ""
    if not statuses:
        problem = f"(dbt build ran no node: {run.tail(3)})"
    return SeedResult(seed, rows, generate_s, build_s, counts, not_green, problem)


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_args(argv)
    except ParameterError as exc:
        print(f"plantledger: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    work = args.work if args.work is not None else Path(tempfile.mkdtemp(prefix="seed-sweep-"))
    results = []
    try:
        for seed in args.seeds:
            folder = work / f"seed-{seed}"
            try:
                result = sweep_seed(seed, args, folder)
            finally:
                if not args.keep:
                    shutil.rmtree(folder, ignore_errors=True)
            results.append(result)
            print(result.line(args.scale), flush=True)
    except OSError as exc:
        print(
            f"plantledger: error: the sweep stopped: {exc}; check free disk space", file=sys.stderr
        )
        return 1
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    green = sum(result.green for result in results)
    print(f"{green} of {len(results)} seeds green", flush=True)
    return 0 if green == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
