"""The data a section runs on: the raw folder and the warehouse an earlier section left for its
scale, else ones made now (not timed), so that any section can also run alone."""

from __future__ import annotations

from pathlib import Path

from plantledger.bench.config import BenchConfig, BenchState
from plantledger.bench.dbt import run_dbt_build
from plantledger.bench.timing import run_generation


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


def section_warehouse(
    config: BenchConfig, state: BenchState, scale: float, section_name: str
) -> Path:
    """The warehouse of ``scale``: the one the dbt section left, else one built now (untimed)."""
    raw = section_raw(config, state, scale, section_name)
    workdir = raw.parent / "dbt"  # where the dbt section builds
    warehouse = workdir / "warehouse.duckdb"
    if not warehouse.exists():
        config.log(f"{section_name} scale {scale:g}: building the warehouse first (not timed)")
        run_dbt_build(raw, workdir)
    return warehouse
