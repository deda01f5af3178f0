"""dbt-project-evaluator-style rules, checked on dbt's manifest (the package hub is not
reachable here, so the few rules plantledger adopts are written out below).

    python scripts/project_rules.py target/manifest.json

prints one line per violation that is not an agreed exception, one line per agreed exception
that no longer occurs (so the list cannot go stale), and exits 1 when there is either.
tests/test_project_rules.py runs the same check on the test warehouse's manifest.

Layers come from the model's folder: models/staging, models/intermediate, models/marts (and
models/semantic, the MetricFlow time spine). The rules:

- ``staging_reads_one_source``: a staging model reads exactly one source and no model
  (staging is 1:1 with the sources).
- ``only_staging_reads_sources``: no other model reads a source directly.
- ``layers_point_down``: staging reads no intermediate model or mart; an intermediate model
  reads no mart.
- ``marts_do_not_read_staging``: marts read intermediate models and other marts.
- ``at_most_six_joins``: a model's SQL has fewer than 7 joins (the evaluator's threshold).
- ``models_described``: every model and every column it documents has a description.
- ``no_hard_coded_references``: no model names a warehouse schema in its SQL instead of
  ref() or source() (``marts.x``, ``intermediate.x``, ...).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

LAYERS = ("staging", "intermediate", "marts", "semantic")
JOIN_LIMIT = 7
SCHEMAS = ("staging", "intermediate", "marts", "reference", "main")

# Agreed exceptions: rule -> model -> why. A listed pair that no longer violates its rule is
# reported too, so each line here stays true.
EXCEPTIONS: dict[str, dict[str, str]] = {
    "only_staging_reads_sources": {
        "int_inventory_event_loads": (
            "record time needs every version of a raw row (its first load_id); staging keeps "
            "only each id's latest version"
        ),
        "fact_source_accounting": (
            "counts raw rows per source as delivered, before staging keeps the latest version: "
            "the proof that no row is lost between raw and marts"
        ),
    },
    "at_most_six_joins": {
        "int_inventory_events__mapped": (
            "the event mapping, one model as issue #16 asks: a union of six event kinds, each "
            "a CTE over one source with at most three location lookups, plus the record-time, "
            "location and movement-type lookups of the union; split per source it would add "
            "six nodes to every daily build (issue #11) and scatter the stock rules again"
        ),
    },
    "layers_point_down": {
        "int_journal_running_balances": (
            "the running balances of fact_inventory_journal that the proofs read (no negative "
            "stock, whole-sublot moves): derived from the journal itself, by design"
        ),
        "int_sublot_location_balances": (
            "the one sort of fact_inventory_journal by sublot and location that the location "
            "history, its known-at form and the dwell read: derived from the journal, by design"
        ),
        "int_sublot_state_replayed": (
            "the replay of fact_inventory_journal is the independent side of the proof that "
            "current state equals the journal (assert_replayed_state_matches_material_sublots)"
        ),
    },
}

# Open work, not agreed exceptions: a (rule, model) pair listed here must still occur, so the
# list can only shrink. Empty since issue #16's restructuring.
PENDING: dict[str, dict[str, str]] = {}


def layer(node: dict[str, Any]) -> str:
    parts = Path(node["original_file_path"]).parts
    return parts[1] if len(parts) > 2 and parts[1] in LAYERS else "other"


def _code(node: dict[str, Any]) -> str:
    """The model's SQL without comments (SQL line comments and Jinja comments)."""
    code = re.sub(r"\{#.*?#\}", "", node.get("raw_code", ""), flags=re.S)
    return re.sub(r"--[^\n]*", "", code)


def _sql_words(code: str) -> str:
    """The code without Jinja expressions and statements: words such as Jinja's ``join``
    filter are not SQL joins."""
    return re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", code, flags=re.S)


def violations(manifest: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(rule, model, detail) for every violation, exceptions included."""
    models = {
        key: node
        for key, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["package_name"] == "plantledger"
    }
    for node in models.values():
        name, own = node["name"], layer(node)
        parents = node["depends_on"]["nodes"]
        sources = [p for p in parents if p.startswith("source.")]
        refs = [models[p] for p in parents if p in models]
        if own == "staging" and (len(sources) != 1 or refs):
            yield ("staging_reads_one_source", name, f"{len(sources)} sources, {len(refs)} models")
        if own != "staging" and sources:
            yield ("only_staging_reads_sources", name, ", ".join(s.split(".")[-1] for s in sources))
        below = {"staging": ("intermediate", "marts"), "intermediate": ("marts",)}.get(own, ())
        upward = [r["name"] for r in refs if layer(r) in below]
        if upward:
            yield ("layers_point_down", name, ", ".join(sorted(upward)))
        if own == "marts":
            staged = [r["name"] for r in refs if layer(r) == "staging"]
            if staged:
                yield ("marts_do_not_read_staging", name, ", ".join(sorted(staged)))
        code = _code(node)
        joins = len(re.findall(r"\bjoin\b", _sql_words(code), flags=re.IGNORECASE))
        if joins >= JOIN_LIMIT:
            yield ("at_most_six_joins", name, f"{joins} joins")
        undescribed = [c for c, col in node["columns"].items() if not col.get("description")]
        if not node.get("description") or undescribed:
            yield ("models_described", name, ", ".join(undescribed) or "the model")
        named = re.findall(rf"\b(?:{'|'.join(SCHEMAS)})\.[a-z_]+\b", code)
        if named:
            yield ("no_hard_coded_references", name, ", ".join(sorted(set(named))))


def check(manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(violations that are not agreed exceptions, agreed exceptions that no longer occur)."""
    found = list(violations(manifest))
    listed = {
        (rule, model): kind
        for kind, table in (("an agreed exception", EXCEPTIONS), ("pending", PENDING))
        for rule, models in table.items()
        for model in models
    }
    new = [
        f"{rule}: {model}: {detail}" for rule, model, detail in found if (rule, model) not in listed
    ]
    seen = {(rule, model) for rule, model, _ in found}
    stale = [
        f"{rule}: {model}: listed as {kind} but no longer a violation: remove it from the list"
        for (rule, model), kind in listed.items()
        if (rule, model) not in seen
    ]
    return new, stale


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python scripts/project_rules.py target/manifest.json", file=sys.stderr)
        return 2
    path = Path(argv[0])
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"project_rules: error: cannot read {path} ({error}); run `dbt parse` first")
        return 2
    new, stale = check(manifest)
    for line in new + stale:
        print(line)
    if not new and not stale:
        held = sorted(set(RULES) - {rule for rule, _, _ in violations(manifest)})
        print(
            f"project rules hold ({len(RULES)} rules; agreed exceptions: "
            f"{sum(map(len, EXCEPTIONS.values()))}, pending: {sum(map(len, PENDING.values()))}); "
            f"without any: {', '.join(held)}"
        )
    return 1 if new or stale else 0


RULES = (
    "staging_reads_one_source",
    "only_staging_reads_sources",
    "layers_point_down",
    "marts_do_not_read_staging",
    "at_most_six_joins",
    "models_described",
    "no_hard_coded_references",
)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
