"""The raw data generator: master data, then operations, each table cast to the contract."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from plantledger.generator.master import build_master
from plantledger.generator.operations import simulate_operations
from plantledger.params import GenerationParams
from plantledger.schema import cast_to_contract


def generate_tables(params: GenerationParams) -> Iterator[tuple[str, pl.DataFrame]]:
    """Yield ``(table, frame)`` pieces for every raw table; a table may come in several pieces.

    Every row is of load 0 (``load_id`` 0): the initial generation.
    """
    master = build_master(params)
    for table, frame in master.items():
        yield table, cast_to_contract(table, frame, load_id=0)
    for table, frame in simulate_operations(params, master):
        yield table, cast_to_contract(table, frame, load_id=0)
