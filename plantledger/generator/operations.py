"""Operations over the history window: production, material flows, logistics, then the raw
tables that record them."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from plantledger.generator.ledger import build_raw_tables
from plantledger.generator.logistics import build_logistics
from plantledger.generator.materials import build_material_flows, locations
from plantledger.generator.production import build_production
from plantledger.params import GenerationParams


def simulate_operations(
    params: GenerationParams, master: dict[str, pl.DataFrame]
) -> Iterator[tuple[str, pl.DataFrame]]:
    locs = locations(master)
    prod = build_production(params, master)
    flows = build_material_flows(params, master, prod, locs, first_key=1)
    logi = build_logistics(
        params, master, locs, flows.receipts, prod.orders, first_key=flows.next_key
    )
    yield from build_raw_tables(params, master, prod, flows, logi, locs).items()
