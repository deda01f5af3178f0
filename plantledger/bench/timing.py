"""Measured processes: every figure of the report belongs to exactly one run of one process.

Generation is measured one child process per run (``python -m plantledger.bench --child ...``):
the child times generation and writing and reports its own peak resident set size
(``getrusage(RUSAGE_SELF).ru_maxrss``). Any other command (dbt, an append) runs from a small
launcher that reaps it with ``os.wait4``, which returns the resource usage of exactly that
process (and of the processes it waited for).
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from plantledger.bench.config import BenchError
from plantledger.params import GenerationParams


def rss_bytes(ru_maxrss: int) -> int:
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024  # Linux reports KiB


def max_rss_bytes() -> int:
    """This process's peak resident set size."""
    return rss_bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


# Starts the command, reaps it with os.wait4 and writes its exit code, wall time, CPU time and
# ru_maxrss to the file named by argv[1]. A process's ru_maxrss includes the memory of the
# process it was forked from, up to its exec; starting the command from this small launcher
# (a bare interpreter) rather than from the benchmark process keeps that share negligible.
_LAUNCHER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - started
proc.returncode = code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as out:
    cpu = usage.ru_utime + usage.ru_stime
    json.dump({"code": code, "seconds": seconds, "cpu": cpu, "maxrss": usage.ru_maxrss}, out)
"""


def measure(
    command: Sequence[str], env: dict[str, str], cwd: Path, log: Path
) -> tuple[int, float, float, int]:
    """Run ``command`` once; return (exit code, wall seconds, CPU seconds, peak RSS in bytes).

    Output goes to ``log``. CPU time and peak RSS are those ``os.wait4`` gives for that very
    process (and the processes it waited for), started from a small launcher process.
    """
    result = log.with_name(log.name + ".rusage.json")
    result.unlink(missing_ok=True)
    launcher = [sys.executable, "-I", "-c", _LAUNCHER, str(result), *command]
    with log.open("wb") as out:
        subprocess.run(launcher, cwd=cwd, env=env, stdout=out, stderr=out, check=False)
    try:
        measured = json.loads(result.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        tail = " | ".join(lines[-3:]) or "no output"
        raise BenchError(f"could not run {command[0]}: {tail}") from None
    rss = rss_bytes(measured["maxrss"])
    return measured["code"], measured["seconds"], measured["cpu"], rss


# --- generation runs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    rows: int
    seconds: float
    max_rss_bytes: int


def child_main(argv: Sequence[str]) -> int:
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
    result = {"rows": manifest.total_rows, "seconds": seconds, "max_rss_bytes": max_rss_bytes()}
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
