"""The benchmark sections, in report order: the one place that lists them.

Each section module defines its ``SECTION``; only this module imports them (the shared modules
import none), so registering a section is adding it here.
"""

from __future__ import annotations

from plantledger.bench import (
    generation,
    incremental,
    point_in_time,
    sweep,
    traceability,
    warehouse,
)
from plantledger.bench.config import Section, registry

SECTIONS: dict[str, Section] = registry(
    [
        generation.SECTION,
        warehouse.SECTION,
        incremental.SECTION,
        point_in_time.SECTION,
        traceability.SECTION,
        sweep.SECTION,
    ]
)

# What `plantledger bench` runs without --sections: every section but the sweep, which repeats
# the others' steps at each scale (run it on its own: --sections sweep).
DEFAULT_SECTIONS: tuple[str, ...] = tuple(name for name in SECTIONS if name != "sweep")
