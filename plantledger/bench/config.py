"""What every benchmark section shares: the run's configuration, the state sections pass on,
the :class:`Section` type and its registry check, and the markdown table of the report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SCALES: tuple[float, ...] = (0.1, 1.0, 10.0)
DEFAULT_SEED = 42
DEFAULT_END_DATE = dt.date(2026, 11, 21)  # fixed, so figures are comparable from day to day
LARGE_SCALE = 10.0  # from this scale on, one run by default; below it, three


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
    """A section of the report: its name (``--sections``), its heading and what it runs."""

    name: str
    title: str
    run: Callable[[BenchConfig, BenchState], str]


def registry(sections: Iterable[Section]) -> dict[str, Section]:
    """Name -> section, in the given (report) order; a name given twice is refused."""
    named: dict[str, Section] = {}
    for sec in sections:
        if sec.name in named:
            raise ValueError(f"benchmark section {sec.name!r} is registered twice")
        named[sec.name] = sec
    return named


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A right-aligned markdown table."""
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
