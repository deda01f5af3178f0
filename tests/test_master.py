"""Master data: contract, determinism, named entities, keys and the structural rules."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from plantledger.generator.catalogue import OPERATIONS, WORK_CENTER_TYPES
from plantledger.generator.master import build_master
from plantledger.params import GenerationParams
from plantledger.quality.vocabularies import raw_value_set
from plantledger.schema import RAW_SCHEMAS, cast_to_contract

MASTER_TABLES = {
    "suppliers",
    "supplier_relationships",
    "parts",
    "bill_of_materials",
    "part_suppliers",
    "products",
    "product_components",
    "facilities",
    "transport_routes",
    "customers",
    "supplier_certifications",
    "work_centers",
    "production_routings",
    "storage_locations",
}
Master = dict[str, pl.DataFrame]


def _build(scale: float, seed: int = 7) -> tuple[GenerationParams, Master]:
    params = GenerationParams(scale=scale, seed=seed, end_date=dt.date(2026, 11, 21))
    return params, build_master(params)


@pytest.fixture(scope="module", params=[0.01, 0.1], ids=["scale-0.01", "scale-0.1"])
def built(request: pytest.FixtureRequest) -> tuple[GenerationParams, Master]:
    return _build(request.param)


@pytest.fixture(scope="module")
def full() -> tuple[GenerationParams, Master]:
    """Scale 1, for the distributions (builds in well under a second)."""
    return _build(1.0)


def _ids(frame: pl.DataFrame, column: str = "id") -> set[int]:
    return set(frame[column].to_list())


# --- contract and determinism --------------------------------------------------------------


def test_tables_cast_to_contract(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    assert set(master) == MASTER_TABLES
    for table, frame in master.items():
        cast = cast_to_contract(table, frame, load_id=0)
        assert cast.columns == list(RAW_SCHEMAS[table])
        assert frame.height > 0, table
        assert frame["id"].to_list() == list(range(1, frame.height + 1)), table


def test_same_seed_same_frames_other_seed_other_data() -> None:
    _, first = _build(0.01, seed=11)
    _, again = _build(0.01, seed=11)
    _, other = _build(0.01, seed=12)
    for table in MASTER_TABLES:
        assert first[table].equals(again[table]), table
    changed = [t for t in MASTER_TABLES if not first[t].equals(other[t])]
    assert len(changed) >= len(MASTER_TABLES) - 1, changed
    assert first["suppliers"]["name"].to_list()[5:] != other["suppliers"]["name"].to_list()[5:]


# --- keys --------------------------------------------------------------------------------------

NATURAL_KEYS = {
    "suppliers": ["supplier_code"],
    "supplier_relationships": ["seller_id", "buyer_id"],
    "parts": ["part_number"],
    "bill_of_materials": ["parent_part_id", "child_part_id"],
    "part_suppliers": ["part_id", "supplier_id"],
    "products": ["sku"],
    "product_components": ["product_id", "part_id"],
    "facilities": ["facility_code"],
    "transport_routes": ["origin_facility_id", "destination_facility_id", "transport_mode"],
    "customers": ["customer_code"],
    "supplier_certifications": ["certification_number"],
    "work_centers": ["wc_code"],
    "production_routings": ["product_id", "effective_from", "step_sequence"],
    "storage_locations": ["location_code"],
}

FOREIGN_KEYS = [
    ("supplier_relationships", "seller_id", "suppliers"),
    ("supplier_relationships", "buyer_id", "suppliers"),
    ("parts", "primary_supplier_id", "suppliers"),
    ("bill_of_materials", "parent_part_id", "parts"),
    ("bill_of_materials", "child_part_id", "parts"),
    ("part_suppliers", "part_id", "parts"),
    ("part_suppliers", "supplier_id", "suppliers"),
    ("product_components", "product_id", "products"),
    ("product_components", "part_id", "parts"),
    ("transport_routes", "origin_facility_id", "facilities"),
    ("transport_routes", "destination_facility_id", "facilities"),
    ("supplier_certifications", "supplier_id", "suppliers"),
    ("work_centers", "facility_id", "facilities"),
    ("production_routings", "product_id", "products"),
    ("production_routings", "work_center_id", "work_centers"),
    ("storage_locations", "facility_id", "facilities"),
    ("storage_locations", "parent_location_id", "storage_locations"),
]


def test_natural_keys_unique(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    for table, key in NATURAL_KEYS.items():
        frame = master[table]
        assert frame.select(key).is_duplicated().sum() == 0, (table, key)
        assert frame.select(key).null_count().sum_horizontal().item() == 0, (table, key)


def test_foreign_keys_resolve(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    for table, column, target in FOREIGN_KEYS:
        values = set(master[table][column].drop_nulls().to_list())
        missing = values - _ids(master[target])
        assert not missing, (table, column, sorted(missing)[:5])


def test_timestamps_before_history_start(built: tuple[GenerationParams, Master]) -> None:
    params, master = built
    start = params.start_instant()
    for table, frame in master.items():
        for column, dtype in frame.schema.items():
            if isinstance(dtype, pl.Datetime):
                assert dtype.time_zone == "UTC", (table, column)
                assert frame[column].null_count() == 0, (table, column)
                assert frame[column].max() < start, (table, column)
                assert frame[column].min() > start - dt.timedelta(days=16 * 365), (table, column)


def test_creation_order(built: tuple[GenerationParams, Master]) -> None:
    """Work centers and locations after their facility; routings after their work centers."""
    _, master = built
    fac = master["facilities"].select(
        pl.col("id").alias("facility_id"), pl.col("created_at").alias("facility_created")
    )
    for table in ("work_centers", "storage_locations"):
        joined = master[table].join(fac, on="facility_id")
        assert (joined["created_at"] >= joined["facility_created"]).all(), table
    wc = master["work_centers"].select(
        pl.col("id").alias("work_center_id"), pl.col("created_at").alias("wc_created")
    )
    routing = master["production_routings"].join(wc, on="work_center_id")
    assert (routing["created_at"] > routing["wc_created"]).all()


# --- value sets and money ----------------------------------------------------------------------

# the master tables' value sets, read from the seeds (their one home); the generator's operations
MASTER_VALUE_COLUMNS = [
    ("suppliers", "tier"),
    ("supplier_relationships", "relationship_type"),
    ("supplier_relationships", "relationship_status"),
    ("parts", "base_uom"),
    ("facilities", "facility_type"),
    ("transport_routes", "transport_mode"),
    ("transport_routes", "route_status"),
    ("customers", "customer_type"),
    ("work_centers", "work_center_type"),
    ("storage_locations", "location_type"),
]
VALUE_SETS = {
    **{key: set(raw_value_set(*key)) for key in MASTER_VALUE_COLUMNS},
    ("production_routings", "operation_name"): set(OPERATIONS),
}
MONEY = [
    ("parts", "unit_cost"),
    ("part_suppliers", "unit_cost"),
    ("products", "list_price"),
    ("transport_routes", "cost_usd"),
    ("work_centers", "hourly_rate_usd"),
]


def test_value_sets(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    for (table, column), allowed in VALUE_SETS.items():
        values = set(master[table][column].to_list())
        assert values <= allowed, (table, column, values - allowed)
    assert master["parts"]["base_uom"].value_counts().sort("count")["base_uom"][-1] == "each"


def test_money_positive_and_rounded(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    for table, column in MONEY:
        values = master[table][column]
        assert values.null_count() == 0 and values.min() > 0, (table, column)
        assert (values - values.round(2)).abs().max() < 1e-9, (table, column)


# --- named entities ----------------------------------------------------------------------------


def _row(frame: pl.DataFrame, column: str, value: str) -> dict[str, object]:
    rows = frame.filter(pl.col(column) == value)
    assert rows.height == 1, (column, value)
    return rows.row(0, named=True)


def test_named_suppliers_and_tier_chain(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    sup = master["suppliers"]
    for code, name, country in [
        ("SUP00001", "Acme Corp", "USA"),
        ("SUP00002", "GlobalTech Industries", "China"),
        ("SUP00003", "Precision Parts Ltd", "Germany"),
    ]:
        row = _row(sup, "supplier_code", code)
        assert (row["name"], row["tier"], row["country"]) == (name, 1, country)
    eastern = _row(sup, "name", "Eastern Electronics")
    pacific = _row(sup, "name", "Pacific Components")
    acme = _row(sup, "name", "Acme Corp")
    assert (eastern["tier"], pacific["tier"]) == (3, 2)
    pairs = set(master["supplier_relationships"].select("seller_id", "buyer_id").iter_rows())
    assert (eastern["id"], pacific["id"]) in pairs
    assert (pacific["id"], acme["id"]) in pairs


def test_named_parts_products_and_bills(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    parts = master["parts"]
    pid = {
        n: _row(parts, "part_number", n)["id"]
        for n in ["CHIP-001", "RESISTOR-100", "CAP-001", "MOTOR-001", "SENSOR-001", "TURBO-ENC-001"]
    }
    others = parts.filter(~pl.col("part_number").is_in(list(pid)))["part_number"]
    assert others.str.contains(r"^PRT-\d{6}$").all()
    turbo_bom = master["bill_of_materials"].filter(
        (pl.col("parent_part_id") == pid["TURBO-ENC-001"]) & pl.col("effective_to").is_null()
    )
    assert {pid[n] for n in pid if n != "TURBO-ENC-001"} <= set(turbo_bom["child_part_id"])

    products = master["products"]
    for sku, name in [
        ("TURBO-001", "Turbo Encabulator"),
        ("FLUX-001", "Flux Capacitor"),
        ("WIDGET-STD", "Standard Widget"),
    ]:
        row = _row(products, "sku", sku)
        assert row["name"] == name and row["is_active"]
    turbo = _row(products, "sku", "TURBO-001")["id"]
    comps = master["product_components"].filter(pl.col("product_id") == turbo)
    assert {pid["TURBO-ENC-001"], pid["CHIP-001"]} <= set(comps["part_id"])


def test_named_facilities_customers_work_centers(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    fac = master["facilities"]
    expected = {
        "FAC-CHI": ("Chicago", "factory", "America/Chicago"),
        "FAC-NYC": ("New York", "warehouse", "America/New_York"),
        "FAC-MUN": ("Munich", "factory", "Europe/Berlin"),
        "FAC-SH": ("Shanghai", "factory", "Asia/Shanghai"),
        "FAC-LA": ("Los Angeles", "distribution_center", "America/Los_Angeles"),
    }
    for code, (city, ftype, tz) in expected.items():
        row = _row(fac, "facility_code", code)
        assert (row["city"], row["facility_type"], row["timezone"]) == (city, ftype, tz)
    cust = master["customers"]
    for code, name in [
        ("CUST-ACME", "Acme Industries"),
        ("CUST-GLOBEX", "Globex Corporation"),
        ("CUST-INITECH", "Initech Inc"),
    ]:
        assert _row(cust, "customer_code", code)["name"] == name
    others = cust.filter(
        ~pl.col("customer_code").is_in(["CUST-ACME", "CUST-GLOBEX", "CUST-INITECH"])
    )
    assert others["customer_code"].str.contains(r"^CUST-\d{5}$").all()

    chicago = _row(fac, "facility_code", "FAC-CHI")["id"]
    wc = master["work_centers"]
    asm = _row(wc, "wc_code", "WC-ASM-01")
    test = _row(wc, "wc_code", "WC-TEST-01")
    assert (asm["facility_id"], asm["work_center_type"], asm["name"]) == (
        chicago,
        "assembly",
        "Assembly Line 1",
    )
    assert (test["facility_id"], test["work_center_type"]) == (chicago, "testing")
    assert asm["is_active"] and test["is_active"]


def _current_routings(master: Master) -> pl.DataFrame:
    return (
        master["production_routings"]
        .filter(pl.col("is_active") & pl.col("effective_to").is_null())
        .join(
            master["work_centers"].select(
                pl.col("id").alias("work_center_id"), "facility_id", "wc_code"
            ),
            on="work_center_id",
        )
    )


def test_named_routings(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    routing = _current_routings(master)
    product = dict(master["products"].select("sku", "id").iter_rows())
    facility = dict(master["facilities"].select("facility_code", "id").iter_rows())
    turbo = routing.filter(pl.col("product_id") == product["TURBO-001"])
    assert {"WC-ASM-01", "WC-TEST-01"} <= set(turbo["wc_code"])
    assert set(turbo["facility_id"]) == {facility["FAC-CHI"]}
    for sku in ("FLUX-001", "WIDGET-STD"):
        homes = set(routing.filter(pl.col("product_id") == product[sku])["facility_id"])
        assert len(homes) == 1 and homes <= {facility["FAC-CHI"], facility["FAC-MUN"]}


# --- structural rules ------------------------------------------------------------------------


def test_supplier_relationships(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    tier = master["suppliers"].select(pl.col("id"), pl.col("tier"))
    rel = (
        master["supplier_relationships"]
        .join(tier.rename({"id": "seller_id", "tier": "seller_tier"}), on="seller_id")
        .join(tier.rename({"id": "buyer_id", "tier": "buyer_tier"}), on="buyer_id")
    )
    assert (rel["seller_id"] != rel["buyer_id"]).all()
    # suppliers sell up the chain (mostly to the next tier: see the scale-1 test)
    assert (rel["seller_tier"] > rel["buyer_tier"]).all()
    assert (rel["contract_end_date"] > rel["contract_start_date"]).all()


def _bom_levels(bom: pl.DataFrame, n_parts: int) -> dict[int, int]:
    """Longest-path level of every part (leaf = 1); fails on a cycle."""
    level = pl.DataFrame({"part": range(1, n_parts + 1), "level": [1] * n_parts})
    edges = bom.select(pl.col("parent_part_id").alias("part"), pl.col("child_part_id"))
    for _ in range(10):
        parent = (
            edges.join(level.rename({"part": "child_part_id"}), on="child_part_id")
            .group_by("part")
            .agg((pl.col("level").max() + 1).alias("new"))
        )
        updated = level.join(parent, on="part", how="left").select(
            "part", pl.max_horizontal("level", pl.col("new").fill_null(1)).alias("level")
        )
        if updated.sort("part").equals(level.sort("part")):
            return dict(level.iter_rows())
        level = updated
    raise AssertionError("bill of materials has a cycle")


def test_bill_of_materials_acyclic_and_multilevel(built: tuple[GenerationParams, Master]) -> None:
    params, master = built
    bom = master["bill_of_materials"]
    levels = _bom_levels(bom, master["parts"].height)
    assert 3 <= max(levels.values()) <= 5
    turbo_enc = _row(master["parts"], "part_number", "TURBO-ENC-001")["id"]
    assert levels[turbo_enc] >= 2
    assert (bom["parent_part_id"] != bom["child_part_id"]).all()
    assert (bom["quantity"] > 0).all()
    uom = master["parts"].select(pl.col("id").alias("child_part_id"), "base_uom")
    assert (
        bom.join(uom, on="child_part_id")
        .select(pl.col("unit") == pl.col("base_uom"))
        .to_series()
        .all()
    )
    # superseded rows ended before the end date, future rows start after it
    ended = bom.filter(pl.col("effective_to").is_not_null())
    assert (ended["effective_to"] < params.end_date).all()
    assert (ended["effective_to"] > ended["effective_from"]).all()
    assert (
        bom.filter(pl.col("effective_from") > params.end_date)["effective_to"].null_count()
        == bom.filter(pl.col("effective_from") > params.end_date).height
    )
    seq = bom.group_by("parent_part_id").agg(
        ok=(pl.col("assembly_sequence") == pl.int_range(1, pl.len() + 1) * 10).all()
    )
    assert seq["ok"].all()


def test_part_suppliers_include_approved_primary(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    primary = master["parts"].select(
        pl.col("id").alias("part_id"), pl.col("primary_supplier_id").alias("supplier_id")
    )
    joined = primary.join(master["part_suppliers"], on=["part_id", "supplier_id"], how="left")
    assert joined["is_approved"].null_count() == 0
    assert joined["is_approved"].all()


def test_product_components(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    comps = master["product_components"]
    per_product = comps.group_by("product_id").len()
    assert per_product.height == master["products"].height
    assert per_product["len"].min() >= 2 and per_product["len"].max() <= 5
    assert comps["quantity"].dtype.is_integer()
    assert comps["quantity"].min() >= 1 and comps["quantity"].max() <= 4
    # component parts come from a limited pool: on average a part serves several products
    assert comps.height / comps["part_id"].n_unique() >= 1.5


def test_facilities(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    fac = master["facilities"]
    others = fac.filter(
        ~pl.col("facility_code").is_in(["FAC-CHI", "FAC-NYC", "FAC-MUN", "FAC-SH", "FAC-LA"])
    )
    assert others["facility_code"].str.contains(r"^FAC-[A-Z]{3}$").all()
    for tz in fac["timezone"].unique().to_list():
        ZoneInfo(tz)  # a valid IANA name
    assert fac.filter(pl.col("country") == "USA")["state"].null_count() == 0
    assert fac["latitude"].is_between(-90, 90).all()
    assert fac["longitude"].is_between(-180, 180).all()
    assert (fac["capacity_units"] > 0).all()
    assert {"factory", "warehouse", "distribution_center"} <= set(fac["facility_type"])


def test_transport_routes(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    routes = master["transport_routes"]
    assert (routes["origin_facility_id"] != routes["destination_facility_id"]).all()
    for column in ("distance_km", "transit_time_hours", "cost_usd"):
        assert (routes[column] > 0).all(), column
    ids = _ids(master["facilities"])
    assert set(routes["origin_facility_id"]) == ids
    assert set(routes["destination_facility_id"]) == ids


def test_work_centers(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    wc = master["work_centers"].join(
        master["facilities"].select(pl.col("id").alias("facility_id"), "facility_type"),
        on="facility_id",
    )
    assert set(wc["facility_type"]) == {"factory"}
    per_factory = wc.group_by("facility_id").len()
    n_factories = master["facilities"].filter(pl.col("facility_type") == "factory").height
    assert per_factory.height == n_factories
    assert per_factory["len"].is_between(3, 5).all()
    abbr = {
        "assembly": "ASM",
        "machining": "MCH",
        "fabrication": "FAB",
        "testing": "TEST",
        "packaging": "PKG",
    }
    for code, wtype, name in wc.select("wc_code", "work_center_type", "name").iter_rows():
        match = re.fullmatch(r"WC-([A-Z]+)-(\d{2,})", code)
        assert match and match.group(1) == abbr[wtype], code
        assert re.sub(r" \d+$", "", name) in WORK_CENTER_TYPES[wtype], name
    assert (wc["efficiency_rating"].is_between(0, 1)).all()


def test_production_routings(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    current = _current_routings(master)
    per_product = (
        current.sort("step_sequence")
        .group_by("product_id")
        .agg(
            steps=pl.len(),
            factories=pl.col("facility_id").n_unique(),
            sequence_ok=(pl.col("step_sequence") == pl.int_range(1, pl.len() + 1) * 10).all(),
        )
    )
    assert per_product.height == master["products"].height
    assert per_product["steps"].is_between(3, 5).all()
    assert (per_product["factories"] == 1).all()
    assert per_product["sequence_ok"].all()
    active_wc = _ids(master["work_centers"].filter("is_active"))
    assert set(current["work_center_id"]) <= active_wc
    # products are spread over the factories
    homes = current.select("product_id", "facility_id").unique()["facility_id"].n_unique()
    n_factories = master["facilities"].filter(pl.col("facility_type") == "factory").height
    assert homes == min(n_factories, master["products"].height)
    # superseded versions: inactive, ended before their product's current version began
    routings = master["production_routings"]
    old = routings.filter(~pl.col("is_active"))
    assert old["effective_to"].null_count() == 0
    assert old.height <= 0.2 * routings.height
    starts = current.group_by("product_id").agg(pl.col("effective_from").min().alias("start"))
    late = old.join(starts, on="product_id").filter(pl.col("effective_to") >= pl.col("start"))
    assert late.height == 0
    assert routings.filter(pl.col("is_active"))["effective_to"].null_count() == (
        routings.filter(pl.col("is_active")).height
    )


def test_storage_location_tree(built: tuple[GenerationParams, Master]) -> None:
    _, master = built
    loc = master["storage_locations"]
    fac = master["facilities"].select(
        pl.col("id").alias("facility_id"), "facility_code", "facility_type"
    )
    loc = loc.join(fac, on="facility_id")
    parent = loc.select(
        pl.col("id").alias("parent_location_id"),
        pl.col("location_code").alias("parent_code"),
        pl.col("facility_id").alias("parent_facility"),
        pl.col("location_type").alias("parent_type"),
    )
    tree = loc.join(parent, on="parent_location_id", how="left")

    sites = tree.filter(pl.col("parent_location_id").is_null())
    assert sites.height == fac.height
    assert set(sites["location_type"]) == {"site"}
    assert (sites["location_code"] == sites["facility_code"]).all()
    children = tree.filter(pl.col("parent_location_id").is_not_null())
    assert (children["parent_facility"] == children["facility_id"]).all()
    assert (
        children.select(pl.col("location_code").str.starts_with(pl.col("parent_code") + "/"))
        .to_series()
        .all()
    )
    virtual = {"vendor", "customer", "scrap", "adjustment", "in_transit"}
    assert (tree["is_physical"] == ~tree["location_type"].is_in(list(virtual))).all()
    expected_parent = {
        "area": "site",
        "dock": "area",
        "bin": "area",
        "staging": "area",
        "conveyor_line": "area",
        "conveyor_position": "conveyor_line",
        **dict.fromkeys(virtual, "site"),
    }
    for ltype, ptype in expected_parent.items():
        rows = children.filter(pl.col("location_type") == ltype)
        assert set(rows["parent_type"]) <= {ptype}, ltype
    counts = tree.group_by("facility_id", "facility_type").agg(
        virtual=pl.col("location_type").is_in(list(virtual)).sum(),
        bins=(pl.col("location_type") == "bin").sum(),
        staging=(pl.col("location_type") == "staging").sum(),
        lines=(pl.col("location_type") == "conveyor_line").sum(),
        prd=pl.col("location_code").str.ends_with("/PRD").sum(),
        rcv=pl.col("location_code").str.ends_with("/RCV").sum(),
        shp=pl.col("location_code").str.ends_with("/SHP").sum(),
        rcv_docks=pl.col("location_code").str.contains("/RCV/DOCK").sum(),
        shp_docks=pl.col("location_code").str.contains("/SHP/DOCK").sum(),
    )
    assert (counts["virtual"] == len(virtual)).all()
    assert (counts["bins"] >= 4).all()
    assert ((counts["rcv"] == 1) & (counts["shp"] == 1)).all()
    assert ((counts["rcv_docks"] >= 1) & (counts["shp_docks"] >= 1)).all()
    factories = counts.filter(pl.col("facility_type") == "factory")
    assert (factories["prd"] == 1).all()
    assert factories["staging"].is_between(1, 2).all()
    assert factories["lines"].is_between(1, 2).all()
    assert (
        counts.filter(pl.col("facility_type") != "factory")
        .select(pl.col("prd") + pl.col("staging") + pl.col("lines"))
        .to_series()
        == 0
    ).all()

    bins = tree.filter(pl.col("location_type") == "bin")
    assert bins["location_code"].str.contains(r"^FAC-[A-Z]+/WH\d/[A-Z]\d{2}-\d{2}$").all()
    positions = tree.filter(pl.col("location_type") == "conveyor_position")
    per_line = (
        positions.sort("position_sequence")
        .group_by("parent_location_id")
        .agg(
            n=pl.len(),
            ok=(pl.col("position_sequence") == pl.int_range(1, pl.len() + 1)).all(),
        )
    )
    assert per_line["n"].is_between(4, 8).all() and per_line["ok"].all()
    assert (
        tree.filter(pl.col("location_type") != "conveyor_position")[
            "position_sequence"
        ].null_count()
        == tree.height - positions.height
    )


# --- volumes and distributions at scale 1 -------------------------------------------------------

VOLUMES = {
    "suppliers": 1000,
    "supplier_relationships": 1700,
    "parts": 15000,
    "bill_of_materials": 42700,
    "part_suppliers": 22500,
    "products": 500,
    "product_components": 1500,
    "facilities": 100,
    "transport_routes": 410,
    "customers": 5000,
    "supplier_certifications": 1400,
    "work_centers": 150,
    "production_routings": 2500,
}


def test_scale_one_volumes_and_distributions(full: tuple[GenerationParams, Master]) -> None:
    params, master = full
    for table, rows in VOLUMES.items():
        assert abs(master[table].height - rows) <= 0.1 * rows, (table, master[table].height)
    tiers = master["suppliers"]["tier"].value_counts(normalize=True)
    share = dict(tiers.iter_rows())
    for tier, expected in {1: 0.1, 2: 0.3, 3: 0.6}.items():
        assert abs(share[tier] - expected) <= 0.02, (tier, share)
    tier = master["suppliers"].select("id", "tier")
    rel = (
        master["supplier_relationships"]
        .join(tier.rename({"id": "seller_id", "tier": "seller_tier"}), on="seller_id")
        .join(tier.rename({"id": "buyer_id", "tier": "buyer_tier"}), on="buyer_id")
    )
    adjacent = (rel["seller_tier"] == rel["buyer_tier"] + 1).mean()
    assert adjacent is not None and adjacent >= 0.85
    types = dict(master["facilities"]["facility_type"].value_counts().iter_rows())
    for ftype, expected in {"factory": 33, "warehouse": 34, "distribution_center": 33}.items():
        assert abs(types[ftype] - expected) <= 3, types
    bom = master["bill_of_materials"]
    current = (
        bom.filter(
            pl.col("effective_to").is_null() & (pl.col("effective_from") <= params.end_date)
        ).height
        / bom.height
    )
    superseded = bom["effective_to"].is_not_null().mean()
    future = (bom["effective_from"] > params.end_date).mean()
    assert abs(current - 0.80) <= 0.03 and superseded is not None and future is not None
    assert abs(superseded - 0.15) <= 0.03 and abs(future - 0.05) <= 0.02
    bins = (
        master["storage_locations"]
        .filter(pl.col("location_type") == "bin")
        .group_by("facility_id")
        .len()
    )
    assert bins["len"].is_between(20, 60).all()
