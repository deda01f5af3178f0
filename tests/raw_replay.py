"""An independent replay of the raw tables into double-entry stock entries, used by the tests to
prove the raw layer is self-consistent (the warehouse proves the same in SQL)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from plantledger.schema import latest_versions

PRODUCTION = -1


def read(raw: Path, table: str) -> pl.DataFrame:
    """The current rows of ``table``: every load's files, the latest version of each key (an
    append adds a new version of a changed row under the same key, with a higher load_id)."""
    return latest_versions(pl.scan_parquet(raw / table / "*.parquet"), table).collect()


def read_all(raw: Path, table: str) -> pl.DataFrame:
    """Every row of ``table``, every version, in file order."""
    return pl.read_parquet(raw / table / "*.parquet")


def conveyor_moves(plc: pl.DataFrame, locations: pl.DataFrame) -> pl.DataFrame:
    """Moves implied by PLC tag changes, per the design's rules."""
    parent = locations.select(pl.col("id").alias("pos"), pl.col("parent_location_id").alias("line"))
    ev = plc.select(pos="storage_location_id", t="source_timestamp", value="value", id="id")
    ev = (
        ev.sort("pos", "t", "id")
        .with_columns(
            prev=pl.col("value").shift(1).over("pos"),
            next_t=pl.col("t").shift(-1).over("pos"),
        )
        .filter(pl.col("value").ne_missing(pl.col("prev")))
    )
    stays = ev.filter(pl.col("value").is_not_null()).with_columns(
        next_t=pl.col("t").shift(-1).over("pos")
    )
    # a stay ends at the position's next change
    changes = (
        ev.select("pos", "t").sort("pos", "t").with_columns(end=pl.col("t").shift(-1).over("pos"))
    )
    stays = stays.drop("next_t").join(changes, on=["pos", "t"]).join(parent, on="pos")
    stays = (
        stays.rename({"value": "sublot_code"})
        .sort("sublot_code", "t")
        .with_columns(
            prev_end=pl.col("end").shift(1).over("sublot_code"),
            prev_pos=pl.col("pos").shift(1).over("sublot_code"),
            next_start=pl.col("t").shift(-1).over("sublot_code"),
        )
    )
    from_prev = (pl.col("prev_end") == pl.col("t")).fill_null(False)
    arrive = stays.select(
        "sublot_code",
        "t",
        from_loc=pl.when(from_prev).then("prev_pos").otherwise("line"),
        to_loc="pos",
    )
    leave = stays.filter(
        pl.col("end").is_not_null()
        & (pl.col("next_start").is_null() | (pl.col("next_start") != pl.col("end")))
    ).select("sublot_code", t="end", from_loc="pos", to_loc="line")
    return pl.concat([arrive, leave])


def entries(raw: Path) -> pl.DataFrame:
    """Signed stock entries (sublot id, t, order, location id, status, quantity)."""
    locs = read(raw, "storage_locations")
    virtual = {
        kind: dict(zip(f["facility_id"], f["id"], strict=True))
        for kind in ("vendor", "customer", "scrap", "in_transit")
        for f in [locs.filter(pl.col("location_type") == kind)]
    }
    subl = read(raw, "material_sublots").select("id", "sublot_code")
    avail = pl.lit("available")
    gr = read(raw, "supplier_receipts").select(
        sub="material_sublot_id",
        t="received_at",
        q="quantity",
        f=pl.col("facility_id").replace_strict(virtual["vendor"]),
        fs="status",
        to="storage_location_id",
        ts="status",
        src=pl.lit(1),
    )
    mv = read(raw, "sublot_movements").select(
        sub="material_sublot_id",
        t="moved_at",
        q="quantity",
        f="from_location_id",
        fs="from_status",
        to="to_location_id",
        ts="to_status",
        src=pl.lit(2),
    )
    mt = read(raw, "material_transactions")
    ty = pl.col("transaction_type")
    mtx = mt.select(
        sub="material_sublot_id",
        t="created_at",
        q="quantity",
        f=pl.when(ty.is_in(["issue_to_wo", "scrap"]))
        .then("storage_location_id")
        .otherwise(pl.lit(PRODUCTION)),
        fs=avail,
        to=pl.when(ty == "issue_to_wo")
        .then(pl.lit(PRODUCTION))
        .when(ty == "scrap")
        .then(pl.col("facility_id").replace_strict(virtual["scrap"]))
        .otherwise("storage_location_id"),
        ts=avail,
        src=pl.lit(3),
    )
    sh = read(raw, "shipments")
    ss = read(raw, "shipment_sublots").join(
        sh.select(
            pl.col("id").alias("shipment_id"),
            "shipment_type",
            "origin_facility_id",
            "shipped_at",
            "delivered_at",
        ),
        on="shipment_id",
    )
    transit = pl.col("origin_facility_id").replace_strict(virtual["in_transit"])
    out = ss.select(
        sub="material_sublot_id",
        t="shipped_at",
        q="quantity",
        f="from_location_id",
        fs=avail,
        to=pl.when(pl.col("shipment_type") == "order_fulfillment")
        .then("to_location_id")
        .otherwise(transit),
        ts=avail,
        src=pl.lit(4),
    )
    arrive = ss.filter(
        (pl.col("shipment_type") != "order_fulfillment") & pl.col("delivered_at").is_not_null()
    ).select(
        sub="material_sublot_id",
        t="delivered_at",
        q="quantity",
        f=transit,
        fs=avail,
        to="to_location_id",
        ts=avail,
        src=pl.lit(5),
    )
    conv = conveyor_moves(read(raw, "plc_tag_events"), locs).join(
        subl, left_on="sublot_code", right_on="sublot_code"
    )
    # conveyor moves carry the whole sublot: quantity from the production receipt
    made = mt.filter(ty == "receipt_from_wo").select(
        pl.col("material_sublot_id").alias("id"), pl.col("quantity").alias("q")
    )
    conv = conv.join(made, on="id").select(
        sub="id", t="t", q="q", f="from_loc", fs=avail, to="to_loc", ts=avail, src=pl.lit(6)
    )
    events = pl.concat([gr, mv, mtx, out, arrive, conv], how="vertical_relaxed").with_row_index(
        "ev"
    )
    attrs = locs.select(
        pl.col("id").alias("loc"),
        "is_physical",
        "location_type",
        pl.col("facility_id").alias("loc_facility"),
    )
    both = pl.concat(
        [
            events.select("sub", "t", "ev", loc="f", status="fs", q=-pl.col("q")),
            events.select("sub", "t", "ev", loc="to", status="ts", q="q"),
        ]
    ).join(attrs, on="loc", how="left")
    return both.with_columns(
        pl.col("is_physical").fill_null(False), pl.col("location_type").fill_null("production")
    )


def replayed_state(e: pl.DataFrame) -> pl.DataFrame:
    qty = e.filter(pl.col("is_physical")).group_by("sub").agg(pl.col("q").sum().alias("quantity"))
    last = (
        e.filter(
            (pl.col("q") > 0)
            & (pl.col("is_physical") | pl.col("location_type").is_in(["customer", "in_transit"]))
        )
        .sort("sub", "t", "ev")
        .group_by("sub")
        .agg(
            pl.col("loc").last(),
            pl.col("status").last(),
            pl.col("location_type").last(),
            pl.col("loc_facility").last(),
        )
    )
    st = last.join(qty, on="sub", how="full", coalesce=True).with_columns(
        pl.col("quantity").fill_null(0)
    )
    return st.select(
        pl.col("sub").alias("id"),
        "quantity",
        pl.col("loc").alias("storage_location_id"),
        pl.col("loc_facility").alias("facility_id"),
        status=pl.when(pl.col("quantity") > 0)
        .then("status")
        .when(pl.col("location_type") == "customer")
        .then(pl.lit("shipped"))
        .when(pl.col("location_type") == "in_transit")
        .then(pl.lit("in_transit"))
        .otherwise(pl.lit("consumed")),
    )
