"""Storage locations of every facility: a tree of site, areas, docks, bins, staging locations,
conveyor lines and their positions, and the virtual locations (vendor, customer, scrap, ...).
"""

from __future__ import annotations

import string

import numpy as np
import polars as pl

from plantledger.generator.catalogue import (
    BAYS,
    LEVELS,
    VIRTUAL_LOCATIONS,
)
from plantledger.generator.master_draw import (
    DAY_S,
    US,
    expand,
    instants,
    serial_ids,
)
from plantledger.params import GenerationParams


def location_rows(owner: np.ndarray, **cols: object) -> pl.DataFrame:
    """One location row per ``owner`` (a facility's index): arrays and expressions as columns,
    other values as literals."""
    exprs = {
        k: pl.Series(v) if isinstance(v, np.ndarray) else v if isinstance(v, pl.Expr) else pl.lit(v)
        for k, v in cols.items()
    }
    return pl.DataFrame({"fac": owner}).with_columns(**exprs)


def build_storage_locations(params: GenerationParams, facilities: pl.DataFrame) -> pl.DataFrame:
    """Per facility a tree: site -> areas -> docks / bins / staging / conveyor lines ->
    conveyor positions, plus virtual children of the site."""
    rng = params.rng("storage_locations")
    n_fac = facilities.height
    fac = np.arange(n_fac)
    factory = facilities["facility_type"].to_numpy() == "factory"
    n_wh = rng.choice([1, 2, 3], n_fac, p=[0.4, 0.35, 0.25])
    n_rcv_docks = rng.integers(1, 4, n_fac)
    n_shp_docks = rng.integers(1, 4, n_fac)
    n_bins = np.maximum(4, np.round(rng.integers(20, 61, n_fac) * params.scale**0.25)).astype(
        np.int64
    )
    n_staging = np.where(factory, rng.integers(1, 3, n_fac), 0)
    n_lines = np.where(factory, rng.integers(1, 3, n_fac), 0)

    # areas: RCV, WH1..WHn, SHP, PRD (factories)
    area_fac, j = expand(fac, 2 + n_wh + factory)
    wh_n = n_wh[area_fac]
    area_code = np.select(
        [j == 0, j <= wh_n, j == wh_n + 1], ["RCV", np.char.add("WH", j.astype(str)), "SHP"], "PRD"
    )
    area_name = np.select(
        [j == 0, j <= wh_n, j == wh_n + 1],
        ["Receiving Area", np.char.add("Warehouse ", j.astype(str)), "Shipping Area"],
        "Production Area",
    )
    rcv_fac, rcv_i = expand(fac, n_rcv_docks)
    shp_fac, shp_i = expand(fac, n_shp_docks)
    # bins split evenly over the warehouse areas
    wh_fac, wh_i = expand(fac, n_wh)
    per_area = n_bins[wh_fac] // n_wh[wh_fac] + (wh_i < n_bins[wh_fac] % n_wh[wh_fac])
    area_row, bin_i = expand(np.arange(len(wh_fac)), per_area)
    stg_fac, stg_i = expand(fac, n_staging)
    line_fac, line_i = expand(fac, n_lines)
    pos_line, pos_i = expand(np.arange(len(line_fac)), rng.integers(4, 9, len(line_fac)))
    virt_fac, virt_i = expand(fac, np.full(n_fac, len(VIRTUAL_LOCATIONS)))

    pieces = [
        location_rows(
            fac, rank=0, path=pl.lit(""), parent=pl.lit(None), label=pl.lit(""), kind="site"
        ),
        location_rows(
            area_fac, rank=1, path=area_code, parent=pl.lit(""), label=area_name, kind="area"
        ),
        location_rows(
            rcv_fac,
            rank=2,
            path=np.char.add("RCV/DOCK", np.char.zfill((rcv_i + 1).astype(str), 2)),
            parent=pl.lit("RCV"),
            label=np.char.add("Receiving Dock ", (rcv_i + 1).astype(str)),
            kind="dock",
        ),
        location_rows(
            shp_fac,
            rank=2,
            path=np.char.add("SHP/DOCK", np.char.zfill((shp_i + 1).astype(str), 2)),
            parent=pl.lit("SHP"),
            label=np.char.add("Shipping Dock ", (shp_i + 1).astype(str)),
            kind="dock",
        ),
        location_rows(
            stg_fac,
            rank=3,
            path=np.char.add("PRD/STG", np.char.zfill((stg_i + 1).astype(str), 2)),
            parent=pl.lit("PRD"),
            label=np.char.add("Line-side Staging ", (stg_i + 1).astype(str)),
            kind="staging",
        ),
        location_rows(
            line_fac,
            rank=4,
            path=np.char.add("PRD/CNV", np.char.zfill((line_i + 1).astype(str), 2)),
            parent=pl.lit("PRD"),
            label=np.char.add("Conveyor Line ", (line_i + 1).astype(str)),
            kind="conveyor_line",
        ),
    ]
    pieces.append(conveyor_position_rows(line_fac, line_i, pos_line, pos_i))
    pieces.append(bin_rows(wh_fac, wh_i, area_row, bin_i))
    pieces.append(virtual_rows(virt_fac, virt_i))
    frame = coded_locations(pieces, facilities, rng)
    return frame.join(
        frame.select(parent_code="location_code", parent_location_id="id"),
        on="parent_code",
        how="left",
        maintain_order="left",
    ).select(
        "id",
        "location_code",
        "name",
        "facility_id",
        "parent_location_id",
        location_type="kind",
        is_physical=~pl.col("kind").is_in([v[1] for v in VIRTUAL_LOCATIONS]),
        position_sequence="position",
        created_at="created_at",
    )


def conveyor_position_rows(
    line_fac: np.ndarray, line_i: np.ndarray, pos_line: np.ndarray, pos_i: np.ndarray
) -> pl.DataFrame:
    """The positions along each conveyor line (``pos_line``: the line of each position)."""
    line_path = np.char.add("PRD/CNV", np.char.zfill((line_i + 1).astype(str), 2))[pos_line]
    line_label = np.char.add("Conveyor Line ", (line_i + 1).astype(str))[pos_line]
    return location_rows(
        line_fac[pos_line],
        rank=5,
        path=np.char.add(np.char.add(line_path, "/P"), np.char.zfill((pos_i + 1).astype(str), 2)),
        parent=line_path,
        label=np.char.add(np.char.add(line_label, " Position "), (pos_i + 1).astype(str)),
        kind="conveyor_position",
        position=pos_i + 1,
    )


def bin_rows(
    wh_fac: np.ndarray, wh_i: np.ndarray, area_row: np.ndarray, bin_i: np.ndarray
) -> pl.DataFrame:
    """The bins of each warehouse area (``area_row``: the area of each bin), slotted by aisle
    letter, bay and level."""
    letters = np.array(list(string.ascii_uppercase))
    wh = np.char.add("WH", (wh_i[area_row] + 1).astype(str))
    slot = np.char.add(
        np.char.add(
            letters[np.minimum(bin_i // (BAYS * LEVELS), 25)],
            np.char.zfill((bin_i // LEVELS % BAYS + 1).astype(str), 2),
        ),
        np.char.add("-", np.char.zfill((bin_i % LEVELS + 1).astype(str), 2)),
    )
    return location_rows(
        wh_fac[area_row],
        rank=6,
        path=np.char.add(np.char.add(wh, "/"), slot),
        parent=wh,
        label=np.char.add(np.char.add(wh, " Bin "), slot),
        kind="bin",
    )


def virtual_rows(virt_fac: np.ndarray, virt_i: np.ndarray) -> pl.DataFrame:
    """The virtual locations of every site (vendor, customer, scrap, adjustment, in transit)."""
    virtual = np.array(VIRTUAL_LOCATIONS)
    return location_rows(
        virt_fac,
        rank=7,
        path=virtual[virt_i, 0],
        parent=pl.lit(""),
        label=np.char.add(virtual[virt_i, 2], " (virtual)"),
        kind=virtual[virt_i, 1],
    )


def coded_locations(
    pieces: list[pl.DataFrame], facilities: pl.DataFrame, rng: np.random.Generator
) -> pl.DataFrame:
    """The location rows with their sites: codes and names from the site's, ids in site, level
    and code order, creation instants a little after the site's (parents before children)."""
    frame = pl.concat(
        [
            piece.with_columns(
                path=pl.col("path").cast(pl.String),
                parent=pl.col("parent").cast(pl.String),
                label=pl.col("label").cast(pl.String),
                kind=pl.col("kind").cast(pl.String),
                rank=pl.col("rank").cast(pl.Int32),
                position=(pl.col("position") if "position" in piece.columns else pl.lit(None)).cast(
                    pl.Int64
                ),
            ).select("fac", "rank", "path", "parent", "label", "kind", "position")
            for piece in pieces
        ],
    )
    site = facilities.select(
        fac=pl.int_range(pl.len()).cast(pl.Int64),
        facility_id="id",
        site_code="facility_code",
        site_name="name",
        site_created=pl.col("created_at").dt.epoch("us"),
    )
    frame = (
        frame.with_columns(pl.col("fac").cast(pl.Int64))
        .join(site, on="fac", how="left", maintain_order="left")
        .with_columns(
            location_code=pl.when(pl.col("path") == "")
            .then("site_code")
            .otherwise(pl.format("{}/{}", "site_code", "path")),
            parent_code=pl.when(pl.col("parent").is_null())
            .then(pl.lit(None, dtype=pl.String))
            .when(pl.col("parent") == "")
            .then("site_code")
            .otherwise(pl.format("{}/{}", "site_code", "parent")),
            name=pl.when(pl.col("rank") == 0)
            .then("site_name")
            .otherwise(pl.format("{} {}", "site_code", "label")),
        )
        .sort("facility_id", "rank", "location_code")
    )
    n = frame.height
    frame = frame.with_columns(
        id=pl.Series(serial_ids(n)),
        # a site's locations are set up with it, parents before children
        created_at=instants(
            frame["site_created"].to_numpy()
            + (frame["rank"].to_numpy().astype(np.int64) * DAY_S + rng.integers(0, DAY_S, n)) * US
        ),
    )
    return frame
