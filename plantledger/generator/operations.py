"""Operations over the history window, shard by shard: production, material flows, logistics,
then the raw tables that record them. The inventory summary comes last, over all shards."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from plantledger.generator.ledger import build_inventory, build_raw_tables
from plantledger.generator.logistics import build_logistics
from plantledger.generator.materials import build_material_flows
from plantledger.generator.production import (
    NAMED_ORDERS,
    NAMED_PRODUCTS,
    NAMED_WOS,
    build_production,
)
from plantledger.generator.production_rules import current_routings, product_homes
from plantledger.generator.sharding import Counters, plan_shards
from plantledger.generator.stock_rules import locations
from plantledger.params import GenerationParams

NAMED_YEAR = 2024
"""The year of the named work orders and orders (WO-2024-00001, ORD-2024-001...)."""


def simulate_operations(
    params: GenerationParams, master: dict[str, pl.DataFrame]
) -> Iterator[tuple[str, pl.DataFrame]]:
    locs = locations(master)
    homes = product_homes(current_routings(master))
    named_ids = master["products"].filter(pl.col("sku").is_in(NAMED_PRODUCTS))["id"]
    named_homes = set(homes.filter(pl.col("product_id").is_in(named_ids.implode()))["facility_id"])
    counters = Counters(
        reserved={("WO", NAMED_YEAR): len(NAMED_WOS), ("ORD", NAMED_YEAR): len(NAMED_ORDERS)}
    )
    inventory: list[pl.DataFrame] = []
    for shard in plan_shards(params, homes, named_homes):
        prod = build_production(params, master, shard, counters)
        flows = build_material_flows(params, master, prod, locs, shard, first_key=1)
        logi = build_logistics(
            params, master, locs, flows.receipts, prod.orders, shard, first_key=flows.next_key
        )
        tables, stock = build_raw_tables(params, master, prod, flows, logi, locs, shard, counters)
        inventory.append(stock)
        del prod, flows, logi  # free this shard before the next one is built
        yield from tables.items()
        del tables
    yield "inventory", build_inventory(params, master, inventory)
