"""Readable period reports: each instant also in the facility's own local time, the supplier of
an arrival, and the kinds of arrivals and moves a reader can ask for (``--kind``).

The kinds map a validated choice to fixed SQL text (no user text reaches SQL); local times and
supplier names are added around a report's query by :func:`readable_sql`.
"""

from __future__ import annotations

from collections.abc import Sequence

ARRIVAL_KINDS = {
    "supplier": "arrival_kind = 'supplier_receipt'",
    "transfer": "arrival_kind = 'transfer_in'",
    "production": "arrival_kind = 'production_receipt'",
}
MOVE_KINDS = {
    "storage": "event_kind in ('putaway', 'bin_transfer', 'replenish_to_line', 'pick')",
    "conveyor": "event_kind = 'conveyor_move'",
    "status": None,  # status changes stay in place: read from status_changes() instead
}


# Status changes in [from, to) in the columns of sublot_moves_between: a release from quality
# hold (321) or a hold (322), at one location; the status is the new one.
def status_changes(known_at: int | None = None) -> str:
    """Status changes (movement types 321/322: a sublot released from or put on quality hold
    where it is) as a relation with two ``?``, the period's instants; with ``known_at`` (a
    load id, an int), only the journal entries recorded by that load."""
    recorded = "" if known_at is None else f"\n        and recorded_load_id <= {int(known_at)}"
    return f"""(
    select
        facility_code,
        material_code,
        material_sublot_code,
        location_code as from_location_code,
        location_code as to_location_code,
        status,
        quantity,
        entry_at as moved_at,
        event_kind,
        movement_type,
        document_number,
        transaction_id
    from marts.fact_inventory_journal
    where entry_side = 'debit'
        and movement_type in ('321', '322')
        and entry_at >= cast(? as timestamp with time zone)
        and entry_at < cast(? as timestamp with time zone){recorded}
) as status_changes"""


def readable_sql(sql: str, instants: Sequence[str], order_by: str, supplier: bool = False) -> str:
    """``sql`` (rows with facility_code) with ``<instant>_local`` for each instant column, the
    wall clock of the row's facility, and, with ``supplier``, the supplier name of the row's
    sublot's lot (``supplier_name``)."""
    zone = (
        "(select facilities.timezone from marts.dim_facilities as facilities "
        "where facilities.facility_code = answer.facility_code)"
    )
    added = [
        f"strftime(timezone({zone}, answer.{column}), '%Y-%m-%d %H:%M:%S') as {column}_local"
        for column in instants
    ]
    if supplier:
        added.append(
            "(select suppliers.supplier_name from marts.dim_material_sublots as sublots "
            "inner join marts.dim_suppliers as suppliers "
            "on sublots.supplier_id = suppliers.supplier_id "
            "where sublots.sublot_code = answer.material_sublot_code) as supplier_name"
        )
    return f"select answer.*, {', '.join(added)} from ({sql}) as answer order by {order_by}"
