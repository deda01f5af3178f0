"""The plant master tables: facilities, the transport routes between them, work centres,
production routings and storage locations (each from its own random stream)."""

from __future__ import annotations

import numpy as np
import polars as pl

from plantledger.generator.catalogue import (
    ASM_OPS,
    FAC_CHI,
    FACILITY_LABEL,
    MODE_CUMULATIVE,
    MODE_FIXED_USD,
    MODE_HANDLING_H,
    MODE_PER_KM_USD,
    MODE_ROAD_FACTOR,
    MODE_SPEED_KMH,
    MODES,
    NAMED_FACILITIES,
    NAMED_PRODUCTS,
    NAMED_ROUTES,
    NAMED_ROUTINGS,
    OPERATION_WC_TYPE,
    OPERATIONS,
    PACK_OPS,
    PREP_OPS,
    ROUTING_TEMPLATES,
    RUN_MINUTES,
    TEST_OPS,
    TURBO,
    WC_ABBR,
    WC_SPECS,
    WC_TYPES,
    WORK_CENTER_TYPES,
)
from plantledger.generator.master_draw import (
    DAY_S,
    US,
    all_codes,
    city_index,
    dates_after,
    expand,
    group_members,
    instant_us,
    instants,
    pick,
    pick_member,
    serial_ids,
    split_counts,
)
from plantledger.params import GenerationParams


def build_facilities(params: GenerationParams, cities: pl.DataFrame) -> pl.DataFrame:
    rng = params.rng("facilities")
    n = params.scaled(100, minimum=12)
    named = len(NAMED_FACILITIES)
    n_factory, n_warehouse, n_dc = split_counts(n, (0.33, 0.34, 0.33), (4, 2, 2))
    rest = np.repeat(
        ["factory", "warehouse", "distribution_center"], [n_factory - 3, n_warehouse - 1, n_dc - 1]
    )
    ftype = np.concatenate([[f[2] for f in NAMED_FACILITIES], rng.permutation(rest)])

    named_idx = city_index(cities, [f[1] for f in NAMED_FACILITIES])
    candidates = np.setdiff1d(np.arange(cities.height), named_idx)
    n_other = n - named
    if n_other <= len(candidates):
        other_idx = rng.choice(candidates, n_other, replace=False)
    else:  # more facilities than cities: every city once, then more sites in the same cities
        other_idx = rng.permutation(
            np.concatenate([candidates, rng.choice(candidates, n_other - len(candidates))])
        )
    city_idx = np.concatenate([named_idx, other_idx])
    frame = pl.concat(
        [pl.DataFrame({"id": serial_ids(n), "facility_type": ftype}), cities[city_idx]],
        how="horizontal",
    ).with_columns(
        in_city=pl.int_range(pl.len()).over("city"),
        in_city_type=pl.int_range(pl.len()).over("city", "facility_type"),
    )
    # the first facility in a city takes the city's code, later ones an unused code
    in_city = frame["in_city"].to_numpy()
    needs_code = (in_city > 0) & (frame["id"].to_numpy() > named)
    spare = np.setdiff1d(all_codes(3), cities["city_code"].to_numpy())
    if needs_code.sum() > len(spare):
        spare = np.concatenate([spare, all_codes(4)])
    code = np.char.add("FAC-", frame["city_code"].to_numpy().astype(str)).astype(object)
    code[needs_code] = np.char.add("FAC-", rng.choice(spare, int(needs_code.sum()), replace=False))
    code[:named] = [f[0] for f in NAMED_FACILITIES]
    jitter = np.where(np.arange(n) < named, 0.0, 1.0)
    capacity_range = {
        "factory": (50, 500),
        "warehouse": (100, 1000),
        "distribution_center": (50, 600),
    }
    low = np.array([capacity_range[t][0] for t in ftype])
    high = np.array([capacity_range[t][1] for t in ftype])
    return frame.with_columns(
        facility_code=pl.Series(code.astype(str)),
        name=pl.format(
            "{} {}{}",
            "city",
            pl.col("facility_type").replace_strict(FACILITY_LABEL),
            pl.when(pl.col("in_city_type") > 0)
            .then(pl.format(" {}", pl.col("in_city_type") + 1))
            .otherwise(pl.lit("")),
        ),
        latitude=(pl.col("latitude") + pl.Series(rng.normal(0, 0.02, n) * jitter)).round(4),
        longitude=(pl.col("longitude") + pl.Series(rng.normal(0, 0.02, n) * jitter)).round(4),
        capacity_units=pl.Series((low + (rng.random(n) * (high - low)).astype(np.int64)) * 100),
        # factories (and their work centers) predate every product's first routing, which
        # starts at most ~6.7 years before history
        created_at=instants(
            instant_us(params.start_instant())
            - np.where(
                ftype == "factory", rng.integers(2740, 10 * 365, n), rng.integers(365, 10 * 365, n)
            )
            * DAY_S
            * US
            - rng.integers(0, DAY_S, n) * US
        ),
    ).select(
        "id",
        "facility_code",
        "name",
        "facility_type",
        "city",
        "state",
        "country",
        "timezone",
        "latitude",
        "longitude",
        "capacity_units",
        "created_at",
    )


def great_circle_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def build_transport_routes(
    params: GenerationParams, facilities: pl.DataFrame, cities: pl.DataFrame
) -> pl.DataFrame:
    rng = params.rng("transport_routes")
    fac = facilities.join(
        cities.select("city", "region"), on="city", how="left", maintain_order="left"
    )
    n_fac = fac.height
    ids = fac["id"].to_numpy()
    ftype = fac["facility_type"].to_numpy()
    region = fac["region"].to_numpy()
    lat, lon = fac["latitude"].to_numpy(), fac["longitude"].to_numpy()
    target = max(params.scaled(410, minimum=24), len(NAMED_ROUTES) + 2 * n_fac)
    stores = ftype != "factory"
    stores_by_region = group_members(region[stores], ids[stores])
    all_by_region = group_members(region, ids)

    def not_self(other: np.ndarray, this: np.ndarray) -> np.ndarray:
        return np.where(other == this, this % n_fac + 1, other)

    def destinations(origin: np.ndarray) -> np.ndarray:
        near = pick_member(rng, region[origin - 1], stores_by_region)
        anywhere = rng.choice(ids[stores], len(origin))
        use_near = (rng.random(len(origin)) < 0.7) & (near > 0) & (near != origin)
        return not_self(np.where(use_near, near, anywhere), origin)

    # every facility ships somewhere and receives from somewhere; then random lanes
    inbound_to = ids
    near = pick_member(rng, region[inbound_to - 1], all_by_region)
    inbound_from = not_self(
        np.where(rng.random(n_fac) < 0.7, near, rng.choice(ids, n_fac)), inbound_to
    )
    type_weight = np.select([ftype == "factory", ftype == "warehouse"], [0.45, 0.35], 0.20)
    share = type_weight / np.array([np.sum(ftype == t) for t in ftype])
    extra = int((target - 2 * n_fac) * 1.2) + 10
    extra_from = rng.choice(ids, extra, p=share / share.sum())
    origin = np.concatenate([[r[0] for r in NAMED_ROUTES], ids, inbound_from, extra_from])
    destination = np.concatenate(
        [
            [r[1] for r in NAMED_ROUTES],
            destinations(ids),
            inbound_to,
            destinations(extra_from),
        ]
    )
    o, d = origin - 1, destination - 1
    great_circle = great_circle_km(lat[o], lon[o], lat[d], lon[d])
    distance_class = np.select(
        [region[o] != region[d], great_circle < 600, great_circle < 2500], [3, 0, 1], 2
    )
    u = rng.random(len(o))
    mode = (u[:, None] > MODE_CUMULATIVE[distance_class]).sum(axis=1)
    named_modes = [MODES.index(r[2]) for r in NAMED_ROUTES]
    mode[: len(NAMED_ROUTES)] = named_modes
    lanes = (
        pl.DataFrame(
            {
                "origin_facility_id": origin.astype(np.int64),
                "destination_facility_id": destination.astype(np.int64),
                "mode": mode,
                "great_circle": great_circle,
            }
        )
        .unique(
            subset=["origin_facility_id", "destination_facility_id", "mode"],
            keep="first",
            maintain_order=True,
        )
        .head(target)
    )
    n = lanes.height
    mode = lanes["mode"].to_numpy()
    distance = np.round(
        np.maximum(lanes["great_circle"].to_numpy() * MODE_ROAD_FACTOR[mode], 5.0), 1
    )
    hours = np.round(
        distance / MODE_SPEED_KMH[mode] + MODE_HANDLING_H[mode] * rng.uniform(0.8, 1.2, n), 1
    )
    cost = np.round(
        (MODE_FIXED_USD[mode] + MODE_PER_KM_USD[mode] * distance) * rng.uniform(0.9, 1.1, n), 2
    )
    status = pick(rng, ("active", "inactive", "seasonal"), n, (0.85, 0.07, 0.08))
    status[: len(NAMED_ROUTES)] = "active"
    return lanes.with_columns(
        id=pl.Series(serial_ids(n)),
        transport_mode=pl.Series(np.array(MODES)[mode]),
        distance_km=pl.Series(distance),
        transit_time_hours=pl.Series(hours),
        cost_usd=pl.Series(cost),
        route_status=pl.Series(status),
    ).select(
        "id",
        "origin_facility_id",
        "destination_facility_id",
        "transport_mode",
        "distance_km",
        "transit_time_hours",
        "cost_usd",
        "route_status",
    )


def build_work_centers(params: GenerationParams, facilities: pl.DataFrame) -> pl.DataFrame:
    """3-5 work centers per factory: always an assembly line and a test station first."""
    rng = params.rng("work_centers")
    factories = facilities.filter(pl.col("facility_type") == "factory")
    per_factory = rng.choice([3, 4, 5], factories.height, p=[0.15, 0.25, 0.6])
    row, slot = expand(np.arange(factories.height), per_factory)
    n = len(row)
    extra = rng.choice(len(WC_TYPES), n, p=[0.15, 0.25, 0.2, 0.1, 0.3])
    type_idx = np.select([slot == 0, slot == 1], [0, 3], extra)
    wtype = np.array(WC_TYPES)[type_idx]
    label = np.empty(n, dtype=object)
    for t, labels in WORK_CENTER_TYPES.items():  # five types
        mask = wtype == t
        label[mask] = pick(rng, labels, int(mask.sum()))
    facility_id = factories["id"].to_numpy()[row]
    at_chicago = facility_id == FAC_CHI
    label[at_chicago & (slot == 0)] = "Assembly Line"
    label[at_chicago & (slot == 1)] = "Test Bench"
    cap = np.array([WC_SPECS[t][0] for t in WC_TYPES])[type_idx]
    rate = np.array([WC_SPECS[t][1] for t in WC_TYPES])[type_idx]
    setup = np.array([WC_SPECS[t][2] for t in WC_TYPES])[type_idx]
    u = rng.random((3, n))
    fac_created = factories["created_at"].dt.epoch("us").to_numpy()[row]
    return (
        pl.DataFrame(
            {
                "id": serial_ids(n),
                "facility_id": facility_id,
                "work_center_type": wtype,
                "label": label.astype(str),
                "capacity_per_day": (cap[:, 0] + u[0] * (cap[:, 1] - cap[:, 0])).astype(np.int64),
                "efficiency_rating": np.round(rng.uniform(0.70, 0.98, n), 2),
                "hourly_rate_usd": np.round(rate[:, 0] + u[1] * (rate[:, 1] - rate[:, 0]), 2),
                "setup_time_mins": (setup[:, 0] + u[2] * (setup[:, 1] - setup[:, 0])).astype(
                    np.int64
                ),
                "is_active": (slot < 2) | (rng.random(n) < 0.92),
                "created_at": instants(fac_created + rng.integers(DAY_S, 90 * DAY_S, n) * US),
            }
        )
        .with_columns(
            wc_code=pl.format(
                "WC-{}-{}",
                pl.col("work_center_type").replace_strict(WC_ABBR),
                (pl.int_range(1, pl.len() + 1).over("work_center_type"))
                .cast(pl.String)
                .str.zfill(2),
            ),
            name=pl.format(
                "{} {}", "label", pl.int_range(1, pl.len() + 1).over("facility_id", "label")
            ),
        )
        .select(
            "id",
            "wc_code",
            "name",
            "facility_id",
            "work_center_type",
            "capacity_per_day",
            "efficiency_rating",
            "hourly_rate_usd",
            "setup_time_mins",
            "is_active",
            "created_at",
        )
    )


def build_production_routings(
    params: GenerationParams, products: pl.DataFrame, work_centers: pl.DataFrame
) -> pl.DataFrame:
    """One current 3-5 step routing per product at its home factory; a few superseded ones."""
    rng = params.rng("production_routings")
    n_products = products.height
    factories = np.unique(work_centers["facility_id"].to_numpy())
    home = rng.permutation(np.resize(factories, n_products))
    template = rng.choice(4, n_products, p=[0.1, 0.25, 0.35, 0.3])
    prep = rng.integers(0, len(PREP_OPS), n_products)
    a1 = rng.integers(0, len(ASM_OPS), n_products)
    a2 = (a1 + rng.integers(1, len(ASM_OPS), n_products)) % len(ASM_OPS)
    t1 = rng.integers(0, len(TEST_OPS), n_products)
    t2 = (t1 + rng.integers(1, len(TEST_OPS), n_products)) % len(TEST_OPS)
    asm = np.sort(np.stack([a1, a2], axis=1), axis=1)
    test = np.sort(np.stack([t1, t2], axis=1), axis=1)
    pack = rng.integers(0, len(PACK_OPS), n_products)
    for pid, (fac, tpl, prep_op, asm_ops, test_ops, pack_op) in NAMED_ROUTINGS.items():
        i = pid - 1  # three named products
        home[i], template[i], prep[i], pack[i] = fac, tpl, prep_op, pack_op
        asm[i], test[i] = asm_ops, test_ops

    steps = (ROUTING_TEMPLATES >= 0).sum(axis=1)[template]
    product_idx, step_idx = expand(np.arange(n_products), steps)
    kind = ROUTING_TEMPLATES[template[product_idx], step_idx]
    p = product_idx
    operation = np.select(
        [kind == 0, kind == 1, kind == 2, kind == 3, kind == 4],
        [
            np.array(PREP_OPS)[prep[p]],
            np.array(ASM_OPS)[asm[p, 0]],
            np.array(ASM_OPS)[asm[p, 1]],
            np.array(TEST_OPS)[test[p, 0]],
            np.array(TEST_OPS)[test[p, 1]],
        ],
        np.array(PACK_OPS)[pack[p]],
    )
    n, wc, run, setup = _routing_work_centres(p, operation, work_centers, home, rng, kind)

    superseded, change, first_from, current_from, first_created, current_created = _effectivity(
        params, products, n_products, rng
    )

    current = pl.DataFrame(
        {
            "product_id": (p + 1).astype(np.int64),
            "step_sequence": (step_idx + 1) * 10,
            "operation_name": operation,
            "work_center_id": wc.astype(np.int64),
            "setup_time_mins": setup,
            "run_time_per_unit_mins": run,
            "is_active": np.ones(n, dtype=bool),
            "from_day": current_from[p],
            "to_day": np.zeros(n, dtype=np.int64),
            "has_to": np.zeros(n, dtype=bool),
            "created_us": current_created[p],
        }
    )
    old_rows = superseded[p]
    m = int(old_rows.sum())
    old = current.filter(pl.Series(old_rows)).with_columns(
        setup_time_mins=(pl.col("setup_time_mins") * pl.Series(rng.uniform(1.0, 1.3, m)))
        .round()
        .cast(pl.Int64),
        run_time_per_unit_mins=(
            pl.col("run_time_per_unit_mins") * pl.Series(rng.uniform(1.05, 1.35, m))
        ).round(2),
        is_active=pl.lit(False),
        from_day=pl.Series(first_from[p][old_rows]),
        to_day=pl.Series(change[p][old_rows] - 1),
        has_to=pl.lit(True),
        created_us=pl.Series(first_created[p][old_rows]),
    )
    routings = pl.concat([current, old]).sort("product_id", "from_day", "step_sequence")
    total = routings.height
    from_day = routings["from_day"].to_numpy()
    return routings.with_columns(
        id=pl.Series(serial_ids(total)),
        effective_from=pl.Series(dates_after(params.history_start, from_day)),
        effective_to=pl.Series(
            dates_after(
                params.history_start,
                routings["to_day"].to_numpy(),
                null=~routings["has_to"].to_numpy(),
            )
        ),
        created_at=instants(routings["created_us"].to_numpy()),
    ).select(
        "id",
        "product_id",
        "step_sequence",
        "operation_name",
        "work_center_id",
        "setup_time_mins",
        "run_time_per_unit_mins",
        "is_active",
        "effective_from",
        "effective_to",
        "created_at",
    )


def _routing_work_centres(
    p: np.ndarray,
    operation: np.ndarray,
    work_centers: pl.DataFrame,
    home: np.ndarray,
    rng: np.random.Generator,
    kind: np.ndarray,
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Each routing step's work centre (an active one of the wanted type at the home factory,
    else an assembly one; the named product's fixed ones) with its run and setup times."""
    n = len(p)
    wanted_type = operation_types(operation)
    active_wc = work_centers.filter("is_active")
    wc_key = active_wc["facility_id"].to_numpy() * 8 + type_index(
        active_wc["work_center_type"].to_numpy()
    )
    by_key = group_members(wc_key, active_wc["id"].to_numpy())
    facility = home[p]
    wc = pick_member(rng, facility * 8 + wanted_type, by_key)
    fallback = pick_member(rng, facility * 8 + WC_TYPES.index("assembly"), by_key)
    wc = np.where(wc > 0, wc, fallback)
    codes = dict(zip(work_centers["wc_code"].to_list(), work_centers["id"].to_list(), strict=True))
    turbo = p == TURBO - 1
    wc = np.where(turbo & np.isin(kind, [1, 2]), codes["WC-ASM-01"], wc)
    wc = np.where(turbo & np.isin(kind, [3, 4]), codes["WC-TEST-01"], wc)

    wc_type = work_centers["work_center_type"].to_numpy()[wc - 1]
    wc_setup = work_centers["setup_time_mins"].to_numpy()[wc - 1]
    run_range = np.array([RUN_MINUTES[t] for t in WC_TYPES])[type_index(wc_type)]
    run = np.round(run_range[:, 0] + rng.random(n) * (run_range[:, 1] - run_range[:, 0]), 2)
    setup = np.maximum(5, np.round(wc_setup * rng.uniform(0.7, 1.3, n))).astype(np.int64)
    return n, wc, run, setup


def _effectivity(
    params: GenerationParams, products: pl.DataFrame, n_products: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each product's routing effectivity in days relative to history start (current versions
    cover all of history; a few superseded ones) and one creation instant per version, a little
    before it takes effect."""
    # effectivity, in days relative to history start: current versions cover all of history
    launch = (products["launch_date"].to_numpy() - np.datetime64(params.history_start, "D")).astype(
        np.int64
    )
    superseded = (launch <= -400) & (rng.random(n_products) < 0.1)
    superseded[: len(NAMED_PRODUCTS)] = False
    change = launch + 180 + (rng.random(n_products) * (-181 - launch)).astype(np.int64)
    first_from = launch - rng.integers(14, 181, n_products)
    current_from = np.where(superseded, change, first_from)
    # one creation instant per routing version, a little before it takes effect
    start_us = instant_us(params.start_instant())
    first_created = (
        start_us
        + (np.minimum(first_from, -1) - rng.integers(1, 61, n_products)) * DAY_S * US
        + rng.integers(0, DAY_S, n_products) * US
    )
    change_created = (
        start_us
        + (np.minimum(change, -1) - rng.integers(1, 61, n_products)) * DAY_S * US
        + rng.integers(0, DAY_S, n_products) * US
    )
    current_created = np.where(superseded, change_created, first_created)
    return superseded, change, first_from, current_from, first_created, current_created


def type_index(types: np.ndarray) -> np.ndarray:
    """Index into ``WC_TYPES`` of each work center type."""
    order = np.argsort(WC_TYPES)
    return order[np.searchsorted(np.array(WC_TYPES)[order], types)]


def operation_types(operations: np.ndarray) -> np.ndarray:
    """Index into ``WC_TYPES`` of the work center type each operation wants."""
    names = np.array(OPERATIONS)
    order = np.argsort(names)
    wanted = np.array([WC_TYPES.index(OPERATION_WC_TYPE[o]) for o in OPERATIONS])
    return wanted[order[np.searchsorted(names[order], operations)]]
