"""One incremental load: the next days after an existing raw folder (``generate --append-days``).

The simulation starts from the state the folder leaves (:mod:`plantledger.generator.state`) and
continues it over the window ``[first_day 00:00, last_day 23:59:59.999999]`` UTC:

- work orders in progress run on (their steps complete, the last one ends them), released work
  orders start on their planned date, new work orders are created (make-to-order ones with a
  new order) at the initial load's daily rate (the initial history's many open work orders are
  worked off at half that rate, new ones created at the other half meanwhile: see
  :func:`plantledger.generator.daily.backlog.backlog_holds`); a started work order issues
  its bill from line-side staging sublots at its start, taking the staging stock first, then
  replenishing part sublots from the factory's bins, then receiving new supplier sublots
  (receipt, putaway, quality release, replenishment) for what is still missing; component
  scrap comes from the same staging sublots; completed work orders receive their product
  sublots onto a conveyor;
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
window, ``LATE_DAYS`` by default (:func:`plantledger.generator.daily.ledger.make_late`:
receipt chains of new sublots, and moves of existing sublots after their latest event, when
they are that sublot's first events of the load).

Everything is vectorised over frames; the only loops run over step positions and conveyor
positions (a handful), never over rows.

The result is the load's rows of every table: new rows, and for the versioned tables a new
version (same key, this ``load_id``) of every row whose content changed.

One module per domain, mirroring the initial generation and using its building blocks:
:mod:`~plantledger.generator.daily.production` (work orders and steps, with
:mod:`~plantledger.generator.daily.backlog` and :mod:`~plantledger.generator.daily.schedule`),
:mod:`~plantledger.generator.daily.materials` (issues, scrap, supplier receipts),
:mod:`~plantledger.generator.daily.logistics` (conveyors, shipments; orders in
:mod:`~plantledger.generator.daily.orders`),
:mod:`~plantledger.generator.daily.warehouse` (warehouse bins and counts) and
:mod:`~plantledger.generator.daily.ledger` (late events, the load's rows of every table); what
they share is in :mod:`~plantledger.generator.daily.context` and
:mod:`~plantledger.generator.daily.stock`.
"""

from __future__ import annotations

import polars as pl

from plantledger.generator.daily.context import (
    LATE_DAYS,
    LATE_SHARE,
    MAX_LATE_DAYS,
    AppendResult,
    Ctx,
    Window,
)
from plantledger.generator.daily.ledger import load_tables, make_late
from plantledger.generator.daily.logistics import simulate_finished_goods, simulate_outbound
from plantledger.generator.daily.materials import simulate_materials
from plantledger.generator.daily.production import simulate_work_orders
from plantledger.generator.daily.stock import classify_stock
from plantledger.generator.daily.warehouse import make_new_bin, simulate_warehouse, warehouse_roles
from plantledger.generator.sharding import Counters
from plantledger.generator.state import RawState
from plantledger.generator.stock_rules import (
    events,
    locations,
)
from plantledger.params import GenerationParams

__all__ = ["LATE_DAYS", "LATE_SHARE", "MAX_LATE_DAYS", "AppendResult", "Window", "simulate_append"]


def simulate_append(params: GenerationParams, state: RawState, window: Window) -> AppendResult:
    """The rows of load ``window.load_id``: the days of ``window`` after ``state``."""
    counters = Counters(
        reserved=dict(state.sequences),
        next_ids={table: top + 1 for table, top in state.max_ids.items()},
    )
    ctx = Ctx(
        params=params,
        window=window,
        state=state,
        master=dict(state.master),
        locs=locations(state.master),
        counters=counters,
        next_key=state.max_ids["material_sublots"] + 1,
    )
    stock = classify_stock(ctx)
    warehouse = warehouse_roles(ctx, stock)
    new_bin = make_new_bin(ctx, warehouse.relocations)
    ctx.master["storage_locations"] = pl.concat(
        [state.master["storage_locations"], new_bin], how="vertical_relaxed"
    )
    ctx.locs = locations(ctx.master)

    wo = simulate_work_orders(ctx)
    mat = simulate_materials(ctx, wo, stock)
    fin = simulate_finished_goods(ctx, wo, stock)
    out = simulate_outbound(ctx, wo, stock, fin)
    wh = simulate_warehouse(ctx, stock, warehouse, new_bin)

    ev = pl.concat([mat.events, fin.events, out.events], how="vertical_relaxed")
    ev = events(ev).filter(pl.col("t") <= ctx.end)
    latable = [*mat.latable, *out.latable, *wh.latable]
    ev, late = make_late(ctx, ev, latable, fin.plc_count(ctx))
    new_sublots = pl.concat(
        [mat.new_sublots, fin.new_sublots, wh.new_sublots], how="vertical_relaxed"
    )
    return load_tables(ctx, ev, new_sublots, wo, fin, out, new_bin, late)
