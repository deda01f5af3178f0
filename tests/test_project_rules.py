"""The dbt-project-evaluator-style rules plantledger adopts (scripts/project_rules.py): the
project's manifest breaks none of them beyond the listed exceptions, and each rule does fire on
a model that breaks it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scripts import project_rules


def _model(name: str, path: str, parents: list[str], code: str = "select 1", **extra: Any) -> dict:
    node = {
        "resource_type": "model",
        "package_name": "plantledger",
        "name": name,
        "original_file_path": path,
        "depends_on": {"nodes": parents},
        "raw_code": code,
        "description": "described",
        "columns": {"id": {"description": "the key"}},
    }
    node.update(extra)
    return node


def _manifest(*nodes: dict) -> dict:
    return {"nodes": {f"model.plantledger.{node['name']}": node for node in nodes}}


GOOD = [
    _model("stg_a", "models/staging/x/stg_a.sql", ["source.plantledger.x.a"]),
    _model("int_a", "models/intermediate/int_a.sql", ["model.plantledger.stg_a"]),
    _model("fct_a", "models/marts/fct_a.sql", ["model.plantledger.int_a"]),
]


def test_a_layered_project_breaks_no_rule():
    assert list(project_rules.violations(_manifest(*GOOD))) == []


STG, INT, MART = "models/staging/x/", "models/intermediate/", "models/marts/"
SRC, INT_A, FCT_A, STG_A = (
    "source.plantledger.x.b",
    "model.plantledger.int_a",
    "model.plantledger.fct_a",
    "model.plantledger.stg_a",
)
SEVEN_JOINS = "select 1 from a" + " join b using (k)" * 7


@pytest.mark.parametrize(
    ("rule", "bad"),
    [
        ("staging_reads_one_source", _model("stg_b", STG + "stg_b.sql", [])),
        ("staging_reads_one_source", _model("stg_c", STG + "stg_c.sql", [SRC, SRC + "2"])),
        ("only_staging_reads_sources", _model("int_b", INT + "int_b.sql", [SRC])),
        ("layers_point_down", _model("int_c", INT + "int_c.sql", [FCT_A])),
        ("marts_do_not_read_staging", _model("fct_b", MART + "fct_b.sql", [STG_A])),
        ("at_most_six_joins", _model("fct_c", MART + "fct_c.sql", [], SEVEN_JOINS)),
        ("models_described", _model("fct_d", MART + "fct_d.sql", [], description="")),
        ("models_described", _model("fct_e", MART + "e.sql", [], columns={"k": {}})),
        ("no_hard_coded_references", _model("fct_f", MART + "f.sql", [], "select * from marts.a")),
    ],
)
def test_each_rule_fires_on_a_model_that_breaks_it(rule, bad):
    found = list(project_rules.violations(_manifest(*GOOD, bad)))
    assert [(r, model) for r, model, _ in found] == [(rule, bad["name"])]


def test_staging_reads_no_model_of_a_layer_above():
    bad = _model("stg_d", STG + "stg_d.sql", [SRC, INT_A])
    found = {rule for rule, _, _ in project_rules.violations(_manifest(*GOOD, bad))}
    assert found == {"layers_point_down", "staging_reads_one_source"}


def test_comments_are_not_counted_as_joins_or_references():
    code = "-- join join join join join join join marts.x\n{# join marts.y #}\nselect 1"
    quiet = _model("fct_g", "models/marts/fct_g.sql", [], code)
    assert list(project_rules.violations(_manifest(*GOOD, quiet))) == []


def test_a_listed_exception_that_no_longer_occurs_is_reported(monkeypatch):
    monkeypatch.setattr(project_rules, "EXCEPTIONS", {"layers_point_down": {"int_a": "why"}})
    monkeypatch.setattr(project_rules, "PENDING", {})
    new, stale = project_rules.check(_manifest(*GOOD))
    assert new == [] and stale == [
        "layers_point_down: int_a: listed as an agreed exception but no longer a violation: "
        "remove it from the list"
    ]


def test_the_project_keeps_its_rules(warehouse_small):
    """The manifest of the test warehouse's `dbt build`: no violation beyond the listed
    exceptions and pending pairs, and none of those listed without cause."""
    manifest = json.loads((warehouse_small.target / "manifest.json").read_text(encoding="utf-8"))
    new, stale = project_rules.check(manifest)
    assert new == [] and stale == []
