"""Generation parameters and their validation."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from plantledger.settings import DEFAULT_RAW

HISTORY_DAYS = 730

# The calendar the warehouse's dim_date covers: dbt_project.yml vars dim_date_start (inclusive)
# and dim_date_end (exclusive); tests/test_bad_inputs.py checks the two agree. The generated
# history (HISTORY_DAYS up to end_date) and the planned dates after it (work orders planned up to
# a few weeks past end_date; PLANNED_DAYS_AFTER_END leaves ample room) must fit in it, which
# bounds end_date to EARLIEST_END_DATE .. LATEST_END_DATE.
DIM_DATE_START = dt.date(2020, 1, 1)
DIM_DATE_END = dt.date(2032, 1, 1)
PLANNED_DAYS_AFTER_END = 365
EARLIEST_END_DATE = DIM_DATE_START + dt.timedelta(days=HISTORY_DAYS - 1)
LATEST_END_DATE = DIM_DATE_END - dt.timedelta(days=1 + PLANNED_DAYS_AFTER_END)
# Characters a raw folder path must not hold: DuckDB's glob (* ? [ ]) and dbt-duckdb's location
# template ({ }) would read them as syntax; control characters have no place in a path. Quotes
# are fine: the dbt project escapes them (macros/raw/raw_data.sql).
UNSAFE_PATH_CHARACTERS = frozenset("*?[]{}") | {chr(code) for code in (*range(32), 127)}


class ParameterError(ValueError):
    """A user-supplied parameter is wrong; the message says what and what to do."""


@dataclass(frozen=True)
class GenerationParams:
    scale: float = 1.0
    seed: int = 42
    end_date: dt.date = dt.date(2026, 11, 21)
    out: Path = Path(DEFAULT_RAW)

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
        check_end_date(self.end_date)

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


def check_end_date(end_date: dt.date) -> None:
    """Refuse an end date whose history or planned dates would fall outside dim_date."""
    if not EARLIEST_END_DATE <= end_date <= LATEST_END_DATE:
        raise ParameterError(
            f"--end-date {end_date.isoformat()} is outside the warehouse calendar: the two-year "
            f"history and its planned dates must fit dim_date ({DIM_DATE_START} to "
            f"{DIM_DATE_END}, vars in dbt_project.yml); use a date from {EARLIEST_END_DATE} to "
            f"{LATEST_END_DATE}"
        )


def parse_end_date(text: str) -> dt.date:
    """Parse ``YYYY-MM-DD`` within the bounds above; raises ParameterError with a clear message."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        value = None
    else:
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            value = None
    if value is None:
        raise ParameterError(
            f"--end-date must be a date as YYYY-MM-DD (for example 2026-11-21), got {text!r}"
        )
    check_end_date(value)
    return value


def check_folder_path(text: str, option: str) -> Path:
    """A raw folder path given to ``option``: not empty, none of UNSAFE_PATH_CHARACTERS."""
    if not text.strip():
        raise ParameterError(f"{option} is empty: give a folder path such as {DEFAULT_RAW}")
    unsafe = sorted({char for char in text if char in UNSAFE_PATH_CHARACTERS})
    if unsafe:
        shown = " ".join(repr(char) for char in unsafe)
        raise ParameterError(
            f"{option} {text!r} holds {shown}: dbt reads the raw folder through a glob pattern, "
            "so choose a path without * ? [ ] { } or control characters"
        )
    return Path(text)


def parse_scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ParameterError(
            f"--scale must be a number such as 1, 0.01 or 10, got {text!r}"
        ) from None
    GenerationParams(scale=value)  # validates range
    return value


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
