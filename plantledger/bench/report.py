"""The benchmark report: sections run in order into one markdown body, and the README's block
between :data:`README_START` and :data:`README_END` replaced with it."""

from __future__ import annotations

import os
import platform
import re
from collections.abc import Sequence
from pathlib import Path

import plantledger
from plantledger.bench.config import BenchConfig, BenchState, Section
from plantledger.params import ParameterError

README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


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


def run_bench(config: BenchConfig, sections: Sequence[Section], heading_level: int = 2) -> str:
    """Run ``sections`` in order, sharing one state; return the markdown body (no title)."""
    state = BenchState()
    parts = [_machine_line(config)]
    hashes = "#" * heading_level
    for sec in sections:
        config.log(f"section {sec.name} ...")
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
