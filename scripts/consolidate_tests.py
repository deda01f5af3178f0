"""Fold the column-level generic tests of every ``_*__models.yml`` (and seeds/_seeds.yml)
into one model-level ``column_rules`` test per model and severity
(macros/generic_tests/column_rules.sql).

    .venv/bin/python scripts/consolidate_tests.py                 # convert in place
    .venv/bin/python scripts/consolidate_tests.py --check --before main-target/manifest.json

not_null, unique, accepted_values, relationships, relationships_where and expression_is_true on a
column, and the model-level expression_is_true and unique_combination_of_columns, become rules of
the model's ``column_rules`` test; a test with any config but ``where`` and ``severity`` stays as
it is. The test's ``window`` (the rows an incremental run wrote) follows the model's
materialisation, read from a manifest (``dbt parse`` is run when ``--manifest`` is not given):
strategy 'lookback' on its lookback column, 'sublots' on material_sublot_id, staging models (views,
or incremental tables of each key's latest version) on load_id; anything else is checked whole.

The YAML is edited as text: only the column ``data_tests`` blocks and the ``column_rules`` entries
change, every other line (comments, folded descriptions) stays byte for byte. Re-running after a
merge that added column tests folds them into the existing ``column_rules`` entry; a second run
changes nothing. ``--check`` compares the set of (model, column, rule, arguments, where,
severity) declared in a manifest built before the conversion with the set the YAML declares now,
and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[1]
COLUMN_KINDS = (
    "not_null",
    "unique",
    "accepted_values",
    "relationships",
    "relationships_where",
    "expression_is_true",
)
MODEL_KINDS = ("expression_is_true", "unique_combination_of_columns")
FOLDED_CONFIG = {"where", "severity"}
NOT_ARGUMENTS = {"arguments", "config", "name", "description", "meta", "tags"}
LEGACY_CONFIG = {"where", "severity", "store_failures", "limit", "warn_if", "error_if", "enabled"}
Rule = tuple[str, str, str, str, str, str]  # resource, column, kind, arguments, where, severity


class InputError(Exception):
    """Bad input: reported as one ``plantledger: error:`` line, exit 2."""


def plain(value: Any) -> Any:
    """ruamel's round-trip values as plain Python; multi-line strings on one line."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return " ".join(value.split()) if "\n" in value else str(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def parse_test(entry: Any) -> tuple[str, dict[str, Any], dict[str, Any], str | None]:
    """A YAML test entry as (kind, arguments, config, name)."""
    if isinstance(entry, str):
        return entry, {}, {}, None
    if not isinstance(entry, dict) or len(entry) != 1:
        raise InputError(f"a test entry is a name or {{name: {{...}}}}, got {entry!r}")
    kind, body = next(iter(entry.items()))
    body = plain(body) or {}
    config = dict(body.get("config") or {})
    if "arguments" in body:
        arguments = dict(body["arguments"] or {})
    else:
        arguments = {k: v for k, v in body.items() if k not in NOT_ARGUMENTS | LEGACY_CONFIG}
    config.update({k: v for k, v in body.items() if k in LEGACY_CONFIG})
    return str(kind), arguments, config, body.get("name")


def severity_of(config: dict[str, Any]) -> str:
    return str(config.get("severity", "error")).lower()


# --- reading a YAML file: resources, their column tests and column_rules entries ---------------


class Resource:
    """One model (or seed) of a YAML file, with the line spans the conversion edits."""

    def __init__(self, name: str, node: Any, start: int, end: int) -> None:
        self.name, self.node, self.start, self.end = name, node, start, end
        self.column_blocks: list[tuple[int, int]] = []  # data_tests blocks to remove
        self.groups: dict[str, dict[str, Any]] = {}  # severity -> {columns, rules}
        self.kept_model_tests = 0
        self.rules_items: list[tuple[int, int]] = []  # existing column_rules entries
        self.tests_key: tuple[int, int] | None = None  # the model's data_tests block


def block_end(lines: list[str], start: int, indent: int, stop: int) -> int:
    """The line after the block opened at ``start``: first non-blank line at ``indent`` or less."""
    end = start + 1
    while end < stop:
        text = lines[end]
        if text.strip() and len(text) - len(text.lstrip()) <= indent:
            break
        end += 1
    while end - 1 > start and not lines[end - 1].strip():
        end -= 1
    return end


def group(resource: Resource, severity: str) -> dict[str, Any]:
    return resource.groups.setdefault(severity, {"columns": {}, "rules": []})


def add_rule(target: list[Any], rule: Any) -> None:
    if json.dumps(rule, sort_keys=True) not in {json.dumps(r, sort_keys=True) for r in target}:
        target.append(rule)


def rule_entry(kind: str, arguments: dict[str, Any], where: str | None, name: str | None) -> Any:
    body = {"name": name} if name else {}
    body.update(arguments)
    if where:
        body["where"] = where
    return {kind: body} if body else kind


def read_resources(text: str) -> tuple[list[str], list[Resource]]:
    yaml = YAML()
    data = yaml.load(text)
    lines = text.splitlines(keepends=True)
    resources: list[Resource] = []
    if not isinstance(data, dict):
        return lines, resources
    top_level = sorted(data.lc.key(key)[0] for key in data)
    for section in ("models", "seeds"):
        items = data.get(section) or []
        for index, node in enumerate(items):
            start = items.lc.item(index)[0]
            if index + 1 < len(items):
                end = items.lc.item(index + 1)[0]
            else:  # the last item ends where the next top-level key starts
                end = min([line for line in top_level if line > start] + [len(lines)])
            resource = Resource(str(node["name"]), node, start, end)
            read_columns(resource, lines)
            read_model_tests(resource, lines)
            resources.append(resource)
    return lines, resources


def read_columns(resource: Resource, lines: list[str]) -> None:
    for column in resource.node.get("columns") or []:
        for key in ("data_tests", "tests"):
            if key not in column:
                continue
            tests = column[key] or []
            kept = []
            for entry in tests:
                kind, arguments, config, name = parse_test(entry)
                if kind not in COLUMN_KINDS or not set(config) <= FOLDED_CONFIG:
                    kept.append(entry)
                    continue
                columns = group(resource, severity_of(config))["columns"]
                add_rule(
                    columns.setdefault(str(column["name"]), []),
                    rule_entry(kind, arguments, config.get("where"), name),
                )
            if kept:  # a test that cannot be folded: the block stays as it is
                raise_kept(resource, column, kept)
            line = column.lc.key(key)[0]
            if not resource.start <= line < resource.end:
                continue  # columns shared through a YAML alias: their owner removes the block
            indent = len(lines[line]) - len(lines[line].lstrip())
            resource.column_blocks.append((line, block_end(lines, line, indent, resource.end)))


def raise_kept(resource: Resource, column: Any, kept: list[Any]) -> None:
    raise InputError(
        f"{resource.name}.{column['name']}: tests {[parse_test(e)[0] for e in kept]} cannot be "
        "folded into column_rules (a config other than where/severity, or another generic "
        "test): move them to the model's data_tests"
    )


def read_model_tests(resource: Resource, lines: list[str]) -> None:
    node = resource.node
    if "data_tests" not in node:
        return
    tests = node["data_tests"] or []
    key_line = node.lc.key("data_tests")[0]
    indent = len(lines[key_line]) - len(lines[key_line].lstrip())
    resource.tests_key = (key_line, block_end(lines, key_line, indent, resource.end))
    for index, entry in enumerate(tests):
        kind, arguments, config, name = parse_test(entry)
        line = tests.lc.item(index)[0]
        item_indent = len(lines[line]) - len(lines[line].lstrip())
        span = (line, block_end(lines, line, item_indent, resource.tests_key[1]))
        if kind == "column_rules":
            folded = group(resource, severity_of(config))
            for column, rules in (arguments.get("columns") or {}).items():
                for rule in rules:
                    add_rule(folded["columns"].setdefault(column, []), rule)
            for rule in arguments.get("rules") or []:
                add_rule(folded["rules"], rule)
            resource.rules_items.append(span)
        elif kind in MODEL_KINDS and set(config) <= FOLDED_CONFIG:
            add_rule(
                group(resource, severity_of(config))["rules"],
                rule_entry(kind, arguments, config.get("where"), name),
            )
            resource.rules_items.append(span)
        else:
            resource.kept_model_tests += 1


# --- writing ------------------------------------------------------------------------------------


def window_of(name: str, models: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The rows an incremental run writes, from the model's config (see the module doc)."""
    node = models.get(name)
    if node is None:
        return None
    config = node["config"]
    declared = (config.get("meta") or {}).get("proof_window")  # a view over a windowed model
    if declared:
        return dict(declared)
    if name.startswith("stg_") and config.get("materialized") in ("view", "incremental"):
        # a staging view, or a staging table of each key's latest version: a run writes the
        # rows of the loads it consumes (macro in_loads_after_this)
        return {"loads": "load_id"}
    if config.get("materialized") == "incremental":
        strategy = config.get("incremental_strategy")
        if strategy == "sublots":
            return {"sublots": "material_sublot_id"}
        if strategy == "lookback" and not config.get("unique_key"):
            column = config.get("lookback_column")
            if config.get("lookback_by_day"):
                return {
                    "lookback_day": column,
                    "extra": int(config.get("lookback_by_day_extra", 0)),
                }
            return {"lookback": column}
        return None
    return None


def key_of(columns: dict[str, list[Any]]) -> str | None:
    """The first column with an unconditional unique and not_null rule: the model's key."""
    for column, rules in columns.items():
        if "unique" in rules and "not_null" in rules:
            return column
    return None


FLOW_WIDTH = 60


def flow_leaves(value: Any) -> Any:
    """Short scalar collections in flow style ([a, b], {to: .., field: ..}), others as blocks."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    short = len(json.dumps(value)) <= FLOW_WIDTH
    if isinstance(value, dict):
        mapping = CommentedMap((k, flow_leaves(v)) for k, v in value.items())
        if short and all(not isinstance(v, dict | list) for v in value.values()):
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq(flow_leaves(v) for v in value)
        if short and all(not isinstance(v, dict | list) for v in value):
            sequence.fa.set_flow_style()
        return sequence
    return value


def render_tests(resource: Resource, models: dict[str, dict[str, Any]], indent: int) -> str:
    """The column_rules entries of a resource, as YAML list items at ``indent``."""
    yaml = YAML()
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    entries = []
    for severity in sorted(resource.groups):
        folded = resource.groups[severity]
        arguments: dict[str, Any] = {}
        window = window_of(resource.name, models)
        if window:
            arguments["window"] = window
        key = key_of(folded["columns"]) or (
            key_of(resource.groups.get("error", {}).get("columns", {}))
        )
        if key:
            arguments["key"] = key
        if folded["columns"]:
            arguments["columns"] = folded["columns"]
        if folded["rules"]:
            arguments["rules"] = folded["rules"]
        suffix = "" if severity == "error" else f"_{severity}"
        entry: dict[str, Any] = {
            "column_rules": {
                "name": f"column_rules_{resource.name}{suffix}",
                "arguments": arguments,
            }
        }
        if severity != "error":
            entry["column_rules"]["config"] = {"severity": severity}
        entries.append(entry)
    out = io.StringIO()
    yaml.dump(flow_leaves(entries), out)
    lines = (line.rstrip() for line in out.getvalue().splitlines())
    return "".join((" " * indent + line if line else "") + "\n" for line in lines)


def convert_text(text: str, models: dict[str, dict[str, Any]]) -> str:
    lines, resources = read_resources(text)
    edits: list[tuple[int, int, str]] = []
    for resource in resources:
        if not resource.groups:
            continue
        for start, end in resource.column_blocks:
            edits.append((start, end, ""))
        model_indent = len(lines[resource.start]) - len(lines[resource.start].lstrip()) + 2
        block = render_tests(resource, models, model_indent)
        if resource.tests_key is None:  # a new data_tests key at the end of the model
            end = resource.end
            while end - 1 > resource.start and not lines[end - 1].strip():
                end -= 1
            edits.append((end, end, " " * model_indent + "data_tests:\n" + block))
        elif resource.rules_items:
            for span in resource.rules_items[1:]:
                edits.append((span[0], span[1], ""))
            first = resource.rules_items[0]
            edits.append((first[0], first[1], block))
        else:
            end = resource.tests_key[1]
            edits.append((end, end, block))
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[start:end] = [replacement] if replacement else []
    return "".join(lines)


# --- the set of rules: before (a manifest) and after (the YAML) --------------------------------


def canonical(kind: str, arguments: dict[str, Any]) -> str:
    arguments = {
        k: v for k, v in plain(arguments).items() if k not in ("model", "column_name", "name")
    }
    if kind == "accepted_values":
        if arguments.get("quote", True) is True:
            arguments.pop("quote", None)
        arguments["values"] = sorted(str(v) for v in arguments.get("values", []))
    return json.dumps(arguments, sort_keys=True)


def where_text(where: Any) -> str:
    return " ".join(str(where).split()) if where else ""


def rules_before(manifest: dict[str, Any]) -> set[Rule]:
    rules: set[Rule] = set()
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata")
        if node["resource_type"] != "test" or not meta:
            continue
        kind, column = meta["name"], node.get("column_name") or ""
        if (column and kind not in COLUMN_KINDS) or (not column and kind not in MODEL_KINDS):
            continue
        resource = (node.get("attached_node") or "").split(".")[-1]
        config = node["config"]
        rules.add(
            (
                resource,
                column,
                kind,
                canonical(kind, meta["kwargs"]),
                where_text(config.get("where")),
                severity_of(config),
            )
        )
    return rules


def rules_after(paths: Iterable[Path]) -> set[Rule]:
    rules: set[Rule] = set()
    for path in paths:
        data = YAML().load(path.read_text(encoding="utf-8"))
        for section in ("models", "seeds"):
            for node in (data or {}).get(section) or []:
                name = str(node["name"])
                for column in node.get("columns") or []:
                    for entry in column.get("data_tests") or column.get("tests") or []:
                        kind, arguments, config, _ = parse_test(entry)
                        if kind in COLUMN_KINDS:
                            rules.add(
                                (
                                    name,
                                    str(column["name"]),
                                    kind,
                                    canonical(kind, arguments),
                                    where_text(config.get("where")),
                                    severity_of(config),
                                )
                            )
                for entry in node.get("data_tests") or []:
                    kind, arguments, config, _ = parse_test(entry)
                    if kind in MODEL_KINDS:
                        rules.add(
                            (
                                name,
                                "",
                                kind,
                                canonical(kind, arguments),
                                where_text(config.get("where")),
                                severity_of(config),
                            )
                        )
                    elif kind == "column_rules":
                        rules |= expand(name, arguments, severity_of(config))
    return rules


def expand(name: str, arguments: dict[str, Any], severity: str) -> set[Rule]:
    rules: set[Rule] = set()
    listed = [(c, r) for c, rs in (arguments.get("columns") or {}).items() for r in rs]
    listed += [("", r) for r in arguments.get("rules") or []]
    for column, rule in listed:
        kind, body = (rule, {}) if isinstance(rule, str) else next(iter(rule.items()))
        body = dict(body or {})
        where = body.pop("where", None)
        rules.add((name, column, kind, canonical(kind, body), where_text(where), severity))
    return rules


# --- command line -------------------------------------------------------------------------------


def yaml_files(root: Path) -> list[Path]:
    return sorted(root.glob("models/**/_*__models.yml")) + sorted(root.glob("seeds/_*.yml"))


def load_manifest(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(
            f"cannot read the manifest {path}: {error}; run 'dbt parse' first"
        ) from None


def parsed_models(root: Path) -> dict[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as target:
        dbt = Path(sys.executable).with_name("dbt")
        run = subprocess.run(
            [
                str(dbt),
                "parse",
                "--project-dir",
                str(root),
                "--profiles-dir",
                str(root),
                "--target-path",
                target,
                "--quiet",
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=root,
        )
        if run.returncode != 0:
            raise InputError(
                f"dbt parse failed ({run.stdout.strip()[-300:]}); fix the project first"
            )
        manifest = load_manifest(Path(target) / "manifest.json")
    return models_of(manifest)


def models_of(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, default=REPO, help="the dbt project (default: this repo)"
    )
    parser.add_argument(
        "--manifest", type=Path, help="a manifest of the project (default: dbt parse)"
    )
    parser.add_argument(
        "--check", action="store_true", help="compare rules with --before; change nothing"
    )
    parser.add_argument(
        "--before", type=Path, help="with --check: a manifest built before the conversion"
    )
    args = parser.parse_args(argv)
    try:
        paths = yaml_files(args.root)
        if not paths:
            raise InputError(
                f"no models/**/_*__models.yml under {args.root}: pass --root DBT_PROJECT"
            )
        if args.check:
            if args.before is None:
                raise InputError(
                    "--check needs --before MANIFEST (a manifest built before the conversion)"
                )
            before, after = rules_before(load_manifest(args.before)), rules_after(paths)
            for label, rules in (("lost", before - after), ("added", after - before)):
                for rule in sorted(rules):
                    print(f"{label}: {' | '.join(rule)}")
            print(f"rules before: {len(before)}, after: {len(after)}")
            return 1 if before != after else 0
        models = (
            models_of(load_manifest(args.manifest)) if args.manifest else parsed_models(args.root)
        )
        for path in paths:
            text = path.read_text(encoding="utf-8")
            converted = convert_text(text, models)
            if converted != text:
                path.write_text(converted, encoding="utf-8")
                print(f"converted {path.relative_to(args.root)}")
    except InputError as error:
        print(f"plantledger: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
