"""Generation parameters and their validation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HISTORY_DAYS = 730


class ParameterError(ValueError):
    """A user-supplied parameter is wrong; the message says what and what to do."""


@dataclass(frozen=True)
class GenerationParams:
    scale: float = 1.0
    seed: int = 42
    end_date: dt.date = dt.date(2026, 11, 21)
    out: Path = Path("data/raw")

    def __post_init__(self) -> None:
        if not isinstance(self.scale, (int, float)) or not np.isfinite(self.scale):
            raise ParameterError(f"--scale must be a number, got {self.scale!r}")
        if self.scale <= 0:
            raise ParameterError(
                f"--scale must be greater than 0 (1 = the plan's volumes, 0.01 for tests), "
                f"got {self.scale}"
            )
        if self.scale > 1000:
            raise ParameterError(f"--scale {self.scale} is too large; use at most 1000")
        if self.seed < 0:
            raise ParameterError(f"--seed must be a non-negative integer, got {self.seed}")

    @property
    def history_start(self) -> dt.date:
        """First day of history (inclusive)."""
        return self.end_date - dt.timedelta(days=HISTORY_DAYS - 1)

    def start_instant(self) -> dt.datetime:
        return dt.datetime.combine(self.history_start, dt.time(), tzinfo=dt.UTC)

    def end_instant(self) -> dt.datetime:
        """The last microsecond of history (end of ``end_date`` in UTC)."""
        return dt.datetime.combine(self.end_date, dt.time(23, 59, 59, 999_999), tzinfo=dt.UTC)

    def scaled(self, base: float, minimum: int = 1) -> int:
        """A volume of ``base`` rows at scale 1, scaled, never below ``minimum``."""
        return max(minimum, int(round(base * self.scale)))

    def rng(self, stream: str) -> np.random.Generator:
        """An independent, deterministic random stream per named purpose."""
        key = [self.seed, *stream.encode()]
        return np.random.default_rng(key)


def parse_end_date(text: str) -> dt.date:
    """Parse ``YYYY-MM-DD``; raises ParameterError with a clear message."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ParameterError(
            f"--end-date must be a date as YYYY-MM-DD (for example 2026-11-21), got {text!r}"
        ) from None


def parse_scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ParameterError(
            f"--scale must be a number such as 1, 0.01 or 10, got {text!r}"
        ) from None
    GenerationParams(scale=value)  # validates range
    return value
