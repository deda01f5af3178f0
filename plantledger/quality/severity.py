"""Which failed checks block the pipeline and which only warn: the one place that decides it.

Every check has an id ``<table>.<target>.<kind>`` (target: a column, ``a+b`` for several columns,
or ``table``), for example ``sublot_movements.quantity.range``; ``plantledger validate --list``
prints them all with their severity. The first rule below whose pattern (``fnmatch`` syntax)
matches a check id gives its severity; a check no rule matches is ``DEFAULT``.

- ``block``: the warehouse cannot be built correctly from such data (wrong columns or types,
  missing keys, unknown codes, broken master-data references, ...). ``plantledger validate``
  exits 1, so ``make run`` stops before ``dbt build``.
- ``warn``: row-level faults that the warehouse is designed to quarantine, repair or
  de-duplicate, and to account for (``docs/faults.md``): reported, exit code 0.

The severity is also written into each Great Expectations expectation (``critical`` for block,
``warning`` for warn), so the Data Docs show it.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

BLOCK = "block"
WARN = "warn"
DEFAULT = BLOCK

# The event feeds the warehouse reads through its reject / repair / de-duplicate layer.
_EVENTS = ("sublot_movements", "material_transactions", "plc_tag_events", "supplier_receipts")

RULES: tuple[tuple[str, str, str], ...] = (
    # (check id pattern, severity, why)
    *(
        (f"{table}.*.unique", WARN, "exact duplicate events: removed and counted by the warehouse")
        for table in _EVENTS
    ),
    *(
        (f"{table}.*.references", WARN, "unknown sublot/location/work order: rejected rows")
        for table in _EVENTS
    ),
    ("sublot_movements.quantity.range", WARN, "zero or negative quantity: rejected rows"),
    ("material_transactions.quantity.range", WARN, "zero or negative quantity: rejected rows"),
    ("*.*.not_future", WARN, "timestamps after the end date: rejected rows (events)"),
    ("plc_tag_events.id.file_order", WARN, "PLC events out of order: reordered by the warehouse"),
)


DEFAULT_WHY = "contract breach: the warehouse cannot be built correctly from such data"


def reason_of(check_id: str) -> str:
    """Why a check has its severity: the first matching rule's reason, else the default's."""
    for pattern, _severity, why in RULES:
        if fnmatchcase(check_id, pattern):
            return why
    return DEFAULT_WHY


def severity_of(check_id: str) -> str:
    """``block`` or ``warn`` for a check id, by the first matching rule."""
    for pattern, severity, _why in RULES:
        if fnmatchcase(check_id, pattern):
            return severity
    return DEFAULT
