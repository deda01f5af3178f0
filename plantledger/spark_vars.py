"""The raw folder's manifest facts that a Spark build needs, as dbt ``--vars``.

Spark's file sources skip every file whose name starts with ``_`` (Hadoop's hidden files), so
Spark SQL cannot read ``<raw>/_manifest.json`` as DuckDB does. A build on the Spark target gets
what the models read from the manifest as vars instead (macros/spark/spark_raw_data.sql)::

    dbt build --target spark --vars "$(python -m plantledger.spark_vars data/raw)"

- ``history_end_date``: ``parameters.end_date`` (the quarantine's future-timestamp bound);
- ``raw_generation``: scale/seed/first day of load 0 (int_load_window records it);
- ``raw_loads``: the manifest's loads (load_id, kind, first_day, last_day, days, late_events).

Run it where the manifest is readable (a cluster's raw folder: copy ``_manifest.json`` out).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from plantledger.errors import PROG
from plantledger.rawfolder import Manifest


class ManifestVarsError(ValueError):
    """The manifest is missing or lacks a fact Spark needs; the message is one line."""


def manifest_vars(raw: Path | str) -> dict[str, object]:
    """The dbt vars of a Spark build of the raw folder ``raw`` (or of its manifest file)."""
    try:
        manifest = Manifest.load(raw)
    except FileNotFoundError as exc:
        raise ManifestVarsError(
            f"no manifest at {exc.filename}: run `plantledger generate` first"
        ) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ManifestVarsError(f"unreadable manifest in {raw}: {exc}") from exc
    parameters = manifest.parameters
    try:
        end_date = dt.date.fromisoformat(str(parameters["end_date"])).isoformat()
        first_day = dt.date.fromisoformat(str(manifest.loads[0]["first_day"])).isoformat()
        loads = [
            {
                "load_id": int(load["load_id"]),
                "kind": str(load["kind"]),
                "first_day": dt.date.fromisoformat(str(load["first_day"])).isoformat(),
                "last_day": dt.date.fromisoformat(str(load["last_day"])).isoformat(),
                "days": int(load["days"]),
                "late_events": int(load.get("late_events", 0)),
            }
            for load in manifest.loads
        ]
        generation = f"{float(parameters['scale'])}/{int(parameters['seed'])}/{first_day}"
    except (KeyError, IndexError, ValueError, TypeError) as exc:
        raise ManifestVarsError(
            f"the manifest in {raw} lacks end_date, scale, seed or loads ({exc}): "
            "regenerate the folder with `plantledger generate`"
        ) from exc
    return {
        "history_end_date": end_date,
        "raw_generation": generation,
        "raw_loads": loads,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(f"{PROG}: error: usage: python -m plantledger.spark_vars RAW_FOLDER", file=sys.stderr)
        return 2
    try:
        print(json.dumps(manifest_vars(args[0])))
    except ManifestVarsError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
