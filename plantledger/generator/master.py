"""Master data: the base supply-chain model and the manufacturing master tables.

The constant tables live in :mod:`plantledger.generator.catalogue`, the plant tables
(facilities, routes, work centres, routings, storage locations) in
:mod:`plantledger.generator.plant`; this module builds the supply side and puts them together.

``build_master(params)`` returns one Polars frame per master table, with exactly the columns of
``plantledger.schema.RAW_SCHEMAS`` (the caller casts them to the contract). Everything is built
column-wise with NumPy and Polars; each table draws from its own random stream
(``params.rng("<table>")``), so the output depends only on the parameters. Faker is used only to
seed small pools of surnames for company names.

Named entities with fixed codes (suppliers SUP00001-3, parts CHIP-001 ..., products TURBO-001 ...,
facilities FAC-CHI ..., customers CUST-ACME ..., work centers WC-ASM-01 / WC-TEST-01) come first
in their tables and exist at every scale.
"""

from __future__ import annotations

import string

import numpy as np
import polars as pl
from faker import Faker

from plantledger.generator.catalogue import (
    ACME,
    ASSEMBLY_NOUNS,
    CERTIFICATIONS,
    COMPONENT_CATEGORIES,
    CUSTOMER_COUNTRY_WEIGHTS,
    CUSTOMER_SUFFIXES,
    EASTERN,
    GLOBALTECH,
    LEVEL_SHARES,
    NAMED_COMPONENTS,
    NAMED_CUSTOMERS,
    NAMED_PARTS,
    NAMED_PRODUCTS,
    NAMED_SUPPLIERS,
    PACIFIC,
    PART_ADJECTIVES,
    PRECISION,
    PRODUCT_ADJECTIVES,
    PRODUCT_CATEGORIES,
    SUBASSEMBLY_NOUNS,
    SUPPLIER_COUNTRY_WEIGHTS,
    SUPPLIER_SUFFIXES,
    TURBO_ENC,
    TURBO_ENC_BOM,
)
from plantledger.generator.master_draw import (
    city_frame,
    city_index,
    city_weights,
    company_names,
    created_before,
    dates_after,
    expand,
    group_members,
    history_days,
    pick,
    pick_member,
    serial_ids,
    split_counts,
    surname_pool,
)
from plantledger.generator.plant import (
    build_facilities,
    build_production_routings,
    build_transport_routes,
    build_work_centers,
)
from plantledger.generator.storage_locations import build_storage_locations
from plantledger.params import GenerationParams


def _suppliers(params: GenerationParams, fake: Faker, cities: pl.DataFrame) -> pl.DataFrame:
    rng = params.rng("suppliers")
    n = params.scaled(1000, minimum=20)
    named = len(NAMED_SUPPLIERS)
    n1, n2, n3 = split_counts(n, (0.1, 0.3, 0.6), (3, 1, 1))
    rest = np.repeat([1, 2, 3], [n1 - 3, n2 - 1, n3 - 1])
    tier = np.concatenate([[t for _, t, _, _ in NAMED_SUPPLIERS], rng.permutation(rest)])

    city_idx = rng.choice(cities.height, n, p=city_weights(cities, SUPPLIER_COUNTRY_WEIGHTS))
    city_idx[:named] = city_index(cities, [c for _, _, c, _ in NAMED_SUPPLIERS])
    names = company_names(rng, surname_pool(fake, 600), SUPPLIER_SUFFIXES, n)
    names = names.scatter(range(named), [s[0] for s in NAMED_SUPPLIERS])
    rating = pick(
        rng, ("AAA", "AA", "A", "BBB", "BB", "B"), n, (0.05, 0.15, 0.30, 0.30, 0.15, 0.05)
    )
    rating[:named] = [s[3] for s in NAMED_SUPPLIERS]
    active = rng.random(n) < 0.95
    active[:named] = True
    mailbox = pick(rng, ("sales", "info", "orders", "contact", "procurement"), n)
    place = cities[city_idx]
    return pl.DataFrame(
        {
            "id": serial_ids(n),
            "name": names,
            "tier": tier,
            "country": place["country"],
            "city": place["city"],
            "mailbox": mailbox,
            "credit_rating": rating,
            "is_active": active,
            "created_at": created_before(rng, params, n, 60, 6 * 365),
        }
    ).select(
        "id",
        pl.format("SUP{}", pl.col("id").cast(pl.String).str.zfill(5)).alias("supplier_code"),
        "name",
        "tier",
        "country",
        "city",
        pl.format(
            "{}@{}.com",
            "mailbox",
            pl.col("name").str.to_lowercase().str.replace_all("[^a-z0-9]", ""),
        ).alias("contact_email"),
        "credit_rating",
        "is_active",
        "created_at",
    )


def _supplier_relationships(params: GenerationParams, suppliers: pl.DataFrame) -> pl.DataFrame:
    rng = params.rng("supplier_relationships")
    ids = suppliers["id"].to_numpy()
    tier = suppliers["tier"].to_numpy()
    by_tier = group_members(tier, ids)
    sellers = ids[tier > 1]
    target = max(params.scaled(1700, minimum=10), len(sellers) + 2)

    extra = max(0, int((target - len(sellers)) * 1.15) + 5)
    seller = np.concatenate([sellers, rng.choice(sellers, extra)])
    seller_tier = tier[seller - 1]
    # mostly the next tier down; a tier-3 seller sometimes skips straight to tier 1
    buyer_tier = np.where((seller_tier == 3) & (rng.random(len(seller)) < 0.12), 1, seller_tier - 1)
    buyer = pick_member(rng, buyer_tier, by_tier)
    named = pl.DataFrame({"seller_id": [EASTERN, PACIFIC], "buyer_id": [PACIFIC, ACME]})
    pairs = (
        pl.concat(
            [
                named,
                pl.DataFrame({"seller_id": seller, "buyer_id": buyer}),
            ]
        )
        .unique(maintain_order=True)
        .head(target)
    )
    n = pairs.height
    order = np.concatenate([np.arange(len(named)), len(named) + rng.permutation(n - len(named))])
    pairs = pairs[order]

    kind = pick(rng, ("direct_supply", "subcontract", "strategic_partner"), n, (0.7, 0.2, 0.1))
    status = pick(rng, ("active", "suspended", "terminated"), n, (0.85, 0.05, 0.10))
    kind[: len(named)] = "direct_supply"
    status[: len(named)] = "active"
    start = -rng.integers(60, 6 * 365, n)
    end = start + rng.integers(365, 5 * 365, n)
    # active contracts run past the end date (renewed); terminated ones ended before it
    end = np.where((status == "active") & (end < 30), rng.integers(30, 3 * 365, n), end)
    end = np.where(status == "terminated", np.minimum(end, -rng.integers(1, 30, n)), end)
    end = np.maximum(end, start + 30)
    return (
        pairs.with_columns(
            id=pl.Series(serial_ids(n)),
            relationship_type=pl.Series(kind),
            contract_start_date=pl.Series(dates_after(params.end_date, start)),
            contract_end_date=pl.Series(dates_after(params.end_date, end)),
            relationship_status=pl.Series(status),
        )
        .with_columns(
            is_primary=pl.int_range(pl.len()).over("seller_id") == 0,
        )
        .select(
            "id",
            "seller_id",
            "buyer_id",
            "relationship_type",
            "contract_start_date",
            "contract_end_date",
            "is_primary",
            "relationship_status",
        )
    )


def _parts(params: GenerationParams, suppliers: pl.DataFrame) -> tuple[pl.DataFrame, np.ndarray]:
    """Parts and their (hidden) BOM level: 1 = bought component, 2-5 = assemblies."""
    rng = params.rng("parts")
    n = params.scaled(15000, minimum=60)
    named = len(NAMED_PARTS)
    named_levels = np.array([p[8] for p in NAMED_PARTS])
    counts = np.array(split_counts(n, LEVEL_SHARES, (named + 1, 1, 2, 1, 1)))
    counts -= np.bincount(named_levels, minlength=6)[1:]
    level = np.concatenate([named_levels, rng.permutation(np.repeat(np.arange(1, 6), counts))])

    cat_names = [c[0] for c in COMPONENT_CATEGORIES]
    category = np.where(
        level == 1,
        pick(rng, cat_names, n, [c[1] for c in COMPONENT_CATEGORIES]),
        np.where(level == 2, "subassembly", "assembly"),
    ).astype(object)
    noun = np.empty(n, dtype=object)
    nouns_of = {
        **{c[0]: c[3] for c in COMPONENT_CATEGORIES},
        "subassembly": SUBASSEMBLY_NOUNS,
        "assembly": ASSEMBLY_NOUNS,
    }
    for cat, nouns in nouns_of.items():  # a handful of categories
        mask = category == cat
        noun[mask] = pick(rng, nouns, int(mask.sum()))
    adjective = pick(rng, PART_ADJECTIVES, n)

    median_cost = np.array([0.0, 4.0, 60.0, 180.0, 420.0, 900.0])[level]
    cost = np.round(np.maximum(median_cost * rng.lognormal(0.0, 0.8, n), 0.01), 2)
    median_weight = np.array([0.0, 0.05, 1.5, 4.0, 9.0, 20.0])[level]
    weight = np.round(np.maximum(median_weight * rng.lognormal(0.0, 0.9, n), 0.001), 3)
    lead = np.where(level == 1, rng.integers(5, 61, n), rng.integers(10, 91, n))
    # bought components from any active supplier, assemblies from active tier-1/2 suppliers
    active = suppliers.filter("is_active")
    supplier = np.where(
        level == 1,
        rng.choice(active["id"].to_numpy(), n),
        rng.choice(active.filter(pl.col("tier") <= 2)["id"].to_numpy(), n),
    )
    critical = rng.random(n) < np.array([0.0, 0.05, 0.10, 0.15, 0.25, 0.30])[level]
    min_stock = np.where(level == 1, rng.integers(2, 201, n) * 5, rng.integers(1, 21, n) * 5)

    category[:named] = [p[2] for p in NAMED_PARTS]
    cost[:named] = [p[3] for p in NAMED_PARTS]
    weight[:named] = [p[4] for p in NAMED_PARTS]
    lead[:named] = [p[5] for p in NAMED_PARTS]
    supplier[:named] = [p[6] for p in NAMED_PARTS]
    critical[:named] = [p[7] for p in NAMED_PARTS]
    uom_of = {c[0]: c[2] for c in COMPONENT_CATEGORIES}
    others = pl.select(
        pl.format("PRT-{}", pl.int_range(1, n - named + 1).cast(pl.String).str.zfill(6))
    ).to_series()
    frame = pl.DataFrame(
        {
            "id": serial_ids(n),
            "part_number": pl.concat([pl.Series([p[0] for p in NAMED_PARTS]), others]),
            "adjective": adjective,
            "noun": noun.astype(str),
            "category": category.astype(str),
            "unit_cost": cost,
            "weight_kg": weight,
            "lead_time_days": lead,
            "primary_supplier_id": supplier,
            "is_critical": critical,
            "min_stock_level": min_stock,
            "created_at": created_before(rng, params, n, 60, 6 * 365),
        }
    )
    description = frame.select(pl.format("{} {}", "adjective", "noun")).to_series()
    description = description.scatter(range(named), [p[1] for p in NAMED_PARTS])
    parts = frame.with_columns(
        description=description,
        base_uom=pl.col("category").replace_strict(uom_of, default="each"),
    ).select(
        "id",
        "part_number",
        "description",
        "category",
        "unit_cost",
        "weight_kg",
        "lead_time_days",
        "primary_supplier_id",
        "is_critical",
        "min_stock_level",
        "base_uom",
        "created_at",
    )
    return parts, level


def _bill_of_materials(
    params: GenerationParams, parts: pl.DataFrame, level: np.ndarray
) -> pl.DataFrame:
    """Multi-level bills: a parent only ever has children of a lower level (so acyclic)."""
    rng = params.rng("bill_of_materials")
    ids = parts["id"].to_numpy()
    uom = parts["base_uom"].to_numpy()
    target = params.scaled(42700, minimum=50)
    parents = ids[level >= 2]
    extra = max(0, target - 2 * len(parents))
    per_parent = 2 + rng.multinomial(extra, np.full(len(parents), 1.0 / len(parents)))
    parent, _ = expand(parents, per_parent)
    parent_level = level[parent - 1]
    child_level = np.where(
        rng.random(len(parent)) < 0.65, parent_level - 1, rng.integers(1, parent_level)
    )
    child = pick_member(rng, child_level, group_members(level, ids))

    named = pl.DataFrame(
        {
            "parent_part_id": np.full(len(TURBO_ENC_BOM), TURBO_ENC, dtype=np.int64),
            "child_part_id": np.array([c for c, _ in TURBO_ENC_BOM], dtype=np.int64),
            "named_quantity": [q for _, q in TURBO_ENC_BOM],
        }
    )
    edges = pl.concat(
        [
            named,
            pl.DataFrame({"parent_part_id": parent, "child_part_id": child}).with_columns(
                named_quantity=pl.lit(None, dtype=pl.Float64)
            ),
        ]
    ).unique(subset=["parent_part_id", "child_part_id"], keep="first", maintain_order=True)
    edges = edges.sort("parent_part_id", maintain_order=True).with_columns(
        first=pl.int_range(pl.len()).over("parent_part_id") == 0,
    )
    n = edges.height
    child_uom = uom[edges["child_part_id"].to_numpy() - 1]
    quantity = np.select(
        [child_uom == "kg", child_uom == "m", child_uom == "L"],
        [
            np.round(rng.uniform(0.05, 5.0, n), 3),
            np.round(rng.uniform(0.1, 10.0, n), 2),
            np.round(rng.uniform(0.01, 2.0, n), 3),
        ],
        default=pick(
            rng, (1, 2, 3, 4, 6, 8, 10, 12), n, (0.4, 0.2, 0.1, 0.1, 0.07, 0.05, 0.05, 0.03)
        ).astype(float),
    )
    named_quantity = edges["named_quantity"].to_numpy()
    is_named = ~np.isnan(named_quantity)
    quantity = np.where(is_named, named_quantity, quantity)
    forced = edges["first"].to_numpy() | is_named
    # 80% current / 15% superseded / 5% future overall, with forced rows counted as current
    free = max(1.0 - forced.mean(), 1e-9)
    p_old, p_future = min(0.15 / free, 0.5), min(0.05 / free, 0.2)
    state = rng.choice(3, n, p=[1.0 - p_old - p_future, p_old, p_future])
    state[forced] = 0
    start = np.select(
        [is_named, state == 0, state == 1],
        [-rng.integers(900, 2500, n), -rng.integers(30, 2500, n), -rng.integers(900, 3000, n)],
        default=rng.integers(1, 366, n),
    )
    stop = np.minimum(start + rng.integers(180, 1500, n), -rng.integers(1, 61, n))
    return edges.with_columns(
        id=pl.Series(serial_ids(n)),
        quantity=pl.Series(quantity),
        unit=pl.Series(child_uom),
        is_optional=pl.Series(~forced & (rng.random(n) < 0.06)),
        assembly_sequence=(pl.int_range(1, pl.len() + 1).over("parent_part_id") * 10),
        effective_from=pl.Series(dates_after(params.end_date, start)),
        effective_to=pl.Series(dates_after(params.end_date, stop, null=state != 1)),
    ).select(
        "id",
        "parent_part_id",
        "child_part_id",
        "quantity",
        "unit",
        "is_optional",
        "assembly_sequence",
        "effective_from",
        "effective_to",
    )


def _part_suppliers(
    params: GenerationParams, parts: pl.DataFrame, suppliers: pl.DataFrame
) -> pl.DataFrame:
    """Every part's primary supplier (approved) plus alternative sources."""
    rng = params.rng("part_suppliers")
    n_parts = parts.height
    target = max(params.scaled(22500, minimum=n_parts), n_parts)
    draws = int((target - n_parts) * 1.1) + 10
    primary = parts.select(
        part_id="id",
        supplier_id="primary_supplier_id",
        is_primary=pl.lit(True),
    )
    alternative = pl.DataFrame(
        {
            "part_id": rng.integers(1, n_parts + 1, draws),
            "supplier_id": rng.integers(1, suppliers.height + 1, draws),
            "is_primary": np.zeros(draws, dtype=bool),
        }
    )
    links = (
        pl.concat([primary, alternative])
        .unique(subset=["part_id", "supplier_id"], keep="first", maintain_order=True)
        .head(target)
        .sort("part_id", maintain_order=True)
    )
    n = links.height
    prefix = suppliers.select(
        supplier_id="id",
        prefix=pl.col("name").str.replace_all("[^A-Za-z]", "").str.slice(0, 3).str.to_uppercase(),
    )
    links = links.join(
        parts.select(part_id="id", part_cost="unit_cost", part_lead="lead_time_days"),
        on="part_id",
        how="left",
        maintain_order="left",
    ).join(prefix, on="supplier_id", how="left", maintain_order="left")
    primary_row = links["is_primary"].to_numpy()
    factor = np.where(primary_row, 1.0, rng.uniform(0.85, 1.3, n))
    lead_delta = np.where(primary_row, 0, rng.integers(-7, 15, n))
    return links.with_columns(
        id=pl.Series(serial_ids(n)),
        supplier_part_number=pl.format(
            "{}-{}", "prefix", pl.Series(rng.integers(0, 1_000_000, n)).cast(pl.String).str.zfill(6)
        ),
        unit_cost=(pl.col("part_cost") * pl.Series(factor)).round(2).clip(lower_bound=0.01),
        lead_time_days=(pl.col("part_lead") + pl.Series(lead_delta)).clip(lower_bound=1),
        is_approved=pl.Series(primary_row | (rng.random(n) < 0.8)),
    ).select(
        "id",
        "part_id",
        "supplier_id",
        "supplier_part_number",
        "unit_cost",
        "lead_time_days",
        "is_approved",
    )


def _products(
    params: GenerationParams, parts: pl.DataFrame, level: np.ndarray
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Products and their components (each component part is shared by a few products)."""
    rng = params.rng("products")
    n = params.scaled(500, minimum=12)
    named = len(NAMED_PRODUCTS)
    cat_idx = rng.choice(len(PRODUCT_CATEGORIES), n)
    cat_names = [c[0] for c in PRODUCT_CATEGORIES]
    cat_idx[:named] = [cat_names.index(p[2]) for p in NAMED_PRODUCTS]
    noun = np.empty(n, dtype=object)
    for i, (_, _, nouns) in enumerate(PRODUCT_CATEGORIES):  # five categories
        mask = cat_idx == i
        noun[mask] = pick(rng, nouns, int(mask.sum()))
    alphabet = np.array(list(string.ascii_uppercase))
    # launch relative to history start: most before it, a tenth during history
    before = rng.random(n) < 0.9
    launch = np.where(
        before,
        -rng.integers(30, 6 * 365, n),
        rng.integers(0, max(1, history_days(params) - 120), n),
    )
    launch[:named] = [-p[4] for p in NAMED_PRODUCTS]
    before[:named] = True
    active = ~(before & (rng.random(n) < 0.08))
    active[:named] = True
    discontinued = rng.integers(60, max(61, history_days(params) - 30), n)
    frame = pl.DataFrame(
        {
            "id": serial_ids(n),
            "prefix": np.array([c[1] for c in PRODUCT_CATEGORIES])[cat_idx],
            "adjective": pick(rng, PRODUCT_ADJECTIVES, n),
            "noun": noun.astype(str),
            "series": np.char.add(
                alphabet[rng.integers(0, 26, n)], (rng.integers(10, 100, n) * 10).astype(str)
            ),
            "category": np.array(cat_names)[cat_idx],
            "is_active": active,
            "launch_date": dates_after(params.history_start, launch),
            "discontinued_date": dates_after(params.history_start, discontinued, null=active),
        }
    )
    sku = (
        frame.select(pl.format("{}-{}", "prefix", pl.col("id").cast(pl.String).str.zfill(4)))
        .to_series()
        .scatter(range(named), [p[0] for p in NAMED_PRODUCTS])
    )
    name = frame.select(pl.format("{} {} {}", "adjective", "noun", "series")).to_series()
    name = name.scatter(range(named), [p[1] for p in NAMED_PRODUCTS])

    components = _product_components(params, n, level)
    # bill cost per product (numpy, so the float sums are order-stable)
    part_cost = parts["unit_cost"].to_numpy()[components["part_id"].to_numpy() - 1]
    cost_of = np.bincount(
        components["product_id"].to_numpy(),
        minlength=n + 1,
        weights=part_cost * components["quantity"].to_numpy(),
    )
    price = np.round(cost_of[1:] * rng.uniform(1.5, 2.8, n) + rng.uniform(10.0, 150.0, n), 2)
    price[:named] = [p[3] for p in NAMED_PRODUCTS]
    products = frame.with_columns(sku=sku, name=name, list_price=pl.Series(price)).select(
        "id",
        "sku",
        "name",
        "category",
        "list_price",
        "is_active",
        "launch_date",
        "discontinued_date",
    )
    return products, components


def _product_components(
    params: GenerationParams, n_products: int, level: np.ndarray
) -> pl.DataFrame:
    rng = params.rng("product_components")
    n_parts = len(level)
    ids = serial_ids(n_parts)
    named_parts = len(NAMED_PARTS)
    pool_size = min(params.scaled(500, minimum=20), n_parts)
    upper = ids[(level >= 2) & (ids > named_parts)]
    lower = ids[(level == 1) & (ids > named_parts)]
    n_upper = min((pool_size - named_parts) // 2, len(upper))
    n_lower = min(pool_size - named_parts - n_upper, len(lower))
    pool = np.concatenate(
        [
            ids[:named_parts],
            rng.choice(upper, n_upper, replace=False),
            rng.choice(lower, n_lower, replace=False),
        ]
    )
    named_products = len(NAMED_PRODUCTS)
    others = serial_ids(n_products)[named_products:]
    wanted = rng.choice([2, 3, 4, 5], len(others), p=[0.4, 0.35, 0.17, 0.08])
    product, _ = expand(others, np.full(len(others), 12))
    named = pl.DataFrame(
        {
            "product_id": [c[0] for c in NAMED_COMPONENTS],
            "part_id": [c[1] for c in NAMED_COMPONENTS],
            "named_quantity": [c[2] for c in NAMED_COMPONENTS],
            "wanted": [len(NAMED_COMPONENTS)] * len(NAMED_COMPONENTS),
        },
        schema={
            "product_id": pl.Int64,
            "part_id": pl.Int64,
            "named_quantity": pl.Int64,
            "wanted": pl.Int64,
        },
    )
    drawn = (
        pl.DataFrame(
            {
                "product_id": product,
                "part_id": rng.choice(pool, len(product)),
                "wanted": np.repeat(wanted, 12),
            }
        )
        .with_columns(named_quantity=pl.lit(None, dtype=pl.Int64))
        .select(named.columns)
    )
    rows = (
        pl.concat([named, drawn])
        .unique(subset=["product_id", "part_id"], keep="first", maintain_order=True)
        .filter(pl.int_range(pl.len()).over("product_id") < pl.col("wanted"))
    )
    n = rows.height
    return rows.with_columns(
        id=pl.Series(serial_ids(n)),
        quantity=pl.col("named_quantity").fill_null(
            pl.Series(rng.choice([1, 2, 3, 4], n, p=[0.5, 0.25, 0.15, 0.1]))
        ),
        is_required=pl.col("named_quantity").is_not_null() | pl.Series(rng.random(n) < 0.93),
    ).select("id", "product_id", "part_id", "quantity", "is_required")


def _customers(params: GenerationParams, fake: Faker, cities: pl.DataFrame) -> pl.DataFrame:
    rng = params.rng("customers")
    n = params.scaled(5000, minimum=20)
    named = len(NAMED_CUSTOMERS)
    names = company_names(rng, surname_pool(fake, 600), CUSTOMER_SUFFIXES, n)
    names = names.scatter(range(named), [c[1] for c in NAMED_CUSTOMERS])
    kind = pick(rng, ("retail", "wholesale", "enterprise"), n, (0.5, 0.3, 0.2))
    kind[:named] = [c[2] for c in NAMED_CUSTOMERS]
    city_idx = rng.choice(cities.height, n, p=city_weights(cities, CUSTOMER_COUNTRY_WEIGHTS))
    city_idx[:named] = city_index(cities, [c[3] for c in NAMED_CUSTOMERS])
    place = cities[city_idx]
    codes = pl.select(
        pl.format("CUST-{}", pl.int_range(1, n - named + 1).cast(pl.String).str.zfill(5))
    ).to_series()
    return pl.DataFrame(
        {
            "id": serial_ids(n),
            "customer_code": pl.concat([pl.Series([c[0] for c in NAMED_CUSTOMERS]), codes]),
            "name": names,
            "customer_type": kind,
            "city": place["city"],
            "country": place["country"],
            "created_at": created_before(rng, params, n, 30, 8 * 365),
        }
    )


def _supplier_certifications(params: GenerationParams, suppliers: pl.DataFrame) -> pl.DataFrame:
    rng = params.rng("supplier_certifications")
    target = params.scaled(1400, minimum=10)
    tier = suppliers["tier"].to_numpy()
    weight = np.select([tier == 1, tier == 2], [3.0, 1.5], 1.0)
    draws = int(target * 1.4) + 10
    named = pl.DataFrame(
        {"supplier_id": [ACME, GLOBALTECH, PRECISION, PRECISION], "cert": [0, 0, 0, 3]},
        schema={"supplier_id": pl.Int64, "cert": pl.Int64},
    )
    drawn = pl.DataFrame(
        {
            "supplier_id": rng.choice(suppliers["id"].to_numpy(), draws, p=weight / weight.sum()),
            "cert": rng.choice(len(CERTIFICATIONS), draws, p=[c[2] for c in CERTIFICATIONS]),
        }
    )
    certs = (
        pl.concat([named, drawn])
        .unique(subset=["supplier_id", "cert"], keep="first", maintain_order=True)
        .head(target)
        .sort("supplier_id", maintain_order=True)
    )
    n = certs.height
    is_named = np.zeros(n, dtype=bool)
    is_named[np.isin(certs["supplier_id"].to_numpy(), [ACME, GLOBALTECH, PRECISION])] = True
    issued = np.where(is_named, -rng.integers(30, 700, n), -rng.integers(0, 6 * 365, n))
    expiry = issued + 3 * 365
    revoked = ~is_named & (rng.random(n) < 0.03)
    cert = certs["cert"].to_numpy()
    return (
        certs.with_columns(
            id=pl.Series(serial_ids(n)),
            certification_type=pl.Series(np.array([c[0] for c in CERTIFICATIONS])[cert]),
            abbreviation=pl.Series(np.array([c[1] for c in CERTIFICATIONS])[cert]),
            issued_date=pl.Series(dates_after(params.end_date, issued)),
            expiry_date=pl.Series(dates_after(params.end_date, expiry)),
            is_valid=pl.Series((expiry >= 0) & ~revoked),
        )
        .with_columns(
            certification_number=pl.format(
                "{}-{}-{}",
                "abbreviation",
                pl.col("issued_date").dt.year(),
                pl.Series(rng.choice(10_000_000, n, replace=False)).cast(pl.String).str.zfill(7),
            ),
        )
        .select(
            "id",
            "supplier_id",
            "certification_type",
            "certification_number",
            "issued_date",
            "expiry_date",
            "is_valid",
        )
    )


def build_master(params: GenerationParams) -> dict[str, pl.DataFrame]:
    """All master tables, keyed by raw table name (columns as in ``RAW_SCHEMAS``)."""
    fake = Faker("en_US")
    fake.seed_instance(params.seed)
    cities = city_frame()
    suppliers = _suppliers(params, fake, cities)
    parts, level = _parts(params, suppliers)
    products, product_components = _products(params, parts, level)
    facilities = build_facilities(params, cities)
    work_centers = build_work_centers(params, facilities)
    return {
        "suppliers": suppliers,
        "supplier_relationships": _supplier_relationships(params, suppliers),
        "parts": parts,
        "bill_of_materials": _bill_of_materials(params, parts, level),
        "part_suppliers": _part_suppliers(params, parts, suppliers),
        "products": products,
        "product_components": product_components,
        "facilities": facilities,
        "transport_routes": build_transport_routes(params, facilities, cities),
        "customers": _customers(params, fake, cities),
        "supplier_certifications": _supplier_certifications(params, suppliers),
        "work_centers": work_centers,
        "production_routings": build_production_routings(params, products, work_centers),
        "storage_locations": build_storage_locations(params, facilities),
    }
