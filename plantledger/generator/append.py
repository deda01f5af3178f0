"""One incremental load: the next days after an existing raw folder (``generate --append-days``).

The simulation starts from the state the folder leaves (:mod:`plantledger.generator.state`) and
continues it over the window ``[first_day 00:00, last_day 23:59:59.999999]`` UTC:

- work orders in progress run on (their steps complete, the last one ends them), released work
  orders start on their planned date, new work orders are created (make-to-order ones with a
  new order) at the initial load's daily rate (the initial history's many open work orders are
  worked off at half that rate, new ones created at the other half meanwhile: see
  :func:`_backlog_holds`); a started work order issues its bill from
  line-side staging sublots at its start, taking the staging stock first, then replenishing
  part sublots from the factory's bins, then receiving new supplier sublots (receipt, putaway,
  quality release, replenishment) for what is still missing; component scrap comes from the
  same staging sublots; completed work orders receive their product sublots onto a conveyor;
- conveyors continue: sublots at a position or waiting on a line move on along the positions
  (the same FIFO flow and PLC tag conventions as :mod:`plantledger.generator.logistics`)
  before and together with the new product sublots, and are put away at the end of the line;
- sublots on receiving docks are put away, quality holds of finished goods are released, orders
  whose products are all put away are picked and shipped, finished goods of make-to-stock work
  orders are transferred to a warehouse or distribution centre (delivered and put away within
  the window), warehouses ship stock orders to customers and receive, relocate and count their
  own stock, customer shipments in transit are delivered;
- one new storage location (a warehouse bin, ``<site>/WH1/X<load>-01``) is set up and used.

Every existing sublot continues from where it is, with the quantity and status it has. A small
share of the events (``LATE_SHARE``) is late: dated in the ``Window.late_days`` days before the
window, ``LATE_DAYS`` by default (:func:`_make_late`: receipt chains of new sublots, and moves
of existing sublots after their latest event, when they are that sublot's first events of the
load).

Everything is vectorised over frames; the only loops run over step positions and conveyor
positions (a handful), never over rows.

The result is the load's rows of every table: new rows, and for the versioned tables a new
version (same key, this ``load_id``) of every row whose content changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from plantledger.generator._util import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    US_PER_SECOND,
    choice,
    partners,
    pick_in_group,
    to_us,
    uniform_us,
    us_to_date,
    us_to_ts,
)
from plantledger.generator.ledger import (
    MOVEMENT_KINDS,
    MTX_KINDS,
    draw_events,
    inventory_plans,
    lot_rows,
    material_transaction_rows,
    number_sublots,
    own_lot,
    plc_changes,
    plc_tag_rows,
    produced_sublots,
    purchased_sublots,
    replay_state,
    reserved,
    return_events,
    shipment_rows,
    sublot_movement_rows,
    sublot_rows,
    supplier_receipt_rows,
    tag_changes,
    with_recorded_by,
    with_server_instants,
    wo_receipt_events,
)
from plantledger.generator.logistics import (
    conveyor_events,
    conveyor_positions,
    dock_shipments,
    onto_lines,
    shipment_facts,
    shipping_events,
    simulate_conveyors,
)
from plantledger.generator.materials import (
    AVAILABLE,
    QUALITY_RELEASE,
    RECEIVED_STATUS,
    SCRAP_REASON_WEIGHTS,
    SCRAP_REASONS,
    Locations,
    events,
    inbound_events,
    locations,
    over_issue,
    receive_pallets,
    replenish_before,
    round_lot_size,
)
from plantledger.generator.production import (
    WO_HEAD,
    WO_IDENTITY,
    current_routings,
    line_prices,
    line_quantities,
    number_documents,
    order_totals,
    planned_dates,
    priorities,
    product_homes,
    stock_quantities,
    work_order_plan,
    zipf_index,
)
from plantledger.generator.sharding import Counters
from plantledger.generator.state import RawState
from plantledger.params import GenerationParams
from plantledger.schema import RAW_SCHEMAS, TABLES, cast_to_contract

LATE_DAYS = 3
"""By default late events are dated at most this many days before the window (the warehouse's
lookback); ``Window.late_days`` (``generate --late-days D``) sets another bound."""
MAX_LATE_DAYS = 366
"""The largest ``--late-days``."""
LATE_SHARE = 0.025
"""The share of a load's events that are late (at least one when a late event is possible)."""
EVENT_TIMES: dict[str, str] = {
    "supplier_receipts": "received_at",
    "sublot_movements": "moved_at",
    "material_transactions": "created_at",
    "shipment_sublots": "",  # the shipped_at of its shipment
    "plc_tag_events": "source_timestamp",
}
"""The event tables and the column of their event time."""
_I64 = pl.Int64


@dataclass(frozen=True)
class Window:
    """The days an append adds, and its load id."""

    load_id: int
    first_day: dt.date
    last_day: dt.date
    late_days: int = LATE_DAYS
    """Late events are dated at most this many days before ``first_day``."""

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def start_us(self) -> int:
        return to_us(dt.datetime.combine(self.first_day, dt.time(), tzinfo=dt.UTC))

    @property
    def end_us(self) -> int:
        return to_us(
            dt.datetime.combine(self.last_day, dt.time(23, 59, 59, 999_999), tzinfo=dt.UTC)
        )

    @property
    def late_us(self) -> int:
        """The earliest instant a late event may have."""
        return self.start_us - self.late_days * US_PER_DAY


@dataclass(frozen=True)
class AppendResult:
    tables: dict[str, pl.DataFrame]
    """The load's rows of every table, cast to the contract (``load_id`` = the load)."""
    events: int
    late_events: int


@dataclass
class _Ctx:
    params: GenerationParams
    window: Window
    state: RawState
    master: dict[str, pl.DataFrame]
    locs: Locations
    counters: Counters
    next_key: int

    @property
    def ws(self) -> int:
        return self.window.start_us

    @property
    def end(self) -> int:
        return self.window.end_us

    def rng(self, name: str) -> np.random.Generator:
        return self.params.rng(f"append/{self.window.load_id}/{name}")

    def keys(self, n: int) -> pl.Series:
        """``n`` fresh temporary sublot keys (above every existing sublot id)."""
        first = self.next_key
        self.next_key += n
        return pl.Series("sublot_key", np.arange(first, first + n, dtype=np.int64))


def _us(column: str) -> pl.Expr:
    return pl.col(column).dt.epoch("us")


def _u(rng: np.random.Generator, low: int, high: int, n: int) -> pl.Series:
    return pl.Series(uniform_us(rng, low, high, n))


# --- entry point -------------------------------------------------------------------------------


def simulate_append(params: GenerationParams, state: RawState, window: Window) -> AppendResult:
    """The rows of load ``window.load_id``: the days of ``window`` after ``state``."""
    counters = Counters(
        reserved=dict(state.sequences),
        next_ids={table: top + 1 for table, top in state.max_ids.items()},
    )
    ctx = _Ctx(
        params=params,
        window=window,
        state=state,
        master=dict(state.master),
        locs=locations(state.master),
        counters=counters,
        next_key=state.max_ids["material_sublots"] + 1,
    )
    stock = _classify(ctx)
    warehouse = _warehouse_roles(ctx, stock)
    new_bin = _new_bin(ctx, warehouse.relocations)
    ctx.master["storage_locations"] = pl.concat(
        [state.master["storage_locations"], new_bin], how="vertical_relaxed"
    )
    ctx.locs = locations(ctx.master)

    wo = _work_orders(ctx)
    mat = _materials(ctx, wo, stock)
    fin = _finished_goods(ctx, wo, stock)
    out = _outbound(ctx, wo, stock, fin)
    wh = _warehouse_events(ctx, stock, warehouse, new_bin)

    ev = pl.concat([mat.events, fin.events, out.events], how="vertical_relaxed")
    ev = events(ev).filter(pl.col("t") <= ctx.end)
    latable = [*mat.latable, *out.latable, *wh.latable]
    ev, late = _make_late(ctx, ev, latable, fin.plc_count(ctx))
    new_sublots = pl.concat(
        [mat.new_sublots, fin.new_sublots, wh.new_sublots], how="vertical_relaxed"
    )
    return _tables(ctx, ev, new_sublots, wo, fin, out, new_bin, late)


# --- what the existing stock is and who may use it -----------------------------------------


def _classify(ctx: _Ctx) -> pl.DataFrame:
    """Every sublot holding stock now: where (location type, role of the dock), what it is."""
    loc = ctx.locs.frame.select(
        pl.col("id").alias("storage_location_id"),
        "location_type",
        "location_code",
        "facility_type",
        pl.col("parent_location_id").alias("parent_loc"),
        pl.col("position_sequence").alias("pos_seq"),
    )
    wo_of_lot = ctx.state.lots.select(pl.col("id").alias("material_lot_id"), "work_order_id")
    s = (
        ctx.state.sublots.filter(pl.col("quantity") > 0)
        .join(loc, on="storage_location_id", how="left", maintain_order="left")
        .join(wo_of_lot, on="material_lot_id", how="left", maintain_order="left")
        .with_columns(
            upd_us=_us("updated_at"),
            place=pl.when(pl.col("location_type") == "dock")
            .then(
                pl.when(pl.col("location_code").str.contains("/RCV/"))
                .then(pl.lit("rcv_dock"))
                .otherwise(pl.lit("shp_dock"))
            )
            .otherwise(pl.col("location_type")),
            is_part=pl.col("part_id").is_not_null(),
            at_factory=pl.col("facility_type") == "factory",
        )
        .sort("id")
    )
    return s


@dataclass(frozen=True)
class _WarehouseRoles:
    relocations: pl.DataFrame
    adjustments: pl.DataFrame
    releases: pl.DataFrame


def _warehouse_roles(ctx: _Ctx, stock: pl.DataFrame) -> _WarehouseRoles:
    """Warehouse and distribution-centre part stock in bins: which sublots are relocated,
    counted or released in this load (each at most one of these)."""
    rng = ctx.rng("warehouse_roles")
    days = ctx.window.days
    rates = ctx.state.rates
    cands = stock.filter(pl.col("is_part") & ~pl.col("at_factory") & (pl.col("place") == "bin"))
    order = rng.permutation(cands.height)
    cands = cands[order] if cands.height else cands
    # at least two: one into the new bin, one that may come late
    n_rel = min(cands.height, max(2, int(rng.poisson(rates.bin_transfers * days))))
    n_adj = min(cands.height - n_rel, int(rng.poisson(rates.count_adjustments * days)))
    relocations = cands.head(n_rel)
    adjustments = cands.slice(n_rel, n_adj)
    rest = cands.slice(n_rel + n_adj)
    held = rest.filter(pl.col("status") == "quality_hold")
    # what is still held in a warehouse was mostly never released in the initial history
    releases = held.filter(pl.Series(rng.random(held.height) < 1 - 0.99**days))
    return _WarehouseRoles(relocations, adjustments, releases)


def _new_bin(ctx: _Ctx, relocations: pl.DataFrame) -> pl.DataFrame:
    """The load's dimension change: a new bin in warehouse area 1 of one facility (where the
    first relocation happens, so at least one appended move uses it)."""
    rng = ctx.rng("new_bin")
    locs = ctx.state.master["storage_locations"]
    areas = locs.filter(
        (pl.col("location_type") == "area") & pl.col("location_code").str.ends_with("/WH1")
    ).sort("facility_id")
    if relocations.height:
        facility = relocations["facility_id"][0]
    else:
        facility = areas["facility_id"][int(rng.integers(0, areas.height))]
    area = areas.filter(pl.col("facility_id") == facility).row(0, named=True)
    slot = f"X{ctx.window.load_id:03d}-01"
    site = area["location_code"].split("/")[0]
    return cast_to_contract(
        "storage_locations",
        pl.DataFrame(
            {
                "id": [ctx.counters.next_id("storage_locations")],
                "location_code": [f"{area['location_code']}/{slot}"],
                "name": [f"{site} WH1 Bin {slot}"],
                "facility_id": [facility],
                "parent_location_id": [area["id"]],
                "location_type": ["bin"],
                "is_physical": [True],
                "position_sequence": [None],
                "created_at": [dt.datetime.combine(ctx.window.first_day, dt.time(), tzinfo=dt.UTC)],
            },
            schema_overrides={"position_sequence": pl.Int32},
        ),
        load_id=ctx.window.load_id,
    ).drop("load_id")


# --- work orders -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _WorkOrders:
    rows: pl.DataFrame
    """Every work order of this load (new ones and new versions), contract columns."""
    steps: pl.DataFrame
    """Every step of this load (new ones and new versions), contract columns."""
    facts: pl.DataFrame
    """Per work order that ran in the window: work_order_id, product_id, facility_id, order_id,
    order_type, quantity_planned, status, start_us, started_now, last_end_us, base_us,
    completed_now, quantity_completed."""
    all_wos: pl.DataFrame
    """Every work order after this load (current version): id, wo_number, status, order_id,
    order_type, product_id, facility_id."""
    orders: pl.DataFrame
    """New orders (contract columns but status, shipped_date; with order_created_us)."""
    order_items: pl.DataFrame


_STEP_COLUMNS = [
    "id",
    "work_order_id",
    "routing_step_id",
    "step_sequence",
    "work_center_id",
    "status",
    "quantity_in",
    "quantity_out",
    "quantity_scrapped",
    "planned_start",
    "actual_start",
    "actual_end",
    "labor_hours",
    "machine_hours",
]


def _routing_times(ctx: _Ctx) -> pl.DataFrame:
    wc = ctx.master["work_centers"].select(
        pl.col("id").alias("routing_wc"), pl.col("efficiency_rating").alias("eff")
    )
    return (
        ctx.master["production_routings"]
        .select(
            pl.col("id").alias("routing_step_id"),
            pl.col("setup_time_mins").alias("setup"),
            pl.col("run_time_per_unit_mins").alias("run"),
            pl.col("work_center_id").alias("routing_wc"),
        )
        .join(wc, on="routing_wc", how="left", maintain_order="left")
        .drop("routing_wc")
    )


def _new_work_orders(ctx: _Ctx) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """New work orders (and the orders of the make-to-order ones) created in the window."""
    rng = ctx.rng("new_work_orders")
    ws, end = ctx.ws, ctx.end
    rates = ctx.state.rates
    homes = product_homes(current_routings(ctx.master))
    products = (
        ctx.master["products"]
        .select(pl.col("id").alias("product_id"), "list_price")
        .join(homes, on="product_id", how="inner", maintain_order="left")
        .sort("product_id")
    )
    n = int(rng.poisson(_new_work_order_days(ctx) * rates.work_orders)) if products.height else 0
    mto = rng.random(n) < rates.make_to_order_share
    pick = rng.integers(0, max(products.height, 1), n)
    qty = np.where(mto, line_quantities(rng, n), stock_quantities(rng, n))
    order_created = uniform_us(rng, ws, end - 3 * US_PER_HOUR, n)
    created = order_created + uniform_us(rng, 10 * US_PER_MINUTE, US_PER_HOUR, n)
    anchor = created + uniform_us(rng, 3 * US_PER_HOUR, 7 * US_PER_DAY, n)
    cancelled = rng.random(n) < 0.03
    priority = priorities(rng, mto)
    wos = pl.DataFrame(
        {
            "tmp": np.arange(n, dtype=np.int64),
            "product_id": products["product_id"].to_numpy()[pick] if n else np.zeros(0, np.int64),
            "facility_id": products["facility_id"].to_numpy()[pick] if n else np.zeros(0, np.int64),
            "order_type": np.where(mto, "make_to_order", "make_to_stock"),
            "quantity_planned": qty,
            "priority": priority.astype(np.int64),
            "created_us": created,
            "order_created_us": order_created,
            "anchor_us": anchor,
            "cancelled": cancelled,
        },
        schema_overrides={"product_id": _I64, "facility_id": _I64, "order_type": pl.String},
    )
    wos = number_documents(
        wos, ("created_us", "tmp"), "created_us", "WO", 5, ctx.counters, "work_orders"
    ).rename({"code": "wo_number"})

    # make-to-order: one new order per work order, its first line the work order's product
    orders = wos.filter(pl.col("order_type") == "make_to_order").select(
        "tmp", "facility_id", "product_id", "quantity_planned", "order_created_us"
    )
    no = orders.height
    orders = orders.with_columns(
        customer_id=_zipf_customers(ctx, rng, no),
        n_items=pl.Series(1 + rng.binomial(4, 0.5, no)),
    )
    orders = number_documents(
        orders, ("order_created_us", "tmp"), "order_created_us", "ORD", 3, ctx.counters, "orders"
    ).rename({"code": "order_number", "id": "order_id"})
    items = (
        orders.select("order_id", "facility_id", "product_id", "quantity_planned", "n_items")
        .with_columns(line_number=pl.int_ranges(1, pl.col("n_items") + 1))
        .explode("line_number")
        .sort("order_id", "line_number")
    )
    items = pick_in_group(
        items.rename({"product_id": "wo_product"}),
        products.select("facility_id", pl.col("product_id").alias("p")),
        "facility_id",
        "p",
        "other_product",
        rng,
    )
    ni = items.height
    items = items.with_columns(
        product_id=pl.when(pl.col("line_number") == 1)
        .then(pl.col("wo_product"))
        .otherwise(pl.col("other_product")),
        quantity=pl.when(pl.col("line_number") == 1)
        .then(pl.col("quantity_planned"))
        .otherwise(pl.Series(line_quantities(rng, ni))),
    ).join(
        products.select("product_id", "list_price"),
        on="product_id",
        how="left",
        maintain_order="left",
    )
    items = items.with_columns(**line_prices(rng, ni)).select(
        "order_id", "line_number", "product_id", "quantity", "unit_price", "discount_percent"
    )
    orders = (
        orders.join(order_totals(items), on="order_id", how="left", maintain_order="left")
        .with_columns(
            order_date=us_to_date(pl.col("order_created_us")),
            created_at=us_to_ts(pl.col("order_created_us")),
        )
        .with_columns(
            required_date=pl.col("order_date")
            + pl.duration(days=pl.Series(rng.integers(7, 45, no)))
        )
        .sort("order_id")
    )
    wos = wos.join(
        orders.select("tmp", "order_id"), on="tmp", how="left", maintain_order="left"
    ).sort("id")
    return wos, orders.drop("tmp"), items


def _unit_hash(ids: np.ndarray, salt: int) -> np.ndarray:
    """A uniform number in [0, 1) per id, the same in every load (splitmix64 of id and salt)."""
    x = ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(salt)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


BACKLOG_SHARE = 0.5
"""The share of the initial daily rate of work orders the initial backlog takes (see
:func:`_backlog_holds`); new work orders get the rest while it lasts."""


def _backlog_span_us(ctx: _Ctx, status: str) -> float:
    """How long working off the initial load's open work orders of ``status`` takes."""
    st = ctx.state
    rate = max(st.rates.work_orders * BACKLOG_SHARE, 1e-9)
    return st.backlog.filter(pl.col("status") == status).height / rate * US_PER_DAY


def _initial_end_us(ctx: _Ctx) -> int:
    end0 = dt.datetime.combine(ctx.state.initial_end, dt.time(23, 59, 59, 999_999), tzinfo=dt.UTC)
    return to_us(end0)


def _new_work_order_days(ctx: _Ctx) -> float:
    """The window's days weighted by the share of the daily rate new work orders get: the
    initial history ends with far more work orders released or in progress than a day's work
    (its status mix), so while those released are started, new ones come at the rest."""
    busy_until = _initial_end_us(ctx) + _backlog_span_us(ctx, "released")
    overlap = min(max(busy_until - ctx.ws, 0), ctx.end - ctx.ws + 1) / US_PER_DAY
    return ctx.window.days - BACKLOG_SHARE * overlap


def _backlog_holds(ctx: _Ctx) -> pl.DataFrame:
    """id, hold_us: the work orders open at the end of the initial load are worked off at
    ``BACKLOG_SHARE`` of the initial load's daily rate of work orders: each is started (the
    released ones) or finishes its running step (the ones in progress) no earlier than its hold
    instant, fixed per work order and spread evenly over as many days as that takes."""
    end0 = _initial_end_us(ctx)
    frames = []
    for i, status in enumerate(("in_progress", "released")):
        ids = ctx.state.backlog.filter(pl.col("status") == status)["id"]
        span = _backlog_span_us(ctx, status)
        u = _unit_hash(ids.to_numpy(), 2 * ctx.params.seed + i)
        frames.append(
            pl.DataFrame(
                {"id": ids, "hold_us": end0 + (u * span).astype(np.int64)},
                schema={"id": _I64, "hold_us": _I64},
            )
        )
    return pl.concat(frames)


def _work_orders(ctx: _Ctx) -> _WorkOrders:
    rng = ctx.rng("work_orders")
    ws, end = ctx.ws, ctx.end
    st = ctx.state
    routings = current_routings(ctx.master)
    times = _routing_times(ctx)

    # --- which work orders run in the window --------------------------------------------------
    existing = st.work_orders
    holds = _backlog_holds(ctx)
    released = existing.filter(pl.col("status") == "released").join(
        holds, on="id", how="left", maintain_order="left"
    )
    group = pl.coalesce(pl.col("order_id"), -pl.col("id"))
    released = released.with_columns(
        group=group,
        plan_us=pl.col("planned_start_date").cast(pl.Datetime("us")).cast(_I64),
    ).with_columns(
        group_plan=pl.col("plan_us").min().over("group"),
        group_hold=pl.col("hold_us").min().over("group"),
    )
    groups = released.select("group", "group_plan", "group_hold").unique().sort("group")
    groups = groups.with_columns(
        group_start=pl.max_horizontal(
            pl.col("group_plan") + _u(rng, 6 * US_PER_HOUR, 18 * US_PER_HOUR, groups.height),
            pl.lit(ws) + _u(rng, 3 * US_PER_HOUR, 6 * US_PER_HOUR, groups.height),
            pl.col("group_hold").fill_null(0),
        )
    ).filter(pl.col("group_start") + 12 * US_PER_HOUR <= end - US_PER_HOUR)
    starting = released.join(
        groups.select("group", "group_start"), on="group", how="inner", maintain_order="left"
    )
    starting = starting.sort("id").with_columns(
        start_us=pl.col("group_start") + _u(rng, 0, 12 * US_PER_HOUR, starting.height)
    )
    running = existing.filter(pl.col("status") == "in_progress")

    new_wos, new_orders, new_items = _new_work_orders(ctx)
    new_wos = new_wos.with_columns(
        started=~pl.col("cancelled") & (pl.col("anchor_us") <= end - US_PER_HOUR)
    )

    # --- steps: existing ones of running and starting work orders, new ones --------------------
    old_steps = st.open_steps.filter(
        pl.col("work_order_id").is_in(pl.concat([running["id"], starting["id"]]).implode())
    )
    old = old_steps.select(
        "id",
        "work_order_id",
        "routing_step_id",
        "step_sequence",
        "work_center_id",
        status0="status",
        in0="quantity_in",
        out0="quantity_out",
        scrap0="quantity_scrapped",
        planned_start="planned_start",
        act_start0=_us("actual_start"),
        act_end0=_us("actual_end"),
        labor0="labor_hours",
        machine0="machine_hours",
    )
    wo_start = pl.concat(
        [
            running.join(holds, on="id", how="left", maintain_order="left").select(
                pl.col("id").alias("work_order_id"),
                pl.lit(None, _I64).alias("start_us"),
                "hold_us",
            ),
            starting.select(
                pl.col("id").alias("work_order_id"), "start_us", pl.lit(None, _I64).alias("hold_us")
            ),
        ],
        how="vertical_relaxed",
    )
    new_steps = (
        new_wos.select(pl.col("id").alias("work_order_id"), "product_id")
        .join(
            routings.select("product_id", "routing_step_id", "step_sequence", "work_center_id"),
            on="product_id",
            maintain_order="left",
        )
        .sort("work_order_id", "step_sequence")
        .drop("product_id")
    )
    new_steps = ctx.counters.with_ids("work_order_steps", new_steps).with_columns(
        status0=pl.lit("pending"),
        in0=pl.lit(0, _I64),
        out0=pl.lit(0, _I64),
        scrap0=pl.lit(0, _I64),
        planned_start=pl.lit(None, pl.Datetime("us", "UTC")),
        act_start0=pl.lit(None, _I64),
        act_end0=pl.lit(None, _I64),
        labor0=pl.lit(0.0),
        machine0=pl.lit(0.0),
    )
    plan = pl.concat(
        [
            existing.select(pl.col("id").alias("work_order_id"), "quantity_planned"),
            new_wos.select(pl.col("id").alias("work_order_id"), "quantity_planned"),
        ],
        how="vertical_relaxed",
    )
    all_steps = (
        pl.concat([old, new_steps.select(old.columns)], how="vertical_relaxed")
        .join(plan, on="work_order_id", how="left", maintain_order="left")
        .join(times, on="routing_step_id", how="left", maintain_order="left")
        .sort("work_order_id", "step_sequence")
    )
    n = all_steps.height
    all_steps = all_steps.with_columns(
        step_idx=pl.int_range(pl.len()).over("work_order_id"),
        n_steps=pl.len().over("work_order_id"),
        run_min=pl.col("run").fill_null(1.0)
        * pl.col("quantity_planned")
        / pl.col("eff").fill_null(1.0).clip(0.3, 1.0),
    ).with_columns(
        dur_us=(
            (pl.col("setup").fill_null(30) + pl.col("run_min"))
            * US_PER_MINUTE
            * pl.Series(rng.uniform(0.85, 1.25, n))
        )
        .cast(_I64)
        .clip(lower_bound=US_PER_MINUTE),
        gap_us=_u(rng, 10 * US_PER_MINUTE, 240 * US_PER_MINUTE, n),
        p_scrap=pl.Series(rng.uniform(0.0, 0.03, n) * (rng.random(n) < 0.6)),
        nudge=_u(rng, 5 * US_PER_MINUTE, 2 * US_PER_HOUR, n),
        push=_u(rng, US_PER_HOUR, 3 * US_PER_HOUR, n),
        labor_f=pl.Series(rng.uniform(0.9, 1.6, n)),
        machine_f=pl.Series(rng.uniform(0.95, 1.05, n)),
        plan_jitter=_u(rng, -2 * US_PER_HOUR, 2 * US_PER_HOUR, n),
    )
    # nominal offsets from the work order's start, for planned step starts
    all_steps = all_steps.with_columns(
        off_end=(
            pl.when(pl.col("step_idx") == 0).then(0).otherwise(pl.col("gap_us")) + pl.col("dur_us")
        )
        .cum_sum()
        .over("work_order_id")
    ).with_columns(off_start=pl.col("off_end") - pl.col("dur_us"))

    run_ids = pl.concat([wo_start["work_order_id"], new_wos.filter("started")["id"]])
    runs = all_steps.filter(pl.col("work_order_id").is_in(run_ids.implode())).join(
        pl.concat(
            [
                wo_start,
                new_wos.filter("started").select(
                    pl.col("id").alias("work_order_id"),
                    pl.col("anchor_us").alias("start_us"),
                    pl.lit(None, _I64).alias("hold_us"),
                ),
            ],
            how="vertical_relaxed",
        ),
        on="work_order_id",
        how="left",
        maintain_order="left",
    )
    sched = _schedule(ctx, runs.sort("work_order_id", "step_sequence"), rng)

    # --- work-order roll-up --------------------------------------------------------------------
    roll = (
        sched.group_by("work_order_id")
        .agg(
            pl.col("state").last().alias("last_state"),
            pl.col("end_us").last().alias("last_end_us"),
            pl.col("new_scrap").sum().alias("quantity_scrapped"),
            pl.col("new_out").last().alias("last_out"),
            pl.col("start_us_step").filter(pl.col("state") != "pending").max().alias("last_start"),
            pl.col("start_us").first().alias("wo_start_us"),
        )
        .sort("work_order_id")
    )
    nr = roll.height
    roll = roll.with_columns(
        completed_now=pl.col("last_state") == "completed",
        base_us=pl.max_horizontal(
            pl.col("last_end_us"), pl.lit(ws) + _u(rng, 5 * US_PER_MINUTE, US_PER_HOUR, nr)
        ),
        rec_off=_u(rng, US_PER_MINUTE, 10 * US_PER_MINUTE, nr),
        end_off=_u(rng, 31 * US_PER_MINUTE, 120 * US_PER_MINUTE, nr),
    ).with_columns(
        actual_end_us=pl.when(pl.col("completed_now")).then(pl.col("base_us") + pl.col("end_off")),
        quantity_completed=pl.when(pl.col("completed_now")).then(pl.col("last_out")).otherwise(0),
        status=pl.when(pl.col("completed_now"))
        .then(pl.lit("completed"))
        .otherwise(pl.lit("in_progress")),
    )
    if roll.filter(pl.col("actual_end_us") > end).height:
        raise AssertionError("a work order would end after the window")

    # --- rows: steps -----------------------------------------------------------------------
    ran_steps = sched.select(
        "id",
        "work_order_id",
        "routing_step_id",
        "step_sequence",
        "work_center_id",
        status="state",
        quantity_in="new_in",
        quantity_out="new_out",
        quantity_scrapped="new_scrap",
        planned_start=pl.coalesce(
            "planned_start",
            us_to_ts(pl.col("start_us") + pl.col("off_start") + pl.col("plan_jitter")),
        ),
        actual_start=pl.when(pl.col("state") != "pending").then(us_to_ts(pl.col("start_us_step"))),
        actual_end=pl.when(pl.col("state") == "completed").then(us_to_ts(pl.col("end_us"))),
        labor_hours="labor_hours",
        machine_hours="machine_hours",
    )
    idle_new = (
        all_steps.filter(~pl.col("work_order_id").is_in(run_ids.implode()))
        .join(
            new_wos.select(pl.col("id").alias("work_order_id"), "cancelled", "anchor_us"),
            on="work_order_id",
            how="inner",
            maintain_order="left",
        )
        .select(
            "id",
            "work_order_id",
            "routing_step_id",
            "step_sequence",
            "work_center_id",
            status=pl.when(pl.col("cancelled"))
            .then(pl.lit("skipped"))
            .otherwise(pl.lit("pending")),
            quantity_in=pl.lit(0, _I64),
            quantity_out=pl.lit(0, _I64),
            quantity_scrapped=pl.lit(0, _I64),
            planned_start=us_to_ts(
                pl.col("anchor_us") + pl.col("off_start") + pl.col("plan_jitter")
            ),
            actual_start=pl.lit(None, pl.Datetime("us", "UTC")),
            actual_end=pl.lit(None, pl.Datetime("us", "UTC")),
            labor_hours=pl.lit(0.0),
            machine_hours=pl.lit(0.0),
        )
    )
    steps_now = pl.concat([ran_steps, idle_new], how="vertical_relaxed").sort("id")
    old_rows = st.open_steps.select(_STEP_COLUMNS)
    steps_out = _changed(steps_now.select(_STEP_COLUMNS), old_rows, ["id"])

    # --- rows: work orders -------------------------------------------------------------------
    totals = all_steps.group_by("work_order_id").agg(pl.col("off_end").max().alias("total_us"))
    nn = new_wos.height
    new_rows = (
        new_wos.join(
            totals, left_on="id", right_on="work_order_id", how="left", maintain_order="left"
        )
        .with_columns(
            **work_order_plan(
                rng, pl.col("anchor_us"), pl.col("total_us").fill_null(US_PER_HOUR), nn
            ),
            cancel_us=pl.min_horizontal(
                pl.col("created_us") + _u(rng, US_PER_HOUR, 2 * US_PER_DAY, nn), pl.lit(end)
            ),
        )
        .select(
            *WO_HEAD,
            status=pl.when(pl.col("cancelled"))
            .then(pl.lit("cancelled"))
            .otherwise(pl.lit("released")),
            **planned_dates(),
            created_us="created_us",
            updated_us=pl.when(pl.col("cancelled"))
            .then(pl.col("cancel_us"))
            .otherwise(pl.col("created_us")),
        )
    )
    wo_cols = RAW_SCHEMAS["work_orders"]
    base = pl.concat(
        [
            existing.with_columns(
                created_us=_us("created_at"),
                updated_us=_us("updated_at"),
                start0=_us("actual_start_date"),
            ).drop("created_at", "updated_at"),
            new_rows.with_columns(
                quantity_completed=pl.lit(0, _I64),
                quantity_scrapped=pl.lit(0, _I64),
                actual_start_date=pl.lit(None, pl.Datetime("us", "UTC")),
                actual_end_date=pl.lit(None, pl.Datetime("us", "UTC")),
                start0=pl.lit(None, _I64),
            ),
        ],
        how="diagonal_relaxed",
    )
    after = (
        base.join(
            roll.select(
                pl.col("work_order_id").alias("id"),
                pl.col("status").alias("r_status"),
                "quantity_completed",
                pl.col("quantity_scrapped").alias("r_scrap"),
                "actual_end_us",
                "last_start",
                "wo_start_us",
            ),
            on="id",
            how="left",
            suffix="_r",
            maintain_order="left",
        )
        .with_columns(
            status=pl.coalesce("r_status", "status"),
            quantity_completed=pl.coalesce("quantity_completed_r", "quantity_completed"),
            quantity_scrapped=pl.coalesce("r_scrap", "quantity_scrapped"),
            actual_start_date=pl.coalesce("actual_start_date", us_to_ts(pl.col("wo_start_us"))),
            actual_end_date=pl.coalesce("actual_end_date", us_to_ts(pl.col("actual_end_us"))),
            updated_us=pl.when(pl.col("r_status") == "completed")
            .then(pl.col("actual_end_us"))
            .when(pl.col("r_status") == "in_progress")
            .then(pl.max_horizontal("last_start", "updated_us"))
            .otherwise(pl.col("updated_us")),
        )
        .with_columns(
            created_at=us_to_ts(pl.col("created_us")),
            updated_at=us_to_ts(pl.col("updated_us")),
        )
        .sort("id")
    )
    wo_rows = _changed(after.select(list(wo_cols)[:-1]), existing, ["id"])

    facts = roll.join(
        after.select(pl.col("id").alias("work_order_id"), *WO_IDENTITY, "quantity_planned"),
        on="work_order_id",
        how="left",
        maintain_order="left",
    ).with_columns(
        started_now=pl.col("work_order_id").is_in(
            pl.concat([starting["id"], new_wos.filter("started")["id"]]).implode()
        ),
        start_us=pl.col("wo_start_us"),
    )
    all_wos = after.select(
        "id", "wo_number", "status", "order_id", "order_type", "product_id", "facility_id"
    )
    return _WorkOrders(
        rows=wo_rows,
        steps=steps_out,
        facts=facts,
        all_wos=all_wos,
        orders=new_orders,
        order_items=new_items,
    )


def _schedule(ctx: _Ctx, s: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Run the steps of the running work orders through the window: when each of the steps
    still to do starts and ends, its state at the window's end and its quantities."""
    ws, end = ctx.ws, ctx.end
    not_done = pl.col("status0") != "completed"
    s = s.with_columns(
        k0=pl.col("step_idx")
        .filter(not_done)
        .min()
        .over("work_order_id")
        .fill_null(pl.col("n_steps")),
        prev_end0=pl.col("act_end0").shift(1).over("work_order_id"),
    )
    idx, k0 = pl.col("step_idx"), pl.col("k0")
    running0 = pl.col("status0") == "in_progress"
    hold = pl.col("hold_us").fill_null(0)  # backlog: not before its hold instant
    s = s.with_columns(
        start_k0=pl.when(running0)
        .then(pl.col("act_start0"))
        .when(idx == 0)
        .then(pl.col("start_us"))
        .otherwise(
            pl.max_horizontal(
                pl.col("prev_end0") + pl.col("gap_us"), pl.lit(ws) + pl.col("nudge"), hold
            )
        ),
    ).with_columns(
        end_k0=pl.when(running0)
        .then(
            pl.max_horizontal(
                pl.col("act_start0") + pl.col("dur_us"), pl.lit(ws) + pl.col("nudge"), hold
            )
        )
        .otherwise(pl.col("start_k0") + pl.col("dur_us")),
        inc=pl.when(idx > k0).then(pl.col("gap_us") + pl.col("dur_us")).otherwise(0),
    )
    s = s.with_columns(
        e0=pl.col("end_k0").filter(idx == k0).first().over("work_order_id"),
        cum=pl.col("inc").cum_sum().over("work_order_id"),
    ).with_columns(
        end_us=pl.when(idx < k0)
        .then(pl.col("act_end0"))
        .when(idx == k0)
        .then(pl.col("end_k0"))
        .otherwise(pl.col("e0") + pl.col("cum")),
    )
    s = s.with_columns(
        start_us_step=pl.when(idx < k0)
        .then(pl.col("act_start0"))
        .when(idx == k0)
        .then(pl.col("start_k0"))
        .otherwise(pl.col("end_us") - pl.col("dur_us")),
    )
    # the last step completes only with time left to receive the products and close the order
    last = idx == pl.col("n_steps") - 1
    s = s.with_columns(
        end_us=pl.when(
            last
            & (idx >= k0)
            & (pl.col("end_us") > end - 2 * US_PER_HOUR)
            & (pl.col("end_us") <= end)
        )
        .then(pl.lit(end) + pl.col("push"))
        .otherwise(pl.col("end_us"))
    ).with_columns(
        state=pl.when(idx < k0)
        .then(pl.lit("completed"))
        .when(pl.col("end_us") <= end)
        .then(pl.lit("completed"))
        .when(pl.col("start_us_step") <= end)
        .then(pl.lit("in_progress"))
        .otherwise(pl.lit("pending"))
    )

    # quantities along the chain, step position by step position
    n = s.height
    pos = s["step_idx"].to_numpy()
    first = s["k0"].to_numpy()
    was_running = (s["status0"] == "in_progress").to_numpy()
    in0 = s["in0"].fill_null(0).to_numpy().astype(np.int64)
    out0 = s["out0"].fill_null(0).to_numpy().astype(np.int64)
    scrap0 = s["scrap0"].fill_null(0).to_numpy().astype(np.int64)
    planned = s["quantity_planned"].to_numpy().astype(np.int64)
    p = s["p_scrap"].to_numpy()
    q_in = np.zeros(n, dtype=np.int64)
    q_scrap = np.zeros(n, dtype=np.int64)
    for k in range(int(pos.max()) + 1 if n else 0):
        rows = np.flatnonzero(pos == k)
        done = rows[k < first[rows]]
        q_in[done], q_scrap[done] = in0[done], scrap0[done]
        cont = rows[(k == first[rows]) & was_running[rows]]
        q_in[cont] = in0[cont]
        q_scrap[cont] = scrap0[cont] + rng.binomial(
            np.maximum(in0[cont] - out0[cont] - scrap0[cont], 0), p[cont]
        )
        rest = rows[(k >= first[rows]) & ~((k == first[rows]) & was_running[rows])]
        q_in[rest] = planned[rest] if k == 0 else q_in[rest - 1] - q_scrap[rest - 1]
        q_scrap[rest] = rng.binomial(q_in[rest], p[rest])
    s = s.with_columns(
        full_in=pl.Series(q_in),
        full_scrap=pl.Series(q_scrap),
        base_out=pl.Series(np.where(was_running, out0, 0)),
        base_scrap=pl.Series(np.where(was_running, scrap0, 0)),
    ).with_columns(
        frac=(
            (pl.lit(end) - pl.col("start_us_step")) / (pl.col("end_us") - pl.col("start_us_step"))
        ).clip(0.0, 1.0),
        full_out=pl.col("full_in") - pl.col("full_scrap"),
    )
    state = pl.col("state")
    # a step still running that was running before keeps what it reported (no new version)
    still = (state == "in_progress") & (pl.col("status0") == "in_progress")
    s = s.with_columns(
        new_in=pl.when(state == "pending").then(0).otherwise(pl.col("full_in")),
        new_out=pl.when(state == "completed")
        .then(pl.col("full_out"))
        .when(still)
        .then(pl.col("base_out"))
        .when(state == "in_progress")
        .then(
            pl.max_horizontal("base_out", (pl.col("full_out") * pl.col("frac")).floor().cast(_I64))
        )
        .otherwise(0),
        new_scrap=pl.when(state == "completed")
        .then(pl.col("full_scrap"))
        .when(still)
        .then(pl.col("base_scrap"))
        .when(state == "in_progress")
        .then(
            pl.max_horizontal(
                "base_scrap", (pl.col("full_scrap") * pl.col("frac")).floor().cast(_I64)
            )
        )
        .otherwise(0),
        done_frac=pl.when(state == "completed")
        .then(1.0)
        .when(state == "in_progress")
        .then(pl.col("frac"))
        .otherwise(0.0),
    )
    return s.with_columns(
        labor_hours=pl.when((idx < k0) | still)
        .then(pl.col("labor0"))
        .otherwise(
            (pl.col("dur_us") / US_PER_HOUR * pl.col("labor_f") * pl.col("done_frac")).round(2)
        ),
        machine_hours=pl.when((idx < k0) | still)
        .then(pl.col("machine0"))
        .otherwise((pl.col("run_min") / 60 * pl.col("machine_f") * pl.col("done_frac")).round(2)),
    )


def _changed(now: pl.DataFrame, before: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """The rows of ``now`` that are new or differ from their current version in ``before``."""
    cols = now.columns
    old = before.select(cols).cast(dict(now.schema))
    return now.join(old, on=cols, how="anti", nulls_equal=True, maintain_order="left").sort(key)


# --- late events ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Latable:
    """Events that may be dated before the window instead: ``now`` in the window, ``late`` the
    same events of the same sublots back-dated (a sublot's ``late`` events are all before the
    window, after its latest existing event, and before its next event of this load)."""

    now: pl.DataFrame
    late: pl.DataFrame


def _backdate(ctx: _Ctx, rng: np.random.Generator, now: pl.DataFrame) -> _Latable:
    """For existing sublots with one event each in ``now``: the event moved to a random instant
    between the later of the late bound and a minute after the sublot's latest event, and the
    window's start (never into a location set up in this load)."""
    upd = ctx.state.sublots.select(
        pl.col("id").alias("sublot_key"), pl.col("updated_at").dt.epoch("us").alias("upd")
    )
    new_code = f"/X{ctx.window.load_id:03d}-01"
    fresh = ctx.locs.frame.filter(pl.col("location_code").str.ends_with(new_code))["id"]
    ok = now.filter(~pl.col("to_loc").is_in(fresh.implode())).join(
        upd, on="sublot_key", maintain_order="left"
    )
    low = pl.max_horizontal(pl.lit(ctx.window.late_us), pl.col("upd") + US_PER_MINUTE)
    late = ok.with_columns(
        t=low
        + ((pl.lit(ctx.ws - US_PER_SECOND) - low) * pl.Series(rng.random(ok.height))).cast(_I64)
    ).drop("upd")
    return _Latable(now=now, late=late)


def _receipt_chains(
    ctx: _Ctx,
    new: pl.DataFrame,
    late: dict[str, pl.Expr | pl.Series],
    *,
    qty: str,
    putaway: float,
    release: float,
    released: pl.Expr,
) -> _Latable:
    """The receipt chains (:func:`plantledger.generator.materials.inbound_events`) of new
    supplier sublots at their ``dock`` and ``bin``: in the window (columns ``r`` and ``gap``),
    or late (``late``: back-dated ``r`` and ``gap``)."""

    def chain(frame: pl.DataFrame) -> pl.DataFrame:
        return inbound_events(
            frame,
            qty=qty,
            facility="facility_id",
            dock="dock",
            bin_="bin",
            putaway=putaway,
            release=release,
            released=released,
            vendor=ctx.locs.virtual("vendor"),
        )

    return _Latable(now=chain(new), late=chain(new.with_columns(**late)))


# --- material: issues, scrap and returns from line-side staging, and where they come from ---


@dataclass(frozen=True)
class _Materials:
    events: pl.DataFrame
    latable: list[_Latable]
    new_sublots: pl.DataFrame
    """sublot_key, part_id, product_id, initial_quantity, lot_tmp, work_order_id."""


def _approved_suppliers(ctx: _Ctx) -> pl.DataFrame:
    """part_id → supplier candidates: the approved ones, else the primary supplier."""
    approved = (
        ctx.master["part_suppliers"]
        .filter(pl.col("is_approved"))
        .select("part_id", pl.col("supplier_id").alias("sup"))
    )
    primary = ctx.master["parts"].select(
        pl.col("id").alias("part_id"), pl.col("primary_supplier_id").alias("sup")
    )
    lonely = primary.filter(~pl.col("part_id").is_in(approved["part_id"].implode()))
    return pl.concat([approved, lonely], how="vertical_relaxed").unique().sort("part_id", "sup")


def _materials(ctx: _Ctx, wo: _WorkOrders, stock: pl.DataFrame) -> _Materials:
    rng = ctx.rng("materials")
    ws, end = ctx.ws, ctx.end
    facts = wo.facts
    comps = ctx.master["product_components"].select(
        "product_id", "part_id", pl.col("quantity").alias("comp_qty")
    )

    # --- issues of the work orders that start, with the occasional over-issue ---------------
    iss = (
        facts.filter(pl.col("started_now"))
        .join(comps, on="product_id", maintain_order="left")
        .sort("work_order_id", "part_id")
    )
    n = iss.height
    bill = (iss["comp_qty"] * iss["quantity_planned"]).to_numpy().astype(np.int64)
    extra = over_issue(rng, bill, iss["completed_now"].to_numpy())
    iss = iss.with_columns(
        extra=pl.Series(extra),
        qty=pl.Series(bill) + pl.Series(extra),
        t=pl.col("start_us") - _u(rng, 5 * US_PER_MINUTE, 120 * US_PER_MINUTE, n),
        kind=pl.lit("issue_to_wo"),
        reason_code=pl.lit(None, pl.String),
    )

    # --- scrap of component material found defective at the line ----------------------------
    run = (
        facts.filter(pl.col("started_now"))
        .join(comps, on="product_id", maintain_order="left")
        .sort("work_order_id", "part_id")
    )
    m = run.height
    run = run.with_columns(
        lo=pl.max_horizontal(pl.col("start_us").fill_null(ws), pl.lit(ws + US_PER_HOUR)),
        hi=pl.when(pl.col("completed_now")).then(pl.col("last_end_us")).otherwise(pl.lit(end)),
        hit=pl.Series(rng.random(m) < 0.05),
        frac=pl.Series(rng.random(m)),
        share=pl.Series(rng.uniform(0.005, 0.03, m)),
        reason=pl.Series(choice(rng, SCRAP_REASONS, SCRAP_REASON_WEIGHTS, m).astype(str)),
    ).filter(pl.col("hit") & (pl.col("hi") > pl.col("lo")))
    scrap = run.select(
        "work_order_id",
        "facility_id",
        "part_id",
        qty=(pl.col("comp_qty") * pl.col("quantity_planned") * pl.col("share"))
        .round()
        .cast(_I64)
        .clip(lower_bound=1),
        t=pl.col("lo") + ((pl.col("hi") - pl.col("lo")) * pl.col("frac")).cast(_I64),
        kind=pl.lit("scrap"),
        reason_code="reason",
    )
    draws = (
        pl.concat(
            [
                iss.select(
                    "work_order_id", "facility_id", "part_id", "qty", "t", "kind", "reason_code"
                ),
                scrap,
            ],
            how="vertical_relaxed",
        )
        .with_row_index("draw_key")
        .with_columns(pl.col("draw_key").cast(_I64))
    )

    # --- supply: staging stock, then the factory's bins, then new supplier sublots -----------
    pairs = draws.select("facility_id", "part_id").unique()
    held = stock.filter(
        pl.col("is_part") & pl.col("at_factory") & (pl.col("status") == "available")
    ).join(pairs, on=["facility_id", "part_id"], how="semi", maintain_order="left")
    supply = pl.concat(
        [
            # the fullest staging sublot first; odd leftovers (returned over-issues, under a
            # tenth of the sublot) stay where they are
            held.filter(
                (pl.col("place") == "staging")
                & (pl.col("quantity") * 10 >= pl.col("initial_quantity"))
            ).select(
                "facility_id",
                "part_id",
                tier=pl.lit(0),
                order=-pl.col("quantity").cast(_I64) * (1 << 40) + pl.col("id"),
                sublot_key=pl.col("id"),
                cap=pl.col("quantity").cast(_I64),
                loc=pl.col("storage_location_id"),
            ),
            held.filter(pl.col("place") == "bin").select(
                "facility_id",
                "part_id",
                tier=pl.lit(1),
                order=pl.col("id"),
                sublot_key=pl.col("id"),
                cap=pl.col("quantity").cast(_I64),
                loc=pl.col("storage_location_id"),
            ),
        ],
        how="vertical_relaxed",
    )
    demand = draws.group_by("facility_id", "part_id").agg(pl.col("qty").sum().alias("demand"))
    have = supply.group_by("facility_id", "part_id").agg(pl.col("cap").sum().alias("have"))
    short = (
        demand.join(have, on=["facility_id", "part_id"], how="left", maintain_order="left")
        .with_columns(short=pl.col("demand") - pl.col("have").fill_null(0))
        .filter(pl.col("short") > 0)
        .sort("facility_id", "part_id")
    )
    ns = short.height
    lot = round_lot_size(short["short"].to_numpy() * rng.uniform(1.2, 3.0, ns))
    fresh = short.select("facility_id", "part_id").with_columns(
        tier=pl.lit(2),
        order=pl.lit(0, _I64),
        sublot_key=ctx.keys(ns),
        cap=pl.Series(lot),
        loc=pl.lit(None, _I64),
    )
    supply = (
        pl.concat([supply, fresh], how="vertical_relaxed")
        .sort("facility_id", "part_id", "tier", "order", "sublot_key")
        .with_columns(s_end=pl.col("cap").cum_sum().over("facility_id", "part_id"))
        .with_columns(s_start=pl.col("s_end") - pl.col("cap"))
    )
    draws = (
        draws.sort("facility_id", "part_id", "t", "draw_key")
        .with_columns(d_end=pl.col("qty").cum_sum().over("facility_id", "part_id"))
        .with_columns(d_start=pl.col("d_end") - pl.col("qty"))
    )
    pieces = (
        draws.join(
            supply.select(
                "facility_id", "part_id", "sublot_key", "tier", "loc", "s_start", "s_end"
            ),
            on=["facility_id", "part_id"],
            maintain_order="left",
        )
        .filter((pl.col("d_start") < pl.col("s_end")) & (pl.col("s_start") < pl.col("d_end")))
        .with_columns(
            qty=pl.min_horizontal("d_end", "s_end") - pl.max_horizontal("d_start", "s_start")
        )
        .sort("t", "draw_key", "s_start")
    )
    used = (
        pieces.group_by("sublot_key")
        .agg(
            pl.col("t").min().alias("first_use"),
            pl.col("tier").first(),
            pl.col("loc").first(),
            pl.col("facility_id").first(),
            pl.col("part_id").first(),
        )
        .sort("sublot_key")
    )
    used = pick_in_group(used, ctx.locs.of_type("staging"), "facility_id", "loc", "stg", rng)
    used = used.with_columns(
        staging=pl.when(pl.col("tier") == 0).then(pl.col("loc")).otherwise(pl.col("stg"))
    )
    pieces = pieces.join(
        used.select("sublot_key", "staging"), on="sublot_key", how="left", maintain_order="left"
    )

    # replenishment of bin stock to the line shortly before its first use
    nu = used.height
    used = used.with_columns(
        lead=pl.min_horizontal(
            _u(rng, US_PER_MINUTE, 4 * US_PER_HOUR, nu), (pl.col("first_use") - ws) // 2
        )
    )
    bins = used.filter(pl.col("tier") == 1).join(
        held.select(pl.col("id").alias("sublot_key"), pl.col("quantity").cast(_I64).alias("held")),
        on="sublot_key",
        how="left",
        maintain_order="left",
    )
    # staged from the bins shortly before the first draw (or, when late, days before)
    staged = _backdate(
        ctx,
        rng,
        events(
            bins.select(
                "sublot_key",
                "facility_id",
                kind=pl.lit("replenish_to_line"),
                t=pl.col("first_use") - pl.col("lead"),
                from_loc="loc",
                to_loc="staging",
                qty="held",
                **AVAILABLE,
            )
        ),
    )
    ev: list[pl.DataFrame] = []

    # new supplier sublots: received, put away, released if held, replenished in time
    new = used.filter(pl.col("tier") == 2).join(
        fresh.select("sublot_key", "cap"), on="sublot_key", how="left", maintain_order="left"
    )
    nn = new.height
    crit = (
        new.join(
            ctx.master["parts"].select(pl.col("id").alias("part_id"), "is_critical"),
            on="part_id",
            how="left",
            maintain_order="left",
        )["is_critical"]
        .fill_null(False)
        .to_numpy()
    )
    new = new.with_columns(
        r=pl.lit(ws) + ((pl.col("first_use") - ws) * pl.Series(rng.uniform(0, 0.5, nn))).cast(_I64),
        hold=pl.Series(rng.random(nn) < np.where(crit, 0.8, 0.3)),
    ).with_columns(
        gap=pl.col("first_use") - pl.col("r"),
        status0=RECEIVED_STATUS,
    )
    new = pick_in_group(new, _approved_suppliers(ctx), "part_id", "sup", "supplier_id", rng)
    new = pick_in_group(new, ctx.locs.dock("RCV"), "facility_id", "loc", "dock", rng)
    new = pick_in_group(new, _old_bins(ctx), "facility_id", "loc", "bin", rng)
    r_late = _u(rng, ctx.window.late_us, ws - US_PER_HOUR, nn)
    back = pl.Series(rng.uniform(0.3, 1.0, nn))
    # the receipt, putaway and release of a new sublot may come late (its replenishment not)
    chains = _receipt_chains(
        ctx,
        new,
        {"r": r_late, "gap": ((pl.lit(ws) - r_late) * back).cast(_I64)},
        qty="cap",
        putaway=0.02,
        release=0.1,
        released=pl.col("hold"),
    )
    ev.append(
        new.select(
            "sublot_key",
            "facility_id",
            kind=pl.lit("replenish_to_line"),
            t=replenish_before("first_use"),
            from_loc="bin",
            to_loc="staging",
            qty="cap",
            **AVAILABLE,
        )
    )

    # the draws themselves, and returns to the sublot the over-issue came from
    ev.append(draw_events(pieces, ctx.locs, staging="staging"))
    last_piece = (
        pieces.filter(pl.col("kind") == "issue_to_wo")
        .group_by("work_order_id", "part_id")
        .agg(pl.col("sublot_key").last(), pl.col("staging").last())
    )
    returns = iss.filter(pl.col("extra") > 0).join(
        last_piece, on=["work_order_id", "part_id"], how="left", maintain_order="left"
    )
    returns = returns.with_columns(
        t=pl.col("base_us") + _u(rng, US_PER_MINUTE, 30 * US_PER_MINUTE, returns.height),
        qty=pl.col("extra"),
    )
    ev.append(return_events(returns, staging="staging"))

    # quality release of held part sublots in the factories' bins
    hold = stock.filter(
        pl.col("is_part")
        & pl.col("at_factory")
        & (pl.col("status") == "quality_hold")
        & (pl.col("place") == "bin")
    )
    hold = hold.filter(pl.Series(rng.random(hold.height) < 1 - 0.5**ctx.window.days))
    releases = _backdate(ctx, rng, _release(hold, rng, ws, end))

    new_sublots = purchased_sublots(new, "cap", own_lot("P"))
    return _Materials(
        events=pl.concat([events(e) for e in ev], how="vertical_relaxed"),
        latable=[chains, releases, staged],
        new_sublots=new_sublots,
    )


def _old_bins(ctx: _Ctx) -> pl.DataFrame:
    """Bins that existed before this load (new supplier sublots never go to the new bin, so a
    back-dated receipt cannot use a location set up later)."""
    new_code = f"/X{ctx.window.load_id:03d}-01"
    return ctx.locs.of_type("bin").filter(~pl.col("location_code").str.ends_with(new_code))


def _release(s: pl.DataFrame, rng: np.random.Generator, ws: int, end: int) -> pl.DataFrame:
    """Quality release (hold → available) of sublots in their bin, early in the window."""
    return events(
        s.select(
            sublot_key="id",
            facility_id="facility_id",
            t=pl.min_horizontal(
                pl.lit(ws) + _u(rng, 10 * US_PER_MINUTE, 6 * US_PER_HOUR, s.height), pl.lit(end)
            ),
            from_loc="storage_location_id",
            to_loc="storage_location_id",
            qty=pl.col("quantity").cast(_I64),
            **QUALITY_RELEASE,
        )
    )


# --- finished goods: production receipts, conveyors, putaway ------------------------------


@dataclass(frozen=True)
class _Finished:
    events: pl.DataFrame
    new_sublots: pl.DataFrame
    stays: pl.DataFrame
    """Conveyor stays: sublot_key, line_loc, pos_loc, seq, enter_us, leave_us, pre (``pre``:
    the sublot was already at the position when the window began; its arrival is old)."""
    put_away: pl.DataFrame
    """Finished sublots leaving a conveyor: sublot_key, facility_id, bin, qty, putaway_us."""

    def plc_count(self, ctx: _Ctx) -> int:
        return plc_changes(self.stays, ctx.end).height


def _finished_goods(ctx: _Ctx, wo: _WorkOrders, stock: pl.DataFrame) -> _Finished:
    rng = ctx.rng("finished_goods")
    ws = ctx.ws
    locs = ctx.locs

    # --- production receipts: each completed work order's good units, as pallets -------------
    done = wo.facts.filter(pl.col("completed_now") & (pl.col("quantity_completed") > 0)).sort(
        "work_order_id"
    )
    rec = receive_pallets(
        done,
        pl.col("base_us") + pl.col("rec_off"),
        rng,
        keep=("work_order_id", "product_id", "facility_id"),
    )
    rec = onto_lines(rec.with_columns(sublot_key=ctx.keys(rec.height)), locs, rng)
    rec = rec.with_columns(
        ready_us=pl.col("t") + _u(rng, 10 * US_PER_SECOND, 120 * US_PER_SECOND, rec.height)
    )

    # --- sublots already on a conveyor continue from where they are ------------------------
    positions = conveyor_positions(locs, rng)
    n_pos = positions.group_by("line_loc").agg(pl.col("seq").max().alias("n_pos"))
    conv = stock.filter(pl.col("place").is_in(["conveyor_position", "conveyor_line"]))
    conv = (
        conv.join(
            ctx.state.conveyor_visits,
            left_on="id",
            right_on="sublot_id",
            how="left",
            maintain_order="left",
        )
        .with_columns(
            line_loc=pl.when(pl.col("place") == "conveyor_position")
            .then(pl.col("parent_loc"))
            .otherwise(pl.col("storage_location_id")),
        )
        .join(n_pos, on="line_loc", how="left", maintain_order="left")
        .with_columns(
            first_seq=pl.when(pl.col("place") == "conveyor_position")
            .then(pl.col("pos_seq").cast(_I64))
            .otherwise(pl.col("last_seq").fill_null(0) + 1),
            pre=pl.col("place") == "conveyor_position",
        )
    )
    # all of them can move on at once; those at a position go first, a sublot that waits on
    # the line has left the position before it before anyone now there arrived at it
    conv = conv.with_columns(
        a=pl.lit(ws, _I64),
        prio=pl.when(pl.col("pre")).then(0).otherwise(1).cast(_I64),
    )
    entrants = pl.concat(
        [
            conv.select(
                sublot_key="id",
                line_loc="line_loc",
                first_seq="first_seq",
                a="a",
                prio="prio",
                pre="pre",
            ),
            rec.select(
                "sublot_key",
                "line_loc",
                first_seq=pl.lit(1, _I64),
                a="ready_us",
                prio=pl.lit(2, _I64),
                pre=pl.lit(False),
            ),
        ],
        how="vertical_relaxed",
    )
    stays = simulate_conveyors(entrants, positions, rng)
    exits = stays.group_by("sublot_key").agg(pl.col("leave_us").max().alias("exit_us"))
    leaving = pl.concat(
        [
            conv.select(
                sublot_key="id",
                facility_id="facility_id",
                line_loc="line_loc",
                qty=pl.col("quantity").cast(_I64),
                a="a",
            ),
            rec.select("sublot_key", "facility_id", "line_loc", "qty", a="ready_us"),
        ],
        how="vertical_relaxed",
    ).join(exits, on="sublot_key", how="left", maintain_order="left")
    leaving = pick_in_group(leaving, locs.of_type("bin"), "facility_id", "loc", "bin", rng)
    leaving = leaving.with_columns(
        putaway_us=pl.col("exit_us").fill_null(pl.col("a"))
        + _u(rng, 2 * US_PER_MINUTE, 30 * US_PER_MINUTE, leaving.height)
    )
    qty_of = leaving.select("sublot_key", "qty", "facility_id")
    ev = [
        wo_receipt_events(rec),
        conveyor_events(stays)
        .join(qty_of, on="sublot_key", how="left", maintain_order="left")
        .with_columns(**AVAILABLE),
        leaving.select(
            "sublot_key",
            "facility_id",
            "qty",
            kind=pl.lit("putaway"),
            t="putaway_us",
            from_loc="line_loc",
            to_loc="bin",
            **AVAILABLE,
        ),
    ]
    new_sublots = produced_sublots(rec)
    return _Finished(
        events=pl.concat([events(e) for e in ev], how="vertical_relaxed"),
        new_sublots=new_sublots,
        stays=stays,
        put_away=leaving.select("sublot_key", "facility_id", "bin", "qty", "putaway_us"),
    )


# --- outbound: docks, releases, shipments, deliveries, orders -----------------------------


@dataclass(frozen=True)
class _Outbound:
    events: pl.DataFrame
    latable: list[_Latable]
    shipments: pl.DataFrame
    """New shipments: ship_key, shipment_type, origin_facility_id, destination_facility_id,
    order_id, shipped_us, delivered_us (null while in transit)."""
    delivered: pl.DataFrame
    """Existing shipments delivered in the window: id, delivered_us."""
    orders: pl.DataFrame
    """Orders of this load (new ones and new versions), contract columns."""
    order_items: pl.DataFrame


def _backlog_delay(
    rng: np.random.Generator, backlog: pl.Series, days: float, per_day: float
) -> pl.Series:
    """Delays after the window's start for shipments ready before it: spread over ``days``,
    or over as many days as shipping the whole backlog at ``per_day`` takes."""
    n = backlog.len()
    span_days = max(days, int(backlog.sum()) / max(per_day, 1e-9))
    return pl.Series(uniform_us(rng, US_PER_HOUR, int(span_days * US_PER_DAY), n))


def _zipf_customers(ctx: _Ctx, rng: np.random.Generator, n: int) -> pl.Series:
    ids = ctx.master["customers"].sort("id")["id"].to_numpy()
    return pl.Series(ids[zipf_index(rng, ids.size, n)], dtype=_I64)


def _outbound(ctx: _Ctx, wo: _WorkOrders, stock: pl.DataFrame, fin: _Finished) -> _Outbound:
    rng = ctx.rng("outbound")
    ws, end = ctx.ws, ctx.end
    locs = ctx.locs
    ev: list[pl.DataFrame] = []

    # --- sublots left on receiving docks are put away ------------------------------------------
    rcv = stock.filter(pl.col("place") == "rcv_dock")
    rcv = pick_in_group(rcv, locs.of_type("bin"), "facility_id", "loc", "bin", rng)
    putaways = events(
        rcv.select(
            sublot_key="id",
            facility_id="facility_id",
            kind=pl.lit("putaway"),
            t=pl.lit(ws) + _u(rng, 5 * US_PER_MINUTE, 2 * US_PER_HOUR, rcv.height),
            from_loc="storage_location_id",
            to_loc="bin",
            qty=pl.col("quantity").cast(_I64),
            from_status="status",
            to_status="status",
        )
    )
    docks = _backdate(ctx, rng, putaways)

    # --- finished goods: where each one is and from when it could be shipped -----------------
    status_of = wo.all_wos.select(
        pl.col("id").alias("work_order_id"),
        pl.col("status").alias("wo_status"),
        "order_type",
        "order_id",
    )
    products = stock.filter(~pl.col("is_part")).join(
        status_of, on="work_order_id", how="left", maintain_order="left"
    )
    qa = products.filter(
        (pl.col("place") == "bin")
        & (pl.col("status") == "quality_hold")
        & (pl.col("wo_status") == "completed")
    )
    releases = _release(qa, rng, ws, end)
    ev.append(releases)
    released_at = releases.select(pl.col("sublot_key").alias("id"), pl.col("t").alias("rel_us"))
    put = fin.put_away.filter(pl.col("putaway_us") <= end)
    existing_goods = (
        products.join(released_at, on="id", how="left", maintain_order="left")
        .join(
            put.select(pl.col("sublot_key").alias("id"), "putaway_us", "bin"),
            on="id",
            how="left",
            maintain_order="left",
        )
        .select(
            sublot_key="id",
            facility_id="facility_id",
            work_order_id="work_order_id",
            qty=pl.col("quantity").cast(_I64),
            at_factory="at_factory",
            picked=pl.col("place") == "shp_dock",
            loc=pl.coalesce("bin", "storage_location_id"),
            ready_us=pl.when((pl.col("place") == "bin") & (pl.col("status") == "available"))
            .then(pl.col("upd_us"))
            .when(pl.col("rel_us").is_not_null())
            .then(pl.col("rel_us"))
            .when(pl.col("place") == "shp_dock")
            .then(pl.lit(ws))
            .when(pl.col("place").is_in(["conveyor_position", "conveyor_line"]))
            .then(pl.col("putaway_us")),
        )
    )
    made = fin.new_sublots.select("sublot_key", "work_order_id").join(
        put.select("sublot_key", "facility_id", "qty", "putaway_us", "bin"),
        on="sublot_key",
        how="left",
        maintain_order="left",
    )
    new_goods = made.select(
        "sublot_key",
        "facility_id",
        "work_order_id",
        qty=pl.col("qty").cast(_I64),
        at_factory=pl.lit(True),
        picked=pl.lit(False),
        loc="bin",
        ready_us="putaway_us",
    )
    goods = pl.concat([existing_goods, new_goods], how="vertical_relaxed").join(
        status_of, on="work_order_id", how="left", maintain_order="left"
    )

    # --- make-to-order: an order ships once all its work orders' products are put away --------
    open_orders = pl.concat(
        [
            ctx.state.orders.filter(pl.col("status").is_in(["pending", "confirmed"])).select(
                pl.col("id").alias("order_id")
            ),
            wo.orders.select("order_id"),
        ],
        how="vertical_relaxed",
    )
    order_wos = wo.all_wos.filter(pl.col("order_id").is_in(open_orders["order_id"].implode()))
    order_goods = goods.filter(pl.col("order_id").is_in(open_orders["order_id"].implode()))
    ready_orders = (
        order_wos.group_by("order_id")
        .agg((pl.col("status") == "completed").all().alias("all_done"))
        .join(
            order_goods.group_by("order_id").agg(
                pl.col("ready_us").max().alias("ready"),
                pl.col("ready_us").null_count().alias("not_ready"),
                pl.len().alias("n_goods"),
                pl.col("facility_id").first(),
            ),
            on="order_id",
            how="inner",
            maintain_order="left",
        )
        .filter(pl.col("all_done") & (pl.col("not_ready") == 0))
        .sort("order_id")
    )
    no = ready_orders.height
    rates = ctx.state.rates
    orders_per_day = rates.work_orders * rates.make_to_order_share
    ready_orders = ready_orders.with_columns(
        due=pl.when(pl.col("ready") < ws)
        .then(pl.lit(ws) + _backlog_delay(rng, ready_orders["ready"] < ws, 3, orders_per_day))
        .otherwise(pl.col("ready") + _u(rng, 4 * US_PER_HOUR, 5 * US_PER_DAY, no))
    ).with_columns(
        due=pl.max_horizontal(
            "due", pl.max_horizontal("ready", pl.lit(ws)) + 3 * US_PER_HOUR + US_PER_MINUTE
        ),
        transit_us=_u(rng, US_PER_DAY, 7 * US_PER_DAY, no),
    )
    ship_orders = ready_orders.filter(pl.col("due") <= end).select(
        "order_id",
        "facility_id",
        "due",
        "transit_us",
        shipment_type=pl.lit("order_fulfillment"),
        group=pl.lit("O") + pl.col("order_id").cast(pl.String),
    )
    mto_goods = order_goods.join(
        ship_orders.select("order_id", "group"), on="order_id", how="inner", maintain_order="left"
    )

    # --- make-to-stock goods (and whatever waits picked on a shipping dock) are transferred ----
    picked_left = stock.filter(pl.col("place") == "shp_dock").filter(
        ~pl.col("id").is_in(mto_goods["sublot_key"].implode())
        & ~pl.col("id").is_in(order_goods["sublot_key"].implode())
    )
    mts = goods.filter(
        (pl.col("order_type") == "make_to_stock")
        & (pl.col("wo_status") == "completed")
        & pl.col("at_factory")
        & ~pl.col("picked")
        & pl.col("ready_us").is_not_null()
    ).with_columns(group=pl.lit("W") + pl.col("work_order_id").cast(pl.String))
    docked = picked_left.select(
        sublot_key="id",
        facility_id="facility_id",
        qty=pl.col("quantity").cast(_I64),
        picked=pl.lit(True),
        loc="storage_location_id",
        ready_us=pl.lit(ws),
        is_part="is_part",
        group=pl.lit("D") + pl.col("storage_location_id").cast(pl.String),
    )
    moving = pl.concat(
        [mts.select(docked.columns[:-2] + ["group"]).with_columns(is_part=pl.lit(False)), docked],
        how="diagonal_relaxed",
    )
    transfers = (
        moving.group_by("group")
        .agg(
            pl.col("ready_us").max().alias("ready"),
            pl.col("facility_id").first(),
            pl.col("picked").any(),
            pl.col("is_part").any(),
        )
        .sort("group")
    )
    nt = transfers.height
    transfers = transfers.with_columns(
        due=pl.when(pl.col("picked"))
        .then(pl.lit(ws) + _u(rng, 30 * US_PER_MINUTE, 3 * US_PER_HOUR, nt))
        .when(pl.col("ready") < ws)
        .then(
            pl.lit(ws)
            + _backlog_delay(
                rng, ~transfers["picked"] & (transfers["ready"] < ws), 5, rates.transfers
            )
        )
        .otherwise(pl.col("ready") + _u(rng, US_PER_DAY, 10 * US_PER_DAY, nt)),
        frac=pl.Series(rng.random(nt)),
    )
    transfers = transfers.with_columns(
        due=pl.when(pl.col("picked"))
        .then(pl.col("due"))
        .otherwise(
            pl.max_horizontal(
                "due", pl.max_horizontal("ready", pl.lit(ws)) + 3 * US_PER_HOUR + US_PER_MINUTE
            )
        )
    ).filter(pl.col("due") + 4 * US_PER_HOUR <= end)
    span = pl.min_horizontal(pl.lit(end) - pl.col("due"), pl.lit(5 * US_PER_DAY))
    transfers = transfers.with_columns(
        transit_us=pl.lit(4 * US_PER_HOUR) + ((span - 4 * US_PER_HOUR) * pl.col("frac")).cast(_I64),
        shipment_type=pl.when(pl.col("is_part"))
        .then(pl.lit("replenishment"))
        .otherwise(pl.lit("transfer")),
    )
    sites = ctx.master["facilities"]
    stock_sites = sites.filter(pl.col("facility_type") != "factory")["id"]
    factories = sites.filter(pl.col("facility_type") == "factory")["id"]
    routes = ctx.master["transport_routes"].rename(
        {"origin_facility_id": "facility_id", "destination_facility_id": "dest"}
    )
    parts_t = transfers.filter(pl.col("is_part"))
    goods_t = transfers.filter(~pl.col("is_part"))
    dest_frames = []
    for frame, targets in ((goods_t, stock_sites), (parts_t, factories)):
        if frame.height and targets.len():
            lanes = partners(routes, "facility_id", "dest", frame["facility_id"], targets)
            lanes = lanes.filter(pl.col("dest") != pl.col("facility_id"))
            frame = frame.filter(pl.col("facility_id").is_in(lanes["facility_id"].implode()))
            dest_frames.append(
                pick_in_group(frame, lanes, "facility_id", "dest", "destination_facility_id", rng)
            )
    transfers = (
        pl.concat(dest_frames, how="vertical_relaxed").sort("group")
        if dest_frames
        else transfers.head(0).with_columns(destination_facility_id=pl.lit(None, _I64))
    )
    trf_goods = moving.join(
        transfers.select("group"), on="group", how="inner", maintain_order="left"
    )

    # --- warehouses ship stock orders to customers ------------------------------------------------
    cands = stock.filter(
        ~pl.col("is_part")
        & ~pl.col("at_factory")
        & (pl.col("place") == "bin")
        & (pl.col("status") == "available")
    )
    cands = cands[rng.permutation(cands.height)] if cands.height else cands
    cands = cands.with_columns(slot=pl.int_range(pl.len()).over("facility_id") // 2).with_columns(
        group=pl.format("S{}-{}", pl.col("facility_id"), pl.col("slot"))
    )
    slots = cands.select("group").unique(maintain_order=True)
    n_so = min(slots.height, int(rng.poisson(ctx.state.rates.transfers * ctx.window.days)))
    chosen = slots.head(n_so)
    so_goods = cands.join(chosen, on="group", how="inner", maintain_order="left").select(
        sublot_key="id",
        facility_id="facility_id",
        qty=pl.col("quantity").cast(_I64),
        picked=pl.lit(False),
        loc="storage_location_id",
        ready_us="upd_us",
        product_id="product_id",
        group="group",
    )
    stock_orders = so_goods.group_by("group").agg(pl.col("facility_id").first()).sort("group")
    nso = stock_orders.height
    stock_orders = stock_orders.with_columns(
        due=pl.lit(ws)
        + _u(rng, 3 * US_PER_HOUR, max(end - ws - US_PER_HOUR, 3 * US_PER_HOUR + 1), nso),
        transit_us=_u(rng, US_PER_DAY, 7 * US_PER_DAY, nso),
        shipment_type=pl.lit("order_fulfillment"),
        tmp=pl.int_range(pl.len(), dtype=_I64),
    ).with_columns(
        order_created_us=pl.max_horizontal(
            pl.col("due") - _u(rng, 3 * US_PER_HOUR, 12 * US_PER_HOUR, nso), pl.lit(ws)
        ),
        customer_id=_zipf_customers(ctx, rng, nso),
    )
    stock_orders = number_documents(
        stock_orders,
        ("order_created_us", "tmp"),
        "order_created_us",
        "ORD",
        3,
        ctx.counters,
        "orders",
    ).rename({"id": "order_id", "code": "order_number"})

    # --- every shipment of the window: picks, loading, transit, arrival, putaway --------------
    ships = pl.concat(
        [
            ship_orders.select(
                "group", "facility_id", "due", "transit_us", "shipment_type", "order_id"
            ),
            transfers.select(
                "group",
                "facility_id",
                "due",
                "transit_us",
                "shipment_type",
                "destination_facility_id",
            ),
            stock_orders.select(
                "group", "facility_id", "due", "transit_us", "shipment_type", "order_id"
            ),
        ],
        how="diagonal_relaxed",
    ).sort("due", "group")
    ships = dock_shipments(
        ships.rename({"due": "shipped_us"}).with_columns(
            ship_key=pl.int_range(pl.len(), dtype=_I64) + 1
        ),
        locs,
        rng,
    )
    loads = (
        pl.concat(
            [
                mto_goods.select("sublot_key", "qty", "picked", "loc", "group"),
                trf_goods.select("sublot_key", "qty", "picked", "loc", "group"),
                so_goods.select("sublot_key", "qty", "picked", "loc", "group"),
            ],
            how="vertical_relaxed",
        )
        .join(ships, on="group", how="inner", maintain_order="left")
        .with_columns(
            from_dock=pl.when(pl.col("picked")).then(pl.col("loc")).otherwise(pl.col("ship_dock"))
        )
        .sort("ship_key", "sublot_key")
    )
    loads = pick_in_group(
        loads, _old_bins(ctx).rename({"facility_id": "dest"}), "dest", "loc", "dest_bin", rng
    )
    picks = events(
        loads.filter(~pl.col("picked")).select(
            "sublot_key",
            "qty",
            "facility_id",
            kind=pl.lit("pick"),
            t="pick_us",
            from_loc="loc",
            to_loc="ship_dock",
            **AVAILABLE,
        )
    )
    # picks for orders and transfers may be posted late (stock orders are new orders)
    stock_picks = picks.filter(pl.col("sublot_key").is_in(so_goods["sublot_key"].implode()))
    ev += [
        stock_picks,
        shipping_events(loads, locs, rng, from_dock="from_dock"),
    ]
    shipments = shipment_facts(
        ships.filter(pl.col("ship_key").is_in(loads["ship_key"].implode())), end
    )

    # --- customer shipments in transit arrive ---------------------------------------------------
    tr = ctx.state.transit_shipments
    target = _us("shipped_at") + _u(rng, US_PER_DAY, 7 * US_PER_DAY, tr.height)
    delivered = tr.select(
        "id",
        "order_id",
        delivered_us=pl.when(target < ws)
        .then(pl.lit(ws) + _u(rng, US_PER_HOUR, 12 * US_PER_HOUR, tr.height))
        .otherwise(target),
    ).filter(pl.col("delivered_us") <= end)

    orders, items = _orders_after(
        ctx, rng, wo, ship_orders, shipments, stock_orders, so_goods, delivered
    )
    return _Outbound(
        events=pl.concat([events(e) for e in ev], how="vertical_relaxed"),
        latable=[
            docks,
            _backdate(
                ctx,
                rng,
                picks.filter(~pl.col("sublot_key").is_in(so_goods["sublot_key"].implode())),
            ),
        ],
        shipments=shipments,
        delivered=delivered.select("id", "delivered_us"),
        orders=orders,
        order_items=items,
    )


def _orders_after(
    ctx: _Ctx,
    rng: np.random.Generator,
    wo: _WorkOrders,
    ship_orders: pl.DataFrame,
    shipments: pl.DataFrame,
    stock_orders: pl.DataFrame,
    so_goods: pl.DataFrame,
    delivered: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """New orders (make-to-order and stock orders) and new versions of the existing orders whose
    status changed: confirmed once a work order starts, shipped, delivered."""
    order_cols = list(RAW_SCHEMAS["orders"])[:-1]
    # stock orders: one line per product of the shipped sublots
    lines = (
        so_goods.group_by("group", "product_id")
        .agg(pl.col("qty").sum().alias("quantity"))
        .join(stock_orders.select("group", "order_id"), on="group", maintain_order="left")
        .sort("order_id", "product_id")
        .with_columns(line_number=pl.int_range(1, pl.len() + 1).over("order_id"))
        .join(
            ctx.master["products"].select(pl.col("id").alias("product_id"), "list_price"),
            on="product_id",
            how="left",
            maintain_order="left",
        )
    )
    nl = lines.height
    so_items = lines.select(
        "order_id",
        pl.col("line_number").cast(_I64),
        "product_id",
        "quantity",
        **line_prices(rng, nl),
    )
    nso = stock_orders.height
    so_totals = order_totals(so_items)
    so_rows = stock_orders.join(so_totals, on="order_id", how="left", maintain_order="left").select(
        pl.col("order_id").alias("id"),
        "order_number",
        "customer_id",
        order_date=us_to_date(pl.col("order_created_us")),
        required_date=us_to_date(pl.col("order_created_us"))
        + pl.duration(days=pl.Series(rng.integers(7, 45, nso))),
        shipped_date=pl.lit(None, pl.Date),
        status=pl.lit("confirmed"),
        shipping_facility_id="facility_id",
        total_amount="total_amount",
        created_at=us_to_ts(pl.col("order_created_us")),
    )
    new_wo_orders = wo.orders.select(
        pl.col("order_id").alias("id"),
        "order_number",
        "customer_id",
        "order_date",
        "required_date",
        shipped_date=pl.lit(None, pl.Date),
        status=pl.lit("pending"),
        shipping_facility_id="facility_id",
        total_amount="total_amount",
        created_at="created_at",
    )
    existing = ctx.state.orders.select(order_cols)
    base = pl.concat([existing, new_wo_orders, so_rows], how="vertical_relaxed")

    wos = (
        wo.all_wos.filter(pl.col("order_id").is_not_null())
        .group_by("order_id")
        .agg(
            pl.col("status")
            .is_in(["in_progress", "completed", "quality_hold"])
            .any()
            .alias("started"),
            (pl.col("status") == "cancelled").all().alias("cancelled"),
        )
    )
    shipped = shipments.filter(pl.col("order_id").is_not_null()).select(
        "order_id", "shipped_us", "delivered_us"
    )
    arrived = delivered.select("order_id", arrived_us="delivered_us")
    after = (
        base.join(wos, left_on="id", right_on="order_id", how="left", maintain_order="left")
        .join(shipped, left_on="id", right_on="order_id", how="left", maintain_order="left")
        .join(arrived, left_on="id", right_on="order_id", how="left", maintain_order="left")
        .with_columns(
            status=pl.when(
                pl.col("arrived_us").is_not_null() | pl.col("delivered_us").is_not_null()
            )
            .then(pl.lit("delivered"))
            .when(pl.col("shipped_us").is_not_null())
            .then(pl.lit("shipped"))
            .when(pl.col("status").is_in(["shipped", "delivered"]))
            .then(pl.col("status"))
            .when(pl.col("cancelled").fill_null(False))
            .then(pl.lit("cancelled"))
            .when(pl.col("started").fill_null(False))
            .then(pl.lit("confirmed"))
            .otherwise(pl.col("status")),
            shipped_date=pl.coalesce("shipped_date", us_to_date(pl.col("shipped_us"))),
        )
        .select(order_cols)
        .sort("id")
    )
    items = pl.concat([wo.order_items, so_items], how="vertical_relaxed").sort(
        "order_id", "line_number"
    )
    return _changed(after, existing, ["id"]), items


# --- warehouses: their own receipts, relocations, counts and releases -------------------------


@dataclass(frozen=True)
class _Warehouse:
    latable: list[_Latable]
    """Relocations (the first into the new bin), count adjustments, quality releases and the
    receipt chains of new warehouse stock: all of them may come late."""
    new_sublots: pl.DataFrame


def _other_bin(s: pl.DataFrame, bins: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """``to_bin``: a random bin of the sublot's facility other than the one it is in."""
    ranked = bins.sort("facility_id", "loc").with_columns(
        rank=pl.int_range(pl.len()).over("facility_id")
    )
    counts = ranked.group_by("facility_id").agg(pl.len().alias("n"))
    rank_of = ranked.select(pl.col("loc").alias("storage_location_id"), "rank")
    s = (
        s.join(counts, on="facility_id", how="left", maintain_order="left")
        .join(rank_of, on="storage_location_id", how="left", maintain_order="left")
        .with_columns(u=pl.Series(rng.random(s.height)))
        .with_columns(
            target=(
                pl.col("rank").fill_null(0)
                + 1
                + (pl.col("u") * (pl.col("n") - 1)).floor().cast(pl.UInt32)
            )
            % pl.col("n")
        )
    )
    return s.join(
        ranked.select("facility_id", pl.col("rank").alias("target"), pl.col("loc").alias("to_bin")),
        on=["facility_id", "target"],
        how="left",
        maintain_order="left",
    ).drop("n", "rank", "target", "u")


def _warehouse_events(
    ctx: _Ctx, stock: pl.DataFrame, roles: _WarehouseRoles, new_bin: pl.DataFrame
) -> _Warehouse:
    rng = ctx.rng("warehouse")
    ws, end, late = ctx.ws, ctx.end, ctx.window.late_us
    locs = ctx.locs
    rates = ctx.state.rates
    new_bin_id = int(new_bin["id"][0])

    # --- relocations: the first one into the new bin ------------------------------------------
    rel = _other_bin(roles.relocations, locs.of_type("bin"), rng)
    rel = rel.with_columns(
        to_bin=pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit(new_bin_id, _I64))
        .otherwise(pl.col("to_bin"))
    ).filter(pl.col("to_bin") != pl.col("storage_location_id"))
    relocations = events(
        rel.select(
            sublot_key="id",
            facility_id="facility_id",
            kind=pl.lit("bin_transfer"),
            t=pl.lit(ws) + _u(rng, 0, end - ws, rel.height),
            from_loc="storage_location_id",
            to_loc="to_bin",
            qty=pl.col("quantity").cast(_I64),
            from_status="status",
            to_status="status",
        )
    )

    # --- count adjustments and releases ----------------------------------------------------------
    adj = roles.adjustments
    na = adj.height
    qty = adj["quantity"].to_numpy().astype(np.int64)
    delta = np.maximum(1, np.round(qty * rng.uniform(0.01, 0.05, na))).astype(np.int64)
    gain = (rng.random(na) < 0.3) | (delta >= qty)
    adjustment = locs.virtual("adjustment")
    adj_loc = pl.col("facility_id").replace_strict(adjustment, return_dtype=_I64)
    adj = adj.with_columns(delta=pl.Series(delta), gain=pl.Series(gain))
    adjustments = events(
        adj.select(
            sublot_key="id",
            facility_id="facility_id",
            kind=pl.lit("count_adjustment"),
            t=pl.lit(ws) + _u(rng, 0, end - ws, na),
            qty="delta",
            from_loc=pl.when(pl.col("gain")).then(adj_loc).otherwise(pl.col("storage_location_id")),
            to_loc=pl.when(pl.col("gain")).then(pl.col("storage_location_id")).otherwise(adj_loc),
            from_status="status",
            to_status="status",
            reason_code=pl.lit("cycle_count"),
        )
    )

    # --- new warehouse stock: receipt, putaway, release -----------------------------------------
    sites = (
        locs.of_type("site", ("warehouse", "distribution_center"))
        .select("facility_id")
        .sort("facility_id")
    )
    n = int(rng.poisson(rates.stock_receipts * ctx.window.days)) if sites.height else 0
    parts = ctx.master["parts"].sort("id")["id"].to_numpy()
    s = pl.DataFrame(
        {
            "facility_id": sites["facility_id"].to_numpy()[rng.integers(0, max(sites.height, 1), n)]
            if n
            else np.zeros(0, np.int64),
            "part_id": parts[rng.integers(0, parts.size, n)] if n else np.zeros(0, np.int64),
        },
        schema={"facility_id": _I64, "part_id": _I64},
    ).with_columns(sublot_key=ctx.keys(n))
    hold = rng.random(n) < 0.2
    s = s.with_columns(
        qty=pl.Series((10 * np.ceil(rng.lognormal(np.log(20), 0.8, n))).astype(np.int64)),
        hold=pl.Series(hold),
        released=pl.Series(hold & (rng.random(n) < 0.9)),
        r=_u(rng, ws, end - 2 * US_PER_HOUR, n),
        frac=pl.Series(rng.uniform(0.3, 1.0, n)),
        r_late=_u(rng, late, ws - US_PER_HOUR, n),
    ).with_columns(
        gap=((pl.lit(end) - pl.col("r")) * pl.col("frac")).cast(_I64),
        gap_late=((pl.lit(ws) - pl.col("r_late")) * pl.col("frac")).cast(_I64),
        status0=RECEIVED_STATUS,
    )
    s = pick_in_group(s, _approved_suppliers(ctx), "part_id", "sup", "supplier_id", rng)
    s = pick_in_group(s, locs.dock("RCV"), "facility_id", "loc", "dock", rng)
    s = pick_in_group(s, _old_bins(ctx), "facility_id", "loc", "bin", rng)

    return _Warehouse(
        latable=[
            _backdate(ctx, rng, relocations),
            _backdate(ctx, rng, adjustments),
            _backdate(ctx, rng, _release(roles.releases, rng, ws, end)),
            _receipt_chains(
                ctx,
                s,
                {"r": pl.col("r_late"), "gap": pl.col("gap_late")},
                qty="qty",
                putaway=0.05,
                release=0.2,
                released=pl.col("released"),
            ),
        ],
        new_sublots=purchased_sublots(s, "qty", own_lot("S")),
    )


def _table_rows() -> pl.Expr:
    """The events that become a row of an event table (conveyor moves are PLC tag changes)."""
    return pl.col("kind").is_in(["supplier_receipt", "ship_out", *MOVEMENT_KINDS, *MTX_KINDS])


def _make_late(
    ctx: _Ctx, fixed: pl.DataFrame, latable: list[_Latable], plc_count: int
) -> tuple[pl.DataFrame, int]:
    """Date a share of the events before the window: sublots are chosen at random among those
    whose events may come late (:class:`_Latable`) until ``LATE_SHARE`` of the load's events
    (rows of the event tables) is late. Returns every event and the number of late ones."""
    rng = ctx.rng("late")
    end, ws = ctx.end, ctx.ws
    now = [option.now.filter(pl.col("t") <= end) for option in latable]
    total = sum(f.filter(_table_rows()).height for f in [fixed, *now]) + plc_count
    # a sublot's events may come late only when they are its first events of this load
    every = pl.concat(
        [fixed.select("sublot_key", "t")]
        + [f.select("sublot_key", "t").with_columns(option=pl.lit(i)) for i, f in enumerate(now)],
        how="diagonal_relaxed",
    )
    first_other = [
        every.filter(pl.col("option").ne_missing(i))
        .group_by("sublot_key")
        .agg(pl.col("t").min().alias("next_us"))
        for i in range(len(latable))
    ]
    cost = pl.concat(
        [
            option.late.filter(_table_rows() & (pl.col("t") < ws))
            .group_by("sublot_key")
            .agg(pl.len().alias("n"))
            .join(
                now[i].group_by("sublot_key").agg(pl.col("t").max().alias("last_us")),
                on="sublot_key",
                how="left",
                maintain_order="left",
            )
            .join(first_other[i], on="sublot_key", how="left", maintain_order="left")
            .filter(pl.col("next_us").is_null() | (pl.col("last_us") < pl.col("next_us")))
            .select("sublot_key", "n", option=pl.lit(i))
            for i, option in enumerate(latable)
        ],
        how="vertical_relaxed",
    ).sort("option", "sublot_key")
    target = max(1, round(LATE_SHARE * total)) if cost.height else 0
    cost = (cost[rng.permutation(cost.height)] if cost.height else cost).with_row_index("_pos")
    # in random order, as many as fit the target; then single events for what is left
    chosen = cost.filter(pl.col("n").cum_sum() <= target)
    rest = cost.filter(~pl.col("_pos").is_in(chosen["_pos"].implode()) & (pl.col("n") == 1))
    chosen = pl.concat([chosen, rest.head(max(target - int(chosen["n"].sum()), 0))])
    if chosen.is_empty() and target:
        chosen = cost.sort("n", "_pos").head(1)
    parts = [fixed]
    for i, option in enumerate(latable):
        keys = chosen.filter(pl.col("option") == i)["sublot_key"].implode()
        parts.append(now[i].filter(~pl.col("sublot_key").is_in(keys)))
        parts.append(option.late.filter(pl.col("sublot_key").is_in(keys)))
    out = pl.concat([events(p) for p in parts], how="vertical_relaxed")
    late_rows = out.filter(_table_rows() & (pl.col("t") < ws)).height
    if out.filter(pl.col("t") < ctx.window.late_us).height:
        raise AssertionError("an event is dated before the late bound")
    return out, late_rows


# --- the load's rows -------------------------------------------------------------------------


def _tables(
    ctx: _Ctx,
    ev: pl.DataFrame,
    registry: pl.DataFrame,
    wo: _WorkOrders,
    fin: _Finished,
    out: _Outbound,
    new_bin: pl.DataFrame,
    late: int,
) -> AppendResult:
    rng = ctx.rng("tables")
    st = ctx.state
    counters = ctx.counters
    end = ctx.end
    ev = ev.sort("t", "sublot_key", "kind", maintain_order=True)

    # --- sublot state: the current state of touched sublots plus this load's events -------------
    max_old = st.max_ids["material_sublots"]
    touched = ev.filter(pl.col("sublot_key") <= max_old)["sublot_key"].unique()
    old = st.sublots.filter(pl.col("id").is_in(touched.implode()))
    opening = events(
        old.select(
            sublot_key="id",
            kind=pl.lit("opening"),
            t=pl.lit(ctx.window.late_us - 1, _I64),
            facility_id="facility_id",
            to_loc="storage_location_id",
            from_status="status",
            to_status="status",
            qty=pl.col("quantity").cast(_I64),
        )
    )
    replayed = replay_state(pl.concat([opening, ev], how="vertical_relaxed"), ctx.locs).drop(
        "created_us", "updated_us"
    )
    span = ev.group_by("sublot_key").agg(
        pl.col("t").min().alias("first_us"), pl.col("t").max().alias("last_us")
    )
    replayed = replayed.join(span, on="sublot_key", how="left", maintain_order="left")

    # new sublots: ids in creation order, lots
    suppliers_of = ev.filter(pl.col("kind") == "supplier_receipt").select(
        "sublot_key", "supplier_id"
    )
    new, lots = number_sublots(
        registry.join(replayed, on="sublot_key", how="inner", maintain_order="left").join(
            suppliers_of, on="sublot_key", how="left", maintain_order="left"
        ),
        "first_us",
        rng,
        counters,
    )
    sub_cols = list(RAW_SCHEMAS["material_sublots"])[:-1]
    new_rows = sublot_rows(new, us_to_ts(pl.col("first_us")), us_to_ts(pl.col("last_us")))
    moved = sublot_rows(
        old.drop("facility_id", "storage_location_id", "quantity", "status", "updated_at").join(
            replayed.rename({"sublot_key": "id"}), on="id", how="left", maintain_order="left"
        ),
        pl.col("created_at"),
        us_to_ts(pl.col("last_us")),
    )
    material_sublots = pl.concat(
        [_changed(moved.select(sub_cols), old, ["id"]), new_rows.select(sub_cols)],
        how="vertical_relaxed",
    ).sort("id")
    material_lots = lot_rows(lots)

    # --- events as rows -------------------------------------------------------------------------
    key_to_id = pl.concat(
        [
            touched.to_frame("sublot_key").with_columns(material_sublot_id=pl.col("sublot_key")),
            new.select("sublot_key", material_sublot_id="id"),
        ],
        how="vertical_relaxed",
    )
    ev = ev.join(key_to_id, on="sublot_key", how="left", maintain_order="left")
    if ev["material_sublot_id"].null_count():
        raise AssertionError("an event names a sublot that has no row")
    ev = with_recorded_by(ev, rng)
    sublots = pl.concat(
        [
            st.sublots.select(
                pl.col("id").alias("sublot_key"), "part_id", "product_id", "sublot_code"
            ),
            new.select("sublot_key", "part_id", "product_id", "sublot_code"),
        ],
        how="vertical_relaxed",
    )
    supplier_receipts = supplier_receipt_rows(ev, sublots, counters)
    sublot_movements = sublot_movement_rows(ev, counters)
    material_transactions = material_transaction_rows(
        ctx.master, wo.all_wos, ev, sublots, rng, counters
    )
    shipments, shipment_sublots = _shipment_rows(ctx, rng, out, ev)
    plc_tag_events = _plc_rows(
        ctx, rng, fin.stays, sublots.select("sublot_key", "sublot_code"), end
    )
    inventory = _inventory_rows(ctx, rng, ev, material_sublots, sublots)

    tables = {
        "orders": out.orders,
        "order_items": out.order_items,
        "shipments": shipments,
        "inventory": inventory,
        "work_orders": wo.rows,
        "work_order_steps": wo.steps,
        "material_transactions": material_transactions,
        "storage_locations": new_bin,
        "material_lots": material_lots,
        "material_sublots": material_sublots,
        "supplier_receipts": supplier_receipts,
        "sublot_movements": sublot_movements,
        "shipment_sublots": shipment_sublots,
        "plc_tag_events": plc_tag_events,
    }
    k = ctx.window.load_id
    cast = {
        table: cast_to_contract(table, tables[table], load_id=k)
        if table in tables
        else pl.DataFrame(schema=RAW_SCHEMAS[table])
        for table in TABLES
    }
    n_events = sum(cast[table].height for table in EVENT_TIMES)
    return AppendResult(tables=cast, events=n_events, late_events=late)


def _shipment_rows(
    ctx: _Ctx, rng: np.random.Generator, out: _Outbound, ev: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The new shipments with their sublots, and new versions of the shipments delivered."""
    new_rows, shipment_sublots = shipment_rows(ctx.master, out.shipments, ev, rng, ctx.counters)
    cols = list(RAW_SCHEMAS["shipments"])[:-1]
    delivered = (
        ctx.state.transit_shipments.join(out.delivered, on="id", how="inner", maintain_order="left")
        .with_columns(status=pl.lit("delivered"), delivered_at=us_to_ts(pl.col("delivered_us")))
        .select(cols)
    )
    shipments = pl.concat([delivered, new_rows.select(cols)], how="vertical_relaxed").sort("id")
    return shipments, shipment_sublots


def _plc_rows(
    ctx: _Ctx,
    rng: np.random.Generator,
    stays: pl.DataFrame,
    codes: pl.DataFrame,
    end: int,
) -> pl.DataFrame:
    """The load's PLC tag changes in time order, recorded by the server within the window."""
    e = tag_changes(stays, codes, ctx.locs, end).sort("t", "pos_loc", "clear")
    e = with_server_instants(e, _u(rng, 5_000, 2 * US_PER_SECOND, e.height), end)
    return plc_tag_rows(e.sort("server", "tag_name", "t"), ctx.counters)


def _inventory_rows(
    ctx: _Ctx,
    rng: np.random.Generator,
    ev: pl.DataFrame,
    sublot_rows: pl.DataFrame,
    parts: pl.DataFrame,
) -> pl.DataFrame:
    """New versions of the inventory rows whose on-hand changed, and rows for (facility, part)
    pairs that hold a part sublot for the first time."""
    st = ctx.state
    part_of = parts.filter(pl.col("part_id").is_not_null()).select("sublot_key", "part_id")
    pairs = (
        ev.join(part_of, on="sublot_key", how="inner", maintain_order="left")
        .select("facility_id", "part_id")
        .unique()
    )
    now = pl.concat(
        [
            st.sublots.filter(~pl.col("id").is_in(sublot_rows["id"].implode())).select(
                "facility_id", "part_id", "quantity"
            ),
            sublot_rows.select("facility_id", "part_id", "quantity"),
        ],
        how="vertical_relaxed",
    ).filter(pl.col("part_id").is_not_null() & (pl.col("quantity") > 0))
    pairs = (
        pl.concat(
            [
                pairs,
                sublot_rows.filter(pl.col("part_id").is_not_null()).select(
                    "facility_id", "part_id"
                ),
            ],
            how="vertical_relaxed",
        )
        .unique()
        .sort("facility_id", "part_id")
    )
    on_hand = pairs.join(
        now.group_by("facility_id", "part_id").agg(pl.col("quantity").sum().alias("on_hand")),
        on=["facility_id", "part_id"],
        how="left",
        maintain_order="left",
    ).with_columns(pl.col("on_hand").fill_null(0).cast(_I64))
    counted = (
        ev.filter(pl.col("kind") == "count_adjustment")
        .join(part_of, on="sublot_key", how="inner", maintain_order="left")
        .group_by("facility_id", "part_id")
        .agg(pl.col("t").max().alias("counted_us"))
    )
    inv = st.inventory
    n = on_hand.height
    merged = (
        on_hand.join(inv, on=["facility_id", "part_id"], how="left", maintain_order="left")
        .join(counted, on=["facility_id", "part_id"], how="left", maintain_order="left")
        .with_columns(
            **inventory_plans(rng, n),
            counted_new=pl.lit(ctx.end) - _u(rng, 0, ctx.end - ctx.ws, n),
        )
    )
    changed = merged.filter(
        pl.col("id").is_not_null() & (pl.col("quantity_on_hand") != pl.col("on_hand"))
    ).select(
        "id",
        "facility_id",
        "part_id",
        quantity_on_hand="on_hand",
        quantity_reserved=reserved("on_hand"),
        quantity_on_order="quantity_on_order",
        reorder_point="reorder_point",
        last_counted_at=pl.coalesce(us_to_ts(pl.col("counted_us")), pl.col("last_counted_at")),
    )
    fresh = merged.filter(pl.col("id").is_null()).join(
        ctx.master["parts"].select(pl.col("id").alias("part_id"), "min_stock_level"),
        on="part_id",
        how="left",
        maintain_order="left",
    )
    fresh = ctx.counters.with_ids("inventory", fresh.drop("id")).select(
        "id",
        "facility_id",
        "part_id",
        quantity_on_hand="on_hand",
        quantity_reserved=reserved("on_hand"),
        quantity_on_order=pl.col("on_order").cast(_I64),
        reorder_point="min_stock_level",
        last_counted_at=us_to_ts(pl.coalesce("counted_us", "counted_new")),
    )
    return pl.concat([changed, fresh], how="vertical_relaxed").sort("id")
