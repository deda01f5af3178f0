"""Operations over the history window, shard by shard: production, material flows, logistics,
then the raw tables that record them. The inventory summary comes last, over all shards.

Each plan shard is simulated on its own (its random streams, ids and code numbers are its own,
:mod:`plantledger.generator.sharding`), so a subset of the plan can be generated apart
(:func:`simulate_shards`, ``plantledger generate --shard I/N``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

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
from plantledger.generator.sharding import Counters, Shard, plan_shards
from plantledger.generator.stock_rules import locations
from plantledger.params import GenerationParams

NAMED_YEAR = 2024
"""The year of the named work orders and orders (WO-2024-00001, ORD-2024-001...)."""
SHARDED_TABLES = (
    "orders",
    "order_items",
    "work_orders",
    "work_order_steps",
    "material_transactions",
    "material_lots",
    "material_sublots",
    "supplier_receipts",
    "sublot_movements",
    "shipments",
    "shipment_sublots",
    "plc_tag_events",
)
"""The tables every plan shard yields one piece of, in the plan's order."""


def operation_plan(params: GenerationParams, master: dict[str, pl.DataFrame]) -> list[Shard]:
    """The plan shards of the operations (factories with their products), in order."""
    homes = product_homes(current_routings(master))
    named_ids = master["products"].filter(pl.col("sku").is_in(NAMED_PRODUCTS))["id"]
    named_homes = set(homes.filter(pl.col("product_id").is_in(named_ids.implode()))["facility_id"])
    return plan_shards(params, homes, named_homes)


def simulate_shards(
    params: GenerationParams,
    master: dict[str, pl.DataFrame],
    plan: list[Shard],
    positions: Iterable[int],
    stock: list[pl.DataFrame],
) -> Iterator[tuple[str, pl.DataFrame]]:
    """The tables of the plan shards at ``positions`` (in that order); each shard's
    contribution to the inventory summary is appended to ``stock``."""
    locs = locations(master)
    for position in positions:
        shard = plan[position]
        counters = Counters(
            reserved={("WO", NAMED_YEAR): len(NAMED_WOS), ("ORD", NAMED_YEAR): len(NAMED_ORDERS)},
            lane=position,
            lanes=len(plan),
        )
        prod = build_production(params, master, shard, counters)
        flows = build_material_flows(params, master, prod, locs, shard, first_key=1)
        logi = build_logistics(
            params, master, locs, flows.receipts, prod.orders, shard, first_key=flows.next_key
        )
        tables, contribution = build_raw_tables(
            params, master, prod, flows, logi, locs, shard, counters
        )
        if tuple(tables) != SHARDED_TABLES:
            raise AssertionError(f"a plan shard yields {tuple(tables)}, not {SHARDED_TABLES}")
        stock.append(contribution)
        del prod, flows, logi  # free this shard before the next one is built
        yield from tables.items()
        del tables


def simulate_operations(
    params: GenerationParams, master: dict[str, pl.DataFrame]
) -> Iterator[tuple[str, pl.DataFrame]]:
    plan = operation_plan(params, master)
    stock: list[pl.DataFrame] = []
    yield from simulate_shards(params, master, plan, range(len(plan)), stock)
    yield "inventory", build_inventory(params, master, stock)
